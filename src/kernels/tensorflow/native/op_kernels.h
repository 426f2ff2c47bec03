// Registers the block-sparse ops and their CPU kernels with the TensorFlow
// runtime of this process, through TensorFlow's C kernel API (declared in
// tf_c_api.h): no TensorFlow C++ symbols, so one build works against any
// libtensorflow 2.x from 2.9.1 on.
#ifndef TFJS_BLOCKSPARSE_OP_KERNELS_H_
#define TFJS_BLOCKSPARSE_OP_KERNELS_H_

#include <cstdint>

#include "process_registration.h"

namespace tfjs_blocksparse {

// Another copy of this addon in the same process reuses the ops this one
// registered only when both have the same version here and the same op
// definitions. Bump it when an op keeps its definition strings but changes
// what it computes or expects (a table's layout, an output's meaning).
constexpr uint32_t kOpAbiVersion = 1;

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

// Registers all the ops and kernels once per process (process_registration.h),
// or finds them registered by another copy of this addon; the first call's
// result is kept.
const RegistrationResult& RegisterOpsAndKernels();

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_OP_KERNELS_H_
