// The LSTM step and its backward (block_products.h), compiled once per
// instruction set: included after block_products_impl.h, whose micro-kernel
// and thread pool use they share, by block_products_{avx2,portable}.cc.
//
// Forward: hPrev . U runs as x . W with U's column table straight into the
// gates buffer, and its tasks are cut so that each computes the four gate
// columns of one block of units (groups u, u + units/b, u + 2 units/b,
// u + 3 units/b) for its rows and then, while those are in its cache, adds
// z and does the gate math (TileEpilogue). One threaded pass, no second
// sweep over [rows, 4 * units].
//
// Backward: dz and dcPrev elementwise, then dhPrev = dz . U^T with U's row
// table, the blocks transposed as x . W^T does.
#ifndef BSP_ARCH
#error "define BSP_ARCH (the namespace) before including lstm_step_impl.h"
#endif

#include <algorithm>

#include "activations_impl.h"

namespace tfjs_blocksparse {
namespace BSP_ARCH {
namespace {

// Whether `row` steps (no mask, or its mask is not 0) or keeps its state.
inline bool RowSteps(const float* mask, int64_t row) { return mask == nullptr || mask[row] != 0.f; }

// `to` = `from` over [first, end) of one row: a kept row's state, or its gradient passed back.
inline void CopyRow(const float* from, float* to, int64_t first, int64_t end) {
  std::copy(from + first, from + end, to + first);
}

// Gate math of rows [firstRow, endRow) for the units of block `unit`; the
// gate pre-activations hPrev . U are in args.gates, and are replaced by the
// activated (i, f, g, o).
void StepGates(const void* context, int64_t firstRow, int64_t endRow, int64_t unit) {
  const LSTMStepArgs& args = *static_cast<const LSTMStepArgs*>(context);
  const int64_t units = args.units, b = args.blockSize;
  for (int64_t r = firstRow; r < endRow; ++r) {
    float* gates = args.gates + r * 4 * units;
    const float* z = args.z + r * 4 * units;
    const int64_t state = r * units;
    for (int64_t j = unit * b; j < (unit + 1) * b; j += kLanes) {
      const Vec i = Sigmoid(Load(gates + j) + Load(z + j));
      const Vec f = Sigmoid(Load(gates + units + j) + Load(z + units + j));
      const Vec g = Tanh(Load(gates + 2 * units + j) + Load(z + 2 * units + j));
      const Vec o = Sigmoid(Load(gates + 3 * units + j) + Load(z + 3 * units + j));
      const Vec c = f * Load(args.cPrev + state + j) + i * g;
      Store(args.c + state + j, c);
      Store(args.h + state + j, o * Tanh(c));
      Store(gates + j, i);
      Store(gates + units + j, f);
      Store(gates + 2 * units + j, g);
      Store(gates + 3 * units + j, o);
    }
    if (!RowSteps(args.mask, r)) {
      CopyRow(args.cPrev + state, args.c + state, unit * b, (unit + 1) * b);
      CopyRow(args.hPrev + state, args.h + state, unit * b, (unit + 1) * b);
    }
  }
}

// dz, dcPrev of rows [firstRow, endRow) (math in src/kernel_names.ts).
void StepBackwardElementwise(const LSTMStepBackwardArgs& args, int64_t firstRow, int64_t endRow) {
  const int64_t units = args.units;
  for (int64_t r = firstRow; r < endRow; ++r) {
    const float* gates = args.gates + r * 4 * units;
    float* dz = args.dz + r * 4 * units;
    const int64_t state = r * units;
    if (!RowSteps(args.mask, r)) {
      std::fill(dz, dz + 4 * units, 0.f);
      CopyRow(args.dc + state, args.dcPrev + state, 0, units);
      continue;
    }
    for (int64_t j = 0; j < units; j += kLanes) {
      const Vec i = Load(gates + j), f = Load(gates + units + j);
      const Vec g = Load(gates + 2 * units + j), o = Load(gates + 3 * units + j);
      const Vec dh = Load(args.dh + state + j);
      const Vec tanhC = Tanh(Load(args.c + state + j));
      const Vec dcAll = Load(args.dc + state + j) + dh * o * (1.f - tanhC * tanhC);
      Store(dz + j, dcAll * g * i * (1.f - i));
      Store(dz + units + j, dcAll * Load(args.cPrev + state + j) * f * (1.f - f));
      Store(dz + 2 * units + j, dcAll * i * (1.f - g * g));
      Store(dz + 3 * units + j, dh * tanhC * o * (1.f - o));
      Store(args.dcPrev + state + j, dcAll * f);
    }
  }
}

// Rows per task of the backward's elementwise pass.
constexpr int64_t kElementwiseRows = 16;

}  // namespace

void LSTMStep(const LSTMStepArgs& args) {
  if (args.rows == 0 || args.units == 0) return;
  DenseSparseArgs product;
  product.x = args.hPrev;
  product.rows = args.rows;
  product.inner = args.units;
  product.blocks = args.blocks;
  product.nnzBlocks = args.nnzBlocks;
  product.blockSize = args.blockSize;
  product.transposeBlocks = false;
  product.table = args.table;
  product.y = args.gates;
  const int64_t unitBlocks = args.units / args.blockSize;
  const TileEpilogue gates{4, unitBlocks, &StepGates, &args};
  // Runs with an empty table too: its tiles store zeros, then the gates.
  DenseSparseThen(product, &gates);
}

void LSTMStepBackward(const LSTMStepBackwardArgs& args) {
  if (args.rows == 0 || args.units == 0) return;
  const int64_t rows = args.rows;
  if (IsSmall(rows * 4 * args.units)) {
    StepBackwardElementwise(args, 0, rows);
  } else {
    ParallelFor((rows + kElementwiseRows - 1) / kElementwiseRows, [&](int64_t task) {
      const int64_t first = task * kElementwiseRows;
      StepBackwardElementwise(args, first, std::min(rows, first + kElementwiseRows));
    });
  }
  DenseSparseArgs product;
  product.x = args.dz;
  product.rows = rows;
  product.inner = 4 * args.units;
  product.blocks = args.blocks;
  product.nnzBlocks = args.nnzBlocks;
  product.blockSize = args.blockSize;
  product.transposeBlocks = true;
  product.table = args.table;
  product.y = args.dhPrev;
  BSP_ARCH::DenseSparse(product);  // this instruction set's, not the dispatcher
  if (args.mask == nullptr) return;
  const int64_t units = args.units;
  for (int64_t r = 0; r < rows; ++r) {
    if (!RowSteps(args.mask, r)) CopyRow(args.dh + r * units, args.dhPrev + r * units, 0, units);
  }
}

}  // namespace BSP_ARCH
}  // namespace tfjs_blocksparse
