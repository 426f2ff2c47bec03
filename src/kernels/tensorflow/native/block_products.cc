// Picks the implementation (products, LSTM step, attention) once, from what the CPU reports.
#include "block_products.h"

#include <cstdlib>
#include <cstring>

#include "attention_blocks.h"

namespace tfjs_blocksparse {
namespace {

bool UseAvx2() {
#if defined(__x86_64__) || defined(__i386__)
  // TFJS_BLOCKSPARSE_ISA=portable forces the baseline path (tests run both).
  const char* forced = std::getenv("TFJS_BLOCKSPARSE_ISA");
  if (forced != nullptr && std::strcmp(forced, "portable") == 0) return false;
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

const bool kUseAvx2 = UseAvx2();

}  // namespace

const char* InstructionSet() { return kUseAvx2 ? "avx2-fma" : "portable"; }

void DenseSparse(const DenseSparseArgs& args) {
#if defined(__x86_64__) || defined(__i386__)
  if (kUseAvx2) return avx2::DenseSparse(args);
#endif
  portable::DenseSparse(args);
}

void Sampled(const SampledArgs& args) {
#if defined(__x86_64__) || defined(__i386__)
  if (kUseAvx2) return avx2::Sampled(args);
#endif
  portable::Sampled(args);
}

void LSTMStep(const LSTMStepArgs& args) {
#if defined(__x86_64__) || defined(__i386__)
  if (kUseAvx2) return avx2::LSTMStep(args);
#endif
  portable::LSTMStep(args);
}

void LSTMStepBackward(const LSTMStepBackwardArgs& args) {
#if defined(__x86_64__) || defined(__i386__)
  if (kUseAvx2) return avx2::LSTMStepBackward(args);
#endif
  portable::LSTMStepBackward(args);
}

void SDD(const SDDArgs& args) {
#if defined(__x86_64__) || defined(__i386__)
  if (kUseAvx2) return avx2::SDD(args);
#endif
  portable::SDD(args);
}

void DSD(const DSDArgs& args) {
#if defined(__x86_64__) || defined(__i386__)
  if (kUseAvx2) return avx2::DSD(args);
#endif
  portable::DSD(args);
}

void Softmax(const SoftmaxArgs& args) {
#if defined(__x86_64__) || defined(__i386__)
  if (kUseAvx2) return avx2::Softmax(args);
#endif
  portable::Softmax(args);
}

void SoftmaxBackward(const SoftmaxBackwardArgs& args) {
#if defined(__x86_64__) || defined(__i386__)
  if (kUseAvx2) return avx2::SoftmaxBackward(args);
#endif
  portable::SoftmaxBackward(args);
}

}  // namespace tfjs_blocksparse
