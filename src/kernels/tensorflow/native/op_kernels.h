// Registers the block-sparse ops and their CPU kernels with the TensorFlow
// runtime of this process, through TensorFlow's C kernel API
// (tensorflow/c/ops.h, tensorflow/c/kernels.h): no TensorFlow C++ symbols,
// so one build works against any libtensorflow 2.x that exports that API.
#ifndef TFJS_BLOCKSPARSE_OP_KERNELS_H_
#define TFJS_BLOCKSPARSE_OP_KERNELS_H_

#include <string>

namespace tfjs_blocksparse {

// y = x . W or x . W^T (attr transpose_w), W given by its nonzero blocks
// and the lookup table of the output groups:
//   x [M, K] float, w [nnz, b, b] float, ptr [G + 1], other [E], block [E]
//   int32 -> y [M, G * b].
constexpr char kMatMulOpName[] = "TfjsBlockSparseMatMul";
// The layout's blocks of a^T . c:
//   a [M, K] float, c [M, N] float, block_row [nnz], block_col [nnz] int32,
//   attr block_size -> out [nnz, block_size, block_size].
constexpr char kSampledMatMulOpName[] = "TfjsBlockSparseSampledMatMul";

// The LSTM step ops are in lstm_step_ops.h, the attention ops in attention_ops.h.

// Registers all the ops and kernels once per process. Returns "" on success,
// else TensorFlow's error message.
std::string RegisterOpsAndKernels();

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_OP_KERNELS_H_
