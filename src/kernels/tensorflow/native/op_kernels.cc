#include "op_kernels.h"

#include <cstdint>
#include <string>
#include <vector>

#include "attention_ops.h"
#include "block_products.h"
#include "fused_attention_ops.h"
#include "kernel_call.h"
#include "lstm_step_ops.h"
#include "op_registration.h"
#include "tf_c_api.h"

namespace tfjs_blocksparse {
namespace {

// Fails the kernel's construction unless `status` is OK, then frees it.
void EndConstruction(TF_OpKernelConstruction* ctx, TF_Status* status) {
  if (TF_GetCode(status) != TF_OK) TF_OpKernelConstruction_Failure(ctx, status);
  TF_DeleteStatus(status);
}

// The one attr a kernel reads when TensorFlow constructs it, kept for its
// Compute calls.
template <typename T>
struct KernelAttr {
  T value;
};

template <typename T>
void DeleteKernel(void* kernel) {
  delete static_cast<KernelAttr<T>*>(kernel);
}

void* CreateMatMul(TF_OpKernelConstruction* ctx) {
  TF_Status* status = TF_NewStatus();
  TF_Bool transpose = 0;
  TF_OpKernelConstruction_GetAttrBool(ctx, "transpose_w", &transpose, status);
  EndConstruction(ctx, status);
  return new KernelAttr<bool>{transpose != 0};
}

void ComputeMatMul(void* kernel, TF_OpKernelContext* ctx) {
  KernelCall call(ctx, kMatMulOpName);
  TF_Tensor* in[5];
  if (!call.Inputs(5, in)) return;
  TF_Tensor *x = in[0], *w = in[1], *ptr = in[2], *other = in[3], *block = in[4];
  if (!CheckRank(call, x, "x", 2) || !CheckBlocks(call, w, "w") ||
      !CheckRank(call, ptr, "ptr", 1) || !CheckRank(call, other, "other", 1) ||
      !CheckRank(call, block, "block", 1)) {
    return;
  }
  const int64_t b = TF_Dim(w, 1), nnz = TF_Dim(w, 0);
  const int64_t rows = TF_Dim(x, 0), inner = TF_Dim(x, 1);
  if (inner % b != 0) {
    call.Fail("input 'x' must have a multiple of the block size ", b, " columns, but got shape ",
              ShapeOf(x));
    return;
  }
  const int64_t entries = TF_Dim(other, 0);
  if (!CheckSameLength(call, other, "other", block, "block") || !CheckPtr(call, ptr, entries) ||
      !CheckIndices(call, other, "other", inner / b, "block index into x's columns") ||
      !CheckIndices(call, block, "block", nnz, "block of w")) {
    return;
  }
  const int64_t numGroups = TF_Dim(ptr, 0) - 1;
  TF_Tensor* y = call.Output(0, {rows, numGroups * b});
  if (y == nullptr || rows == 0 || numGroups == 0) return;
  DenseSparseArgs args;
  args.x = Floats(x);
  args.rows = rows;
  args.inner = inner;
  args.blocks = Floats(w);
  args.nnzBlocks = nnz;
  args.blockSize = static_cast<int>(b);
  args.transposeBlocks = static_cast<KernelAttr<bool>*>(kernel)->value;
  args.table = GroupTable{Ints(ptr), Ints(other), Ints(block), numGroups};
  args.y = MutableFloats(y);
  DenseSparse(args);
}

void* CreateSampled(TF_OpKernelConstruction* ctx) {
  TF_Status* status = TF_NewStatus();
  int32_t blockSize = 0;
  TF_OpKernelConstruction_GetAttrInt32(ctx, "block_size", &blockSize, status);
  if (TF_GetCode(status) == TF_OK && !IsSupportedBlockSize(blockSize)) {
    const std::string text = std::string(kSampledMatMulOpName) +
                             ": attr 'block_size' must be one of 8, 16, 32, 64, but got " +
                             std::to_string(blockSize);
    TF_SetStatus(status, TF_INVALID_ARGUMENT, text.c_str());
  }
  EndConstruction(ctx, status);
  return new KernelAttr<int32_t>{blockSize};
}

void ComputeSampled(void* kernel, TF_OpKernelContext* ctx) {
  KernelCall call(ctx, kSampledMatMulOpName);
  TF_Tensor* in[4];
  if (!call.Inputs(4, in)) return;
  TF_Tensor *a = in[0], *c = in[1], *blockRow = in[2], *blockCol = in[3];
  if (!CheckRank(call, a, "a", 2) || !CheckRank(call, c, "b", 2) ||
      !CheckRank(call, blockRow, "block_row", 1) || !CheckRank(call, blockCol, "block_col", 1)) {
    return;
  }
  const int64_t b = static_cast<KernelAttr<int32_t>*>(kernel)->value;
  const int64_t rows = TF_Dim(a, 0), aCols = TF_Dim(a, 1), cCols = TF_Dim(c, 1);
  if (TF_Dim(c, 0) != rows) {
    call.Fail("inputs 'a' and 'b' must have the same number of rows, but got shapes ", ShapeOf(a),
              " and ", ShapeOf(c));
    return;
  }
  if (aCols % b != 0 || cCols % b != 0) {
    call.Fail("inputs 'a' and 'b' must have a multiple of block_size ", b,
              " columns, but got shapes ", ShapeOf(a), " and ", ShapeOf(c));
    return;
  }
  const int64_t nnz = TF_Dim(blockRow, 0);
  if (!CheckSameLength(call, blockRow, "block_row", blockCol, "block_col")) return;
  if (!CheckIndices(call, blockRow, "block_row", aCols / b, "block row of a^T . b") ||
      !CheckIndices(call, blockCol, "block_col", cCols / b, "block column of a^T . b")) {
    return;
  }
  TF_Tensor* out = call.Output(0, {nnz, b, b});
  if (out == nullptr || nnz == 0) return;
  SampledArgs args;
  args.a = Floats(a);
  args.aCols = aCols;
  args.c = Floats(c);
  args.cCols = cCols;
  args.rows = rows;
  args.blockRow = Ints(blockRow);
  args.blockCol = Ints(blockCol);
  args.nnzBlocks = nnz;
  args.blockSize = static_cast<int>(b);
  args.out = MutableFloats(out);
  Sampled(args);
}

const OpSpec kMatMulOp = {
    kMatMulOpName,
    {"x: float", "w: float", "ptr: int32", "other: int32", "block: int32"},
    {"y: float"},
    {"transpose_w: bool = false"},
    &CreateMatMul, &ComputeMatMul, &DeleteKernel<bool>,
};

const OpSpec kSampledOp = {
    kSampledMatMulOpName,
    {"a: float", "b: float", "block_row: int32", "block_col: int32"},
    {"out: float"},
    {"block_size: int"},
    &CreateSampled, &ComputeSampled, &DeleteKernel<int32_t>,
};

// FNV-1a over the ops' definition strings, in order: two copies whose ops
// differ in a name, input, output or attr get different signatures.
uint64_t Signature(const std::vector<const OpSpec*>& specs) {
  uint64_t hash = 14695981039346656037ull;
  auto add = [&hash](const char* text) {
    for (const char* c = text; ; ++c) {
      hash = (hash ^ static_cast<unsigned char>(*c)) * 1099511628211ull;
      if (*c == '\0') break;  // the terminator separates strings
    }
  };
  for (const OpSpec* spec : specs) {
    add(spec->name);
    for (const auto* list : {&spec->inputs, &spec->outputs, &spec->attrs}) {
      for (const char* text : *list) add(text);
      add("|");
    }
  }
  return hash;
}

}  // namespace

const RegistrationResult& RegisterOpsAndKernels() {
  static const RegistrationResult result = [] {
    const std::vector<const OpSpec*> specs = {
        &kMatMulOp,    &kSampledOp,      &LSTMStepOpSpec(),         &LSTMStepBackwardOpSpec(),
        &SDDOpSpec(),  &SoftmaxOpSpec(), &SoftmaxBackwardOpSpec(),  &DSDOpSpec(),
        &AttentionOpSpec(), &AttentionBackwardOpSpec()};
    return RegisterOncePerProcess(kOpAbiVersion, Signature(specs), [&specs] {
      for (const OpSpec* spec : specs) {
        std::string e = Register(*spec);
        if (!e.empty()) return e;
      }
      return std::string();
    });
  }();
  return result;
}

}  // namespace tfjs_blocksparse
