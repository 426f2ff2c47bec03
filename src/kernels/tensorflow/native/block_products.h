// The block-sparse products and the LSTM step on the CPU, independent of
// TensorFlow.
//
// Layout conventions (same as the TypeScript side, see src/kernel_names.ts):
// a block-sparse W [K, N] is cut into b x b blocks; its nonzero blocks are
// stored row-major as w [nnz, b, b]. A lookup table lists, per output group g
// (a block column of W for x . W, a block row for x . W^T), the entries
// ptr[g] .. ptr[g+1]-1, each naming the input block index `other[e]` and the
// nonzero block `block[e]`.
//
// Every function here trusts its arguments: op_kernels.cc validates them.
#ifndef TFJS_BLOCKSPARSE_BLOCK_PRODUCTS_H_
#define TFJS_BLOCKSPARSE_BLOCK_PRODUCTS_H_

#include <cstdint>

namespace tfjs_blocksparse {

struct GroupTable {
  const int32_t* ptr;    // [numGroups + 1]
  const int32_t* other;  // [ptr[numGroups]] input block index
  const int32_t* block;  // [ptr[numGroups]] nonzero block index
  int64_t numGroups;
};

// y [rows, numGroups * b] = sum over each group's entries of
// x[:, other*b .. +b] . B, where B is blocks[block] (blocks [nnz, b, b],
// row-major), or its transpose when transposeBlocks.
struct DenseSparseArgs {
  const float* x;
  int64_t rows;
  int64_t inner;  // columns of x
  const float* blocks;
  int64_t nnzBlocks;
  int blockSize;
  bool transposeBlocks;
  GroupTable table;
  float* y;
};

// out[v] [b, b] = a[:, blockRow[v]*b .. +b]^T . c[:, blockCol[v]*b .. +b].
struct SampledArgs {
  const float* a;
  int64_t aCols;
  const float* c;
  int64_t cCols;
  int64_t rows;
  const int32_t* blockRow;
  const int32_t* blockCol;
  int64_t nnzBlocks;
  int blockSize;
  float* out;
};

// One LSTM step with a block-sparse recurrent kernel U [units, 4 * units]
// (math in src/kernel_names.ts, BlockSparseLSTMStep):
//   gates = z + hPrev . U, then per unit the activated (i, f, g, o) in
//   place, c = f * cPrev + i * g and h = o * tanh(c); a row whose mask is
//   0 keeps its state instead (h = hPrev, c = cPrev).
// `table` is U's column table (4 * units / b groups, entries naming block
// rows of U in [0, units / b)).
struct LSTMStepArgs {
  const float* z;      // [rows, 4 * units]
  const float* hPrev;  // [rows, units]
  const float* cPrev;  // [rows, units]
  const float* mask;   // [rows], or nullptr: every row steps
  int64_t rows;
  int64_t units;
  const float* blocks;  // U's nonzero blocks [nnz, b, b]
  int64_t nnzBlocks;
  int blockSize;
  GroupTable table;
  float* h;      // [rows, units]
  float* c;      // [rows, units]
  float* gates;  // [rows, 4 * units]
};

// Its backward (BlockSparseLSTMStepBackward): dz and dcPrev elementwise,
// then dhPrev = dz . U^T; a row whose mask is 0 gets dz = 0, dhPrev = dh
// and dcPrev = dc. `table` is U's row table (units / b groups,
// entries naming block columns of U in [0, 4 * units / b)).
struct LSTMStepBackwardArgs {
  const float* dh;     // [rows, units]
  const float* dc;     // [rows, units]
  const float* c;      // [rows, units]
  const float* gates;  // [rows, 4 * units], activated
  const float* cPrev;  // [rows, units]
  const float* mask;   // [rows], or nullptr
  int64_t rows;
  int64_t units;
  const float* blocks;
  int64_t nnzBlocks;
  int blockSize;
  GroupTable table;
  float* dz;      // [rows, 4 * units]
  float* dhPrev;  // [rows, units]
  float* dcPrev;  // [rows, units]
};

// The entry points, declared once per instruction set's build (the same
// source compiled once per target: block_products_impl.h,
// lstm_step_impl.h) and once more for the dispatch to the best one this
// CPU supports (block_products.cc).
#define TFJS_BLOCKSPARSE_PRODUCT_ENTRY_POINTS          \
  void DenseSparse(const DenseSparseArgs& args);      \
  void Sampled(const SampledArgs& args);              \
  void LSTMStep(const LSTMStepArgs& args);            \
  void LSTMStepBackward(const LSTMStepBackwardArgs& args);

namespace avx512 { TFJS_BLOCKSPARSE_PRODUCT_ENTRY_POINTS }
namespace avx2 { TFJS_BLOCKSPARSE_PRODUCT_ENTRY_POINTS }
namespace portable { TFJS_BLOCKSPARSE_PRODUCT_ENTRY_POINTS }
TFJS_BLOCKSPARSE_PRODUCT_ENTRY_POINTS

// The instruction set chosen at run time: "avx512", "avx2-fma" or "portable".
const char* InstructionSet();

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_BLOCK_PRODUCTS_H_
