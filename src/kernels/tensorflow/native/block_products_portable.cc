// The products, the LSTM step and attention for any CPU, compiled for the compiler's
// baseline target.
#define BSP_ARCH portable
#include "block_products_impl.h"
#include "lstm_step_impl.h"
#include "attention_impl.h"
#include "fused_attention_impl.h"
