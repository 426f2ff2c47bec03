// The three block-sparse products on the CPU, independent of TensorFlow.
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

// One implementation per instruction set; the same source is compiled
// once per target (block_products_impl.h).
namespace avx2 {
void DenseSparse(const DenseSparseArgs& args);
void Sampled(const SampledArgs& args);
}  // namespace avx2
namespace portable {
void DenseSparse(const DenseSparseArgs& args);
void Sampled(const SampledArgs& args);
}  // namespace portable

// The instruction set chosen at run time: "avx2-fma" or "portable".
const char* InstructionSet();

// Dispatch to the best implementation this CPU supports.
void DenseSparse(const DenseSparseArgs& args);
void Sampled(const SampledArgs& args);

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_BLOCK_PRODUCTS_H_
