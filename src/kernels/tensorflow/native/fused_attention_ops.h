// Attention in one op (math in src/kernel_names.ts: BlockSparseAttention
// and its backward): the work of TfjsBlockSparseSDD, Softmax and DSD
// (attention_ops.h) fused per block row, on the same layout tables.
#ifndef TFJS_BLOCKSPARSE_FUSED_ATTENTION_OPS_H_
#define TFJS_BLOCKSPARSE_FUSED_ATTENTION_OPS_H_

#include "op_registration.h"

namespace tfjs_blocksparse {

// q, k [batch, heads, S, d], v [batch, heads, S, dv], key_mask [batch, S]
// (read only with use_key_mask), the row table; attrs block_size, scale,
// causal, use_key_mask -> out [batch, heads, S, dv] and probs
// [batch, heads, nnz, b, b].
constexpr char kAttentionOpName[] = "TfjsBlockSparseAttention";
// q, k, v, probs, dy (like v), the row table, then the column table; attrs
// scale, causal (the forward's, so probs' zeros above the diagonal are
// skipped) -> dq, dk, dv.
constexpr char kAttentionBackwardOpName[] = "TfjsBlockSparseAttentionBackward";

const OpSpec& AttentionOpSpec();
const OpSpec& AttentionBackwardOpSpec();

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_FUSED_ATTENTION_OPS_H_
