// The block-sparse attention ops (math in src/kernel_names.ts). The square
// layout [S/b, S/b] comes as one of its lookup tables (ptr, other, block),
// as TfjsBlockSparseMatMul takes them: the row table (one group per block
// row, entries naming the block column and the kept block) or, for
// P^T . v, the column table. Each table must name every kept block once.
#ifndef TFJS_BLOCKSPARSE_ATTENTION_OPS_H_
#define TFJS_BLOCKSPARSE_ATTENTION_OPS_H_

#include "op_registration.h"

namespace tfjs_blocksparse {

// a, b [B, S, d], the row table; attr block_size -> out [B, nnz, b, b].
constexpr char kSDDOpName[] = "TfjsBlockSparseSDD";
// scores [batch, heads, nnz, b, b], key_mask [batch, S] (read only with
// use_key_mask), the row table; attrs scale, causal, use_key_mask -> out
// like scores.
constexpr char kSoftmaxOpName[] = "TfjsBlockSparseSoftmax";
// p, dp [batch, heads, nnz, b, b], the row table; attr scale -> out like p.
constexpr char kSoftmaxBackwardOpName[] = "TfjsBlockSparseSoftmaxBackward";
// p [B, nnz, b, b], v [B, S, d], the row table (or with transpose_p the
// column table); attr transpose_p -> out [B, S, d].
constexpr char kDSDOpName[] = "TfjsBlockSparseDSD";

const OpSpec& SDDOpSpec();
const OpSpec& SoftmaxOpSpec();
const OpSpec& SoftmaxBackwardOpSpec();
const OpSpec& DSDOpSpec();

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_ATTENTION_OPS_H_
