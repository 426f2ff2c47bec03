// The fused LSTM step ops (math in src/kernel_names.ts, BlockSparseLSTMStep
// and BlockSparseLSTMStepBackward), with U [units, 4 * units] given by its
// nonzero blocks w [nnz, b, b] and one of its lookup tables (ptr, other,
// block), as TfjsBlockSparseMatMul takes them. Block size from w.
#ifndef TFJS_BLOCKSPARSE_LSTM_STEP_OPS_H_
#define TFJS_BLOCKSPARSE_LSTM_STEP_OPS_H_

#include "op_registration.h"

namespace tfjs_blocksparse {

// z [B, 4U], h_prev [B, U], c_prev [B, U], w, and U's column table
// (4U / b groups) -> h [B, U], c [B, U], gates [B, 4U] (activated i, f, g, o).
constexpr char kLSTMStepOpName[] = "TfjsBlockSparseLSTMStep";
// dh, dc, c [B, U], gates [B, 4U], c_prev [B, U], w, and U's row table
// (U / b groups) -> dz [B, 4U], dh_prev [B, U], dc_prev [B, U].
constexpr char kLSTMStepBackwardOpName[] = "TfjsBlockSparseLSTMStepBackward";

const OpSpec& LSTMStepOpSpec();
const OpSpec& LSTMStepBackwardOpSpec();

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_LSTM_STEP_OPS_H_
