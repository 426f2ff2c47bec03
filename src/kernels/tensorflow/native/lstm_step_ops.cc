#include "lstm_step_ops.h"

#include <cstdint>
#include <initializer_list>
#include <utility>

#include "block_products.h"
#include "kernel_call.h"

namespace tfjs_blocksparse {
namespace {

constexpr int64_t kGates = 4;

// Input `name` is [rows, columns].
bool CheckMatrix(KernelCall& call, const TF_Tensor* t, const char* name, int64_t rows,
                 int64_t columns, const char* what) {
  if (!CheckRank(call, t, name, 2)) return false;
  if (TF_Dim(t, 0) == rows && TF_Dim(t, 1) == columns) return true;
  return call.Fail("input '", name, "' must have shape [", rows, ",", columns, "] (", what,
                   "), but got ", ShapeOf(t));
}

// The dimensions every input of a step agrees on, read from a state input
// [B, U] and w [nnz, b, b].
struct StepShape {
  int64_t rows, units, blockSize, nnzBlocks;
};

// `state` is rank 2 with U a multiple of w's block size; w is checked.
bool ReadStepShape(KernelCall& call, const TF_Tensor* state, const char* stateName,
                   const TF_Tensor* w, StepShape* shape) {
  if (!CheckRank(call, state, stateName, 2) || !CheckBlocks(call, w, "w")) return false;
  shape->rows = TF_Dim(state, 0);
  shape->units = TF_Dim(state, 1);
  shape->blockSize = TF_Dim(w, 1);
  shape->nnzBlocks = TF_Dim(w, 0);
  if (shape->units % shape->blockSize == 0) return true;
  return call.Fail("input '", stateName, "' must have a multiple of the block size ",
                   shape->blockSize, " columns (units), but got shape ", ShapeOf(state));
}

// `mask` is [rows, 1], or [0] for "every row steps" (TF ops have no
// optional inputs); its values, or nullptr, go to *values.
bool ReadMask(KernelCall& call, const TF_Tensor* mask, int64_t rows, const float** values) {
  if (TF_NumDims(mask) == 1 && TF_Dim(mask, 0) == 0) {
    *values = nullptr;
    return true;
  }
  if (!CheckMatrix(call, mask, "mask", rows, 1, "one value per row, or [0] for no mask")) {
    return false;
  }
  *values = Floats(mask);
  return true;
}

GroupTable TableOf(const TF_Tensor* ptr, const TF_Tensor* other, const TF_Tensor* block) {
  return GroupTable{Ints(ptr), Ints(other), Ints(block), TF_Dim(ptr, 0) - 1};
}

// The fields LSTMStepArgs and LSTMStepBackwardArgs share, from checked inputs.
template <typename Args>
void SetSharedArgs(const StepShape& s, const TF_Tensor* cPrev, const float* mask, const TF_Tensor* w,
                   const TF_Tensor* ptr, const TF_Tensor* other, const TF_Tensor* block,
                   Args* args) {
  args->cPrev = Floats(cPrev);
  args->mask = mask;
  args->rows = s.rows;
  args->units = s.units;
  args->blocks = Floats(w);
  args->nnzBlocks = s.nnzBlocks;
  args->blockSize = static_cast<int>(s.blockSize);
  args->table = TableOf(ptr, other, block);
}

void ComputeStep(void* /*kernel*/, TF_OpKernelContext* ctx) {
  KernelCall call(ctx, kLSTMStepOpName);
  TF_Tensor* in[8];
  if (!call.Inputs(8, in)) return;
  TF_Tensor *z = in[0], *hPrev = in[1], *cPrev = in[2], *w = in[3], *mask = in[4];
  TF_Tensor *ptr = in[5], *other = in[6], *block = in[7];
  StepShape s;
  if (!ReadStepShape(call, hPrev, "h_prev", w, &s)) return;
  const int64_t gateColumns = kGates * s.units, unitBlocks = s.units / s.blockSize;
  const float* maskValues;
  if (!CheckMatrix(call, cPrev, "c_prev", s.rows, s.units, "like h_prev") ||
      !ReadMask(call, mask, s.rows, &maskValues) ||
      !CheckMatrix(call, z, "z", s.rows, gateColumns, "[batch, 4 * units] for h_prev's shape") ||
      !CheckGroupTable(call, ptr, other, block, kGates * unitBlocks,
                       "block column of U [units, 4 * units]", unitBlocks,
                       "block row of U (block column of h_prev)", s.nnzBlocks)) {
    return;
  }
  TF_Tensor* h = call.Output(0, {s.rows, s.units});
  TF_Tensor* c = h ? call.Output(1, {s.rows, s.units}) : nullptr;
  TF_Tensor* gates = c ? call.Output(2, {s.rows, gateColumns}) : nullptr;
  if (gates == nullptr) return;
  LSTMStepArgs args;
  SetSharedArgs(s, cPrev, maskValues, w, ptr, other, block, &args);
  args.z = Floats(z);
  args.hPrev = Floats(hPrev);
  args.h = MutableFloats(h);
  args.c = MutableFloats(c);
  args.gates = MutableFloats(gates);
  LSTMStep(args);
}

void ComputeStepBackward(void* /*kernel*/, TF_OpKernelContext* ctx) {
  KernelCall call(ctx, kLSTMStepBackwardOpName);
  TF_Tensor* in[10];
  if (!call.Inputs(10, in)) return;
  TF_Tensor *dh = in[0], *dc = in[1], *c = in[2], *gates = in[3], *cPrev = in[4], *w = in[5];
  TF_Tensor *mask = in[6], *ptr = in[7], *other = in[8], *block = in[9];
  StepShape s;
  if (!ReadStepShape(call, dh, "dh", w, &s)) return;
  const int64_t gateColumns = kGates * s.units, unitBlocks = s.units / s.blockSize;
  for (auto [t, name] : {std::pair<TF_Tensor*, const char*>{dc, "dc"}, {c, "c"}, {cPrev, "c_prev"}}) {
    if (!CheckMatrix(call, t, name, s.rows, s.units, "like dh")) return;
  }
  const float* maskValues;
  if (!CheckMatrix(call, gates, "gates", s.rows, gateColumns, "[batch, 4 * units] for dh's shape") ||
      !ReadMask(call, mask, s.rows, &maskValues) ||
      !CheckGroupTable(call, ptr, other, block, unitBlocks, "block row of U [units, 4 * units]",
                       kGates * unitBlocks, "block column of U (block column of dz)",
                       s.nnzBlocks)) {
    return;
  }
  TF_Tensor* dz = call.Output(0, {s.rows, gateColumns});
  TF_Tensor* dhPrev = dz ? call.Output(1, {s.rows, s.units}) : nullptr;
  TF_Tensor* dcPrev = dhPrev ? call.Output(2, {s.rows, s.units}) : nullptr;
  if (dcPrev == nullptr) return;
  LSTMStepBackwardArgs args;
  SetSharedArgs(s, cPrev, maskValues, w, ptr, other, block, &args);
  args.dh = Floats(dh);
  args.dc = Floats(dc);
  args.c = Floats(c);
  args.gates = Floats(gates);
  args.dz = MutableFloats(dz);
  args.dhPrev = MutableFloats(dhPrev);
  args.dcPrev = MutableFloats(dcPrev);
  LSTMStepBackward(args);
}

}  // namespace

const OpSpec& LSTMStepOpSpec() {
  static const OpSpec spec = {
      kLSTMStepOpName,
      {"z: float", "h_prev: float", "c_prev: float", "w: float", "mask: float", "ptr: int32",
       "other: int32", "block: int32"},
      {"h: float", "c: float", "gates: float"},
      {},
      &CreateStateless, &ComputeStep, &DeleteStateless,
  };
  return spec;
}

const OpSpec& LSTMStepBackwardOpSpec() {
  static const OpSpec spec = {
      kLSTMStepBackwardOpName,
      {"dh: float", "dc: float", "c: float", "gates: float", "c_prev: float", "w: float",
       "mask: float", "ptr: int32", "other: int32", "block: int32"},
      {"dz: float", "dh_prev: float", "dc_prev: float"},
      {},
      &CreateStateless, &ComputeStepBackward, &DeleteStateless,
  };
  return spec;
}

}  // namespace tfjs_blocksparse
