// Picks the implementation (products, LSTM step, attention) once, from what the CPU reports.
#include "block_products.h"

#include <cstdlib>
#include <cstring>

#include "attention_blocks.h"

namespace tfjs_blocksparse {
namespace {

enum class Isa { kPortable, kAvx2, kAvx512 };

// The best build this CPU runs; TFJS_BLOCKSPARSE_ISA=avx2 or =portable
// forces a lesser one (the tests run each).
Isa PickIsa() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 =
      avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
  const char* forced = std::getenv("TFJS_BLOCKSPARSE_ISA");
  if (forced != nullptr && std::strcmp(forced, "portable") == 0) return Isa::kPortable;
  if (forced != nullptr && std::strcmp(forced, "avx2") == 0) {
    return avx2 ? Isa::kAvx2 : Isa::kPortable;
  }
  return avx512 ? Isa::kAvx512 : avx2 ? Isa::kAvx2 : Isa::kPortable;
#else
  return Isa::kPortable;
#endif
}

const Isa kIsa = PickIsa();

}  // namespace

const char* InstructionSet() {
  switch (kIsa) {
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx2: return "avx2-fma";
    default: return "portable";
  }
}

// Calls NAME(args) of the picked build; the x86 builds exist only on x86.
#if defined(__x86_64__) || defined(__i386__)
#define TFJS_BLOCKSPARSE_DISPATCH(NAME, ARGS)       \
  switch (kIsa) {                                  \
    case Isa::kAvx512: return avx512::NAME(ARGS);  \
    case Isa::kAvx2: return avx2::NAME(ARGS);      \
    default: return portable::NAME(ARGS);          \
  }
#else
#define TFJS_BLOCKSPARSE_DISPATCH(NAME, ARGS) return portable::NAME(ARGS);
#endif

void DenseSparse(const DenseSparseArgs& args) { TFJS_BLOCKSPARSE_DISPATCH(DenseSparse, args) }
void Sampled(const SampledArgs& args) { TFJS_BLOCKSPARSE_DISPATCH(Sampled, args) }
void LSTMStep(const LSTMStepArgs& args) { TFJS_BLOCKSPARSE_DISPATCH(LSTMStep, args) }
void LSTMStepBackward(const LSTMStepBackwardArgs& args) {
  TFJS_BLOCKSPARSE_DISPATCH(LSTMStepBackward, args)
}
void SDD(const SDDArgs& args) { TFJS_BLOCKSPARSE_DISPATCH(SDD, args) }
void DSD(const DSDArgs& args) { TFJS_BLOCKSPARSE_DISPATCH(DSD, args) }
void Softmax(const SoftmaxArgs& args) { TFJS_BLOCKSPARSE_DISPATCH(Softmax, args) }
void SoftmaxBackward(const SoftmaxBackwardArgs& args) {
  TFJS_BLOCKSPARSE_DISPATCH(SoftmaxBackward, args)
}
void Attention(const AttentionArgs& args) { TFJS_BLOCKSPARSE_DISPATCH(Attention, args) }
void AttentionBackward(const AttentionBackwardArgs& args) {
  TFJS_BLOCKSPARSE_DISPATCH(AttentionBackward, args)
}

#undef TFJS_BLOCKSPARSE_DISPATCH

}  // namespace tfjs_blocksparse
