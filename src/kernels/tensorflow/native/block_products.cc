// Picks the implementation (products, LSTM step, attention) once, from what the CPU reports.
#include "block_products.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "attention_blocks.h"

namespace tfjs_blocksparse {
namespace {

enum class Isa { kPortable, kAvx2, kAvx512 };

#if defined(__x86_64__)
struct X86Features {
  bool avx2Fma = false;     // AVX2 and FMA, with the OS saving ymm registers
  bool avx512F_VL = false;  // AVX-512 F and VL, with the OS saving zmm and mask registers
};

// CPUID and XGETBV read directly rather than through
// __builtin_cpu_supports, whose __cpu_model lives in libgcc: Zig's runtime
// (scripts/build-prebuilt.sh) has none.
X86Features DetectX86() {
  X86Features f;
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  const bool fma = ecx & (1u << 12), osxsave = ecx & (1u << 27), avx = ecx & (1u << 28);
  if (!osxsave || !avx) return f;
  unsigned xcr0, xcr0High;
  __asm__ volatile("xgetbv" : "=a"(xcr0), "=d"(xcr0High) : "c"(0));
  const bool osYmm = (xcr0 & 0x6) == 0x6;    // SSE and AVX state
  const bool osZmm = (xcr0 & 0xe6) == 0xe6;  // and opmask, ZMM_Hi256, Hi16_ZMM
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return f;
  const bool avx2 = ebx & (1u << 5), avx512f = ebx & (1u << 16), avx512vl = ebx & (1u << 31);
  f.avx2Fma = osYmm && avx2 && fma;
  f.avx512F_VL = f.avx2Fma && osZmm && avx512f && avx512vl;
  return f;
}
#endif

// The best build this CPU runs; TFJS_BLOCKSPARSE_ISA=avx2 or =portable
// forces a lesser one (the tests run each). The AVX2 and AVX-512 builds
// exist on x86-64 only (binding.gyp, scripts/build-prebuilt.sh).
Isa PickIsa() {
#if defined(__x86_64__)
  const X86Features cpu = DetectX86();
  const char* forced = std::getenv("TFJS_BLOCKSPARSE_ISA");
  if (forced != nullptr && std::strcmp(forced, "portable") == 0) return Isa::kPortable;
  if (forced != nullptr && std::strcmp(forced, "avx2") == 0) {
    return cpu.avx2Fma ? Isa::kAvx2 : Isa::kPortable;
  }
  return cpu.avx512F_VL ? Isa::kAvx512 : cpu.avx2Fma ? Isa::kAvx2 : Isa::kPortable;
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

// Calls NAME(args) of the picked build.
#if defined(__x86_64__)
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
