// Block-sparse attention on the CPU, independent of TensorFlow (math in
// src/kernel_names.ts: BlockSparseSDD, BlockSparseSoftmax,
// BlockSparseSoftmaxBackward, BlockSparseDSD).
//
// The layout is square, [S/b, S/b]; its kept blocks are numbered v in
// [0, nnz), and the per-group lookup tables of block_products.h list them:
// the row table has one group per block row (entries naming the block
// column and v), the column table one per block column (naming the block
// row and v). A "slice" is one [S, d] sequence: batch entries times heads.
//
// Every function here trusts its arguments: attention_ops.cc validates them,
// including that each table names every kept block exactly once.
#ifndef TFJS_BLOCKSPARSE_ATTENTION_BLOCKS_H_
#define TFJS_BLOCKSPARSE_ATTENTION_BLOCKS_H_

#include <cstdint>

#include "block_products.h"

namespace tfjs_blocksparse {

// out[s, v] [b, b] = a[s, rows of block row r] . c[s, rows of block column c]^T
// for every kept block v = (r, c) of the row table.
struct SDDArgs {
  const float* a;  // [slices, seq, depth]
  const float* c;  // [slices, seq, depth]
  int64_t slices;
  int64_t seq;
  int64_t depth;
  int blockSize;
  GroupTable rows;  // the layout's row table
  int64_t nnzBlocks;
  float* out;  // [slices, nnz, b, b]
};

// out[s, rows of group g] = sum over g's entries (block v, other o) of
// P_v . v[s, rows of o], or P_v^T . v[s, rows of o] when transposeP
// (then `table` is the column table). Groups without entries give zeros.
struct DSDArgs {
  const float* p;  // [slices, nnz, b, b]
  const float* v;  // [slices, seq, depth]
  int64_t slices;
  int64_t seq;
  int64_t depth;
  int64_t nnzBlocks;
  int blockSize;
  bool transposeP;
  // P (attention's probabilities or their gradient) is zero above the
  // diagonal of diagonal blocks: the products skip that half.
  bool causal = false;
  GroupTable table;
  float* out;  // [slices, seq, depth]
};

// The masked row softmax of scale * scores over each row's kept blocks
// (the row table); rows with no allowed entry are all zeros.
struct SoftmaxArgs {
  const float* scores;   // [batch, heads, nnz, b, b]
  const float* keyMask;  // [batch, seq], or null for none
  int64_t batch;
  int64_t heads;
  int64_t nnzBlocks;
  int blockSize;
  float scale;
  bool causal;
  GroupTable rows;
  float* out;  // like scores
};

// out = scale * p * (dp - sum over the row's kept entries of dp * p).
struct SoftmaxBackwardArgs {
  const float* p;   // [slices, nnz, b, b]
  const float* dp;  // like p
  int64_t slices;
  int64_t nnzBlocks;
  int blockSize;
  float scale;
  GroupTable rows;
  float* out;  // like p
};

// Attention forward fused per block row (Attention): probs is
// BlockSparseSoftmax(BlockSparseSDD(q, k)), out = BlockSparseDSD(probs, v).
struct AttentionArgs {
  const float* q;        // [batch * heads, seq, depth]
  const float* k;        // like q
  const float* v;        // [batch * heads, seq, valueDepth]
  const float* keyMask;  // [batch, seq], or null for none
  int64_t batch;
  int64_t heads;
  int64_t seq;
  int64_t depth;
  int64_t valueDepth;
  int64_t nnzBlocks;
  int blockSize;
  float scale;
  bool causal;
  GroupTable rows;
  float* probs;  // [batch * heads, nnz, b, b]
  float* out;    // [batch * heads, seq, valueDepth]
};

// Its backward from the upstream gradient dy of out (probs' own gradient
// is not an input: the op's only output is out).
struct AttentionBackwardArgs {
  const float* q;      // [slices, seq, depth]
  const float* k;      // like q
  const float* v;      // [slices, seq, valueDepth]
  const float* probs;  // [slices, nnz, b, b]
  const float* dy;     // like v
  int64_t slices;
  int64_t seq;
  int64_t depth;
  int64_t valueDepth;
  int64_t nnzBlocks;
  int blockSize;
  float scale;
  bool causal;  // the forward's: probs is zero above the diagonal
  GroupTable rows;
  GroupTable columns;
  float* scoresGradient;  // scratch like probs
  float* dq;              // like q
  float* dk;              // like q
  float* dv;              // like v
};

// The entry points, declared once per instruction set's build
// (attention_impl.h) and once more for the dispatch to the one
// block_products.cc picked.
#define TFJS_BLOCKSPARSE_ATTENTION_ENTRY_POINTS   \
  void SDD(const SDDArgs& args);                  \
  void DSD(const DSDArgs& args);                  \
  void Softmax(const SoftmaxArgs& args);          \
  void SoftmaxBackward(const SoftmaxBackwardArgs& args);   \
  void Attention(const AttentionArgs& args);              \
  void AttentionBackward(const AttentionBackwardArgs& args);

namespace avx512 { TFJS_BLOCKSPARSE_ATTENTION_ENTRY_POINTS }
namespace avx2 { TFJS_BLOCKSPARSE_ATTENTION_ENTRY_POINTS }
namespace portable { TFJS_BLOCKSPARSE_ATTENTION_ENTRY_POINTS }
TFJS_BLOCKSPARSE_ATTENTION_ENTRY_POINTS

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_ATTENTION_BLOCKS_H_
