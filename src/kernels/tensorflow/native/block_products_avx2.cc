// The products, the LSTM step and attention for CPUs with AVX2 and FMA; this
// file alone is compiled with -mavx2 -mfma (binding.gyp), and only called after a CPUID check.
#define BSP_ARCH avx2
#include "block_products_impl.h"
#include "lstm_step_impl.h"
#include "attention_impl.h"
#include "fused_attention_impl.h"
