// The products, the LSTM step and attention for CPUs with AVX-512 (F and
// VL); this file alone is compiled with -mavx512f -mavx512vl (binding.gyp),
// and only called after a CPUID check. The source is the AVX2 one: the
// same 8-float vectors, but with 32 registers to hold them, so x . W keeps
// a 12 x 16 tile of its result in registers instead of 6 x 16
// (block_products_impl.h, DenseSparseThen).
#define BSP_ARCH avx512
#include "block_products_impl.h"
#include "lstm_step_impl.h"
#include "attention_impl.h"
#include "fused_attention_impl.h"
