#include "op_kernels.h"

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "block_products.h"
#include "output_buffers.h"
#include "tensorflow/c/kernels.h"
#include "tensorflow/c/ops.h"
#include "tensorflow/c/tf_status.h"
#include "tensorflow/c/tf_tensor.h"

namespace tfjs_blocksparse {
namespace {

// Owns the input tensors and the status of one Compute call.
class KernelCall {
 public:
  KernelCall(TF_OpKernelContext* ctx, const char* opName)
      : ctx_(ctx), op_(opName), status_(TF_NewStatus()) {}
  ~KernelCall() {
    for (TF_Tensor* t : tensors_) TF_DeleteTensor(t);
    TF_DeleteStatus(status_);
  }

  // Input i, or null after reporting the failure.
  TF_Tensor* Input(int i) {
    TF_Tensor* t = nullptr;
    TF_GetInput(ctx_, i, &t, status_);
    if (TF_GetCode(status_) != TF_OK) {
      TF_OpKernelContext_Failure(ctx_, status_);
      return nullptr;
    }
    tensors_.push_back(t);
    return t;
  }

  // Output 0 with these dims, in a buffer from output_buffers.h.
  TF_Tensor* Output(const std::vector<int64_t>& dims) {
    int64_t count = 1;
    for (int64_t d : dims) count *= d;
    const size_t bytes = sizeof(float) * count;
    void* data = AcquireOutputBuffer(bytes);
    if (data == nullptr) {
      FailWith(TF_RESOURCE_EXHAUSTED, "out of memory for the result");
      return nullptr;
    }
    TF_Tensor* t = TF_NewTensor(TF_FLOAT, dims.data(), static_cast<int>(dims.size()), data,
                                bytes, &ReleaseOutputBuffer, nullptr);
    if (t == nullptr) {
      ReleaseOutputBuffer(data, bytes, nullptr);
      FailWith(TF_INTERNAL, "TF_NewTensor refused the result buffer");
      return nullptr;
    }
    tensors_.push_back(t);
    TF_SetOutput(ctx_, 0, t, status_);
    if (TF_GetCode(status_) != TF_OK) {
      TF_OpKernelContext_Failure(ctx_, status_);
      return nullptr;
    }
    return t;
  }

  // Reports an invalid argument: "<op>: " and the parts streamed one after
  // another. Always returns false.
  template <typename... Parts>
  bool Fail(const Parts&... parts) {
    std::ostringstream message;
    (message << ... << parts);
    return FailWith(TF_INVALID_ARGUMENT, message.str());
  }

  bool FailWith(TF_Code code, const std::string& message) {
    const std::string text = std::string(op_) + ": " + message;
    TF_SetStatus(status_, code, text.c_str());
    TF_OpKernelContext_Failure(ctx_, status_);
    return false;
  }

 private:
  TF_OpKernelContext* ctx_;
  const char* op_;
  TF_Status* status_;
  std::vector<TF_Tensor*> tensors_;
};

std::string ShapeOf(const TF_Tensor* t) {
  std::ostringstream out;
  out << '[';
  for (int i = 0; i < TF_NumDims(t); ++i) out << (i ? "," : "") << TF_Dim(t, i);
  out << ']';
  return out.str();
}

bool CheckRank(KernelCall& call, const TF_Tensor* t, const char* name, int rank) {
  if (TF_NumDims(t) == rank) return true;
  return call.Fail("input '", name, "' must have rank ", rank, ", but got shape ", ShapeOf(t));
}

bool CheckSameLength(KernelCall& call, const TF_Tensor* first, const char* firstName,
                     const TF_Tensor* second, const char* secondName) {
  if (TF_Dim(first, 0) == TF_Dim(second, 0)) return true;
  return call.Fail("inputs '", firstName, "' and '", secondName,
                   "' must have the same length, but got shapes ", ShapeOf(first), " and ",
                   ShapeOf(second));
}

bool IsSupportedBlockSize(int64_t b) { return b == 8 || b == 16 || b == 32 || b == 64; }

const int32_t* Ints(const TF_Tensor* t) { return static_cast<const int32_t*>(TF_TensorData(t)); }

// Every index in `values` lies in [0, limit).
bool CheckIndices(KernelCall& call, const TF_Tensor* values, const char* name,
                  int64_t limit, const char* what) {
  const int32_t* v = Ints(values);
  for (int64_t i = 0; i < TF_Dim(values, 0); ++i) {
    if (v[i] < 0 || v[i] >= limit) {
      return call.Fail("input '", name, "'[", i, "] must be a ", what, " in [0, ", limit,
                       "), but got ", v[i]);
    }
  }
  return true;
}

// ptr starts at 0, never decreases, and ends at the entry count.
bool CheckPtr(KernelCall& call, const TF_Tensor* ptr, int64_t entries) {
  const int32_t* p = Ints(ptr);
  const int64_t n = TF_Dim(ptr, 0);
  if (n < 1) return call.Fail("input 'ptr' must hold at least one offset, but got shape ", ShapeOf(ptr));
  for (int64_t g = 0; g < n; ++g) {
    const int64_t expected = g == 0 ? 0 : p[g - 1];
    if ((g == 0 && p[0] != 0) || p[g] < expected || (g == n - 1 && p[g] != entries)) {
      return call.Fail("input 'ptr' must rise from 0 to ", entries,
                       " (the length of 'other' and 'block'), but ptr[", g, "] is ", p[g]);
    }
  }
  return true;
}

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
  TF_Tensor *x = call.Input(0), *w = x ? call.Input(1) : nullptr;
  TF_Tensor *ptr = w ? call.Input(2) : nullptr, *other = ptr ? call.Input(3) : nullptr;
  TF_Tensor* block = other ? call.Input(4) : nullptr;
  if (block == nullptr) return;
  if (!CheckRank(call, x, "x", 2) || !CheckRank(call, w, "w", 3) || !CheckRank(call, ptr, "ptr", 1) ||
      !CheckRank(call, other, "other", 1) || !CheckRank(call, block, "block", 1)) {
    return;
  }
  const int64_t b = TF_Dim(w, 1), nnz = TF_Dim(w, 0);
  const int64_t rows = TF_Dim(x, 0), inner = TF_Dim(x, 1);
  if (!IsSupportedBlockSize(b) || TF_Dim(w, 2) != b) {
    call.Fail("input 'w' must have shape [nnz, b, b] with b in {8, 16, 32, 64}, but got ", ShapeOf(w));
    return;
  }
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
  TF_Tensor* y = call.Output({rows, numGroups * b});
  if (y == nullptr || rows == 0 || numGroups == 0) return;
  DenseSparseArgs args;
  args.x = static_cast<const float*>(TF_TensorData(x));
  args.rows = rows;
  args.inner = inner;
  args.blocks = static_cast<const float*>(TF_TensorData(w));
  args.nnzBlocks = nnz;
  args.blockSize = static_cast<int>(b);
  args.transposeBlocks = static_cast<KernelAttr<bool>*>(kernel)->value;
  args.table = GroupTable{Ints(ptr), Ints(other), Ints(block), numGroups};
  args.y = static_cast<float*>(TF_TensorData(y));
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
  TF_Tensor *a = call.Input(0), *c = a ? call.Input(1) : nullptr;
  TF_Tensor *blockRow = c ? call.Input(2) : nullptr, *blockCol = blockRow ? call.Input(3) : nullptr;
  if (blockCol == nullptr) return;
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
  TF_Tensor* out = call.Output({nnz, b, b});
  if (out == nullptr || nnz == 0) return;
  SampledArgs args;
  args.a = static_cast<const float*>(TF_TensorData(a));
  args.aCols = aCols;
  args.c = static_cast<const float*>(TF_TensorData(c));
  args.cCols = cCols;
  args.rows = rows;
  args.blockRow = Ints(blockRow);
  args.blockCol = Ints(blockCol);
  args.nnzBlocks = nnz;
  args.blockSize = static_cast<int>(b);
  args.out = static_cast<float*>(TF_TensorData(out));
  Sampled(args);
}

// Eager execution never asks for shapes; graph users get an unknown shape.
void UnknownShape(TF_ShapeInferenceContext* ctx, TF_Status* status) {
  TF_ShapeInferenceContextSetUnknownShape(ctx, status);
}

// One op and its CPU kernel, as TensorFlow's op definition strings.
struct OpSpec {
  const char* name;
  std::vector<const char*> inputs;  // "x: float"
  const char* output;
  const char* attr;
  void* (*create)(TF_OpKernelConstruction*);
  void (*compute)(void*, TF_OpKernelContext*);
  void (*destroy)(void*);
};

// Registers the op, then its kernel; "" or TensorFlow's error message.
std::string Register(const OpSpec& spec) {
  TF_OpDefinitionBuilder* op = TF_NewOpDefinitionBuilder(spec.name);
  for (const char* input : spec.inputs) TF_OpDefinitionBuilderAddInput(op, input);
  TF_OpDefinitionBuilderAddOutput(op, spec.output);
  TF_OpDefinitionBuilderAddAttr(op, spec.attr);
  TF_OpDefinitionBuilderSetShapeInferenceFunction(op, &UnknownShape);
  TF_KernelBuilder* kernel =
      TF_NewKernelBuilder(spec.name, "CPU", spec.create, spec.compute, spec.destroy);
  TF_Status* status = TF_NewStatus();
  TF_RegisterOpDefinition(op, status);
  if (TF_GetCode(status) == TF_OK) {
    TF_RegisterKernelBuilder((std::string(spec.name) + "Cpu").c_str(), kernel, status);
  } else {
    TF_DeleteKernelBuilder(kernel);
  }
  std::string error = TF_GetCode(status) == TF_OK ? "" : TF_Message(status);
  TF_DeleteStatus(status);
  return error;
}

const OpSpec kMatMulOp = {
    kMatMulOpName,
    {"x: float", "w: float", "ptr: int32", "other: int32", "block: int32"},
    "y: float",
    "transpose_w: bool = false",
    &CreateMatMul, &ComputeMatMul, &DeleteKernel<bool>,
};

const OpSpec kSampledOp = {
    kSampledMatMulOpName,
    {"a: float", "b: float", "block_row: int32", "block_col: int32"},
    "out: float",
    "block_size: int",
    &CreateSampled, &ComputeSampled, &DeleteKernel<int32_t>,
};

}  // namespace

std::string RegisterOpsAndKernels() {
  // Registering an op name twice is an error in TensorFlow; a second load of
  // this library in the same process reuses the first registration.
  static const std::string error = [] {
    std::string e = Register(kMatMulOp);
    return e.empty() ? Register(kSampledOp) : e;
  }();
  return error;
}

}  // namespace tfjs_blocksparse
