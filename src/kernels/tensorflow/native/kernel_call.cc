#include "kernel_call.h"

#include "output_buffers.h"

namespace tfjs_blocksparse {

KernelCall::KernelCall(TF_OpKernelContext* ctx, const char* opName)
    : ctx_(ctx), op_(opName), status_(TF_NewStatus()) {}

KernelCall::~KernelCall() {
  for (TF_Tensor* t : tensors_) TF_DeleteTensor(t);
  TF_DeleteStatus(status_);
}

TF_Tensor* KernelCall::Input(int i) {
  TF_Tensor* t = nullptr;
  TF_GetInput(ctx_, i, &t, status_);
  if (TF_GetCode(status_) != TF_OK) {
    TF_OpKernelContext_Failure(ctx_, status_);
    return nullptr;
  }
  tensors_.push_back(t);
  return t;
}

bool KernelCall::Inputs(int count, TF_Tensor** inputs) {
  for (int i = 0; i < count; ++i) {
    inputs[i] = Input(i);
    if (inputs[i] == nullptr) return false;
  }
  return true;
}

TF_Tensor* KernelCall::Output(int index, const std::vector<int64_t>& dims) {
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  const size_t bytes = sizeof(float) * count;
  void* data = AcquireOutputBuffer(bytes);
  if (data == nullptr) {
    FailWith(TF_RESOURCE_EXHAUSTED, "out of memory for the result");
    return nullptr;
  }
  TF_Tensor* t = TF_NewTensor(TF_FLOAT, dims.data(), static_cast<int>(dims.size()), data, bytes,
                              &ReleaseOutputBuffer, nullptr);
  if (t == nullptr) {
    ReleaseOutputBuffer(data, bytes, nullptr);
    FailWith(TF_INTERNAL, "TF_NewTensor refused the result buffer");
    return nullptr;
  }
  tensors_.push_back(t);
  TF_SetOutput(ctx_, index, t, status_);
  if (TF_GetCode(status_) != TF_OK) {
    TF_OpKernelContext_Failure(ctx_, status_);
    return nullptr;
  }
  return t;
}

bool KernelCall::FailWith(TF_Code code, const std::string& message) {
  const std::string text = std::string(op_) + ": " + message;
  TF_SetStatus(status_, code, text.c_str());
  TF_OpKernelContext_Failure(ctx_, status_);
  return false;
}

std::string ShapeOf(const TF_Tensor* t) {
  std::string out = "[";
  for (int i = 0; i < TF_NumDims(t); ++i) {
    if (i > 0) out += ',';
    AppendPart(out, TF_Dim(t, i));
  }
  return out + ']';
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

bool CheckBlocks(KernelCall& call, const TF_Tensor* w, const char* name) {
  if (!CheckRank(call, w, name, 3)) return false;
  if (IsSupportedBlockSize(TF_Dim(w, 1)) && TF_Dim(w, 2) == TF_Dim(w, 1)) return true;
  return call.Fail("input '", name, "' must have shape [nnz, b, b] with b in {8, 16, 32, 64}, ",
                   "but got ", ShapeOf(w));
}

bool CheckIndices(KernelCall& call, const TF_Tensor* values, const char* name, int64_t limit,
                  const char* what) {
  const int32_t* v = Ints(values);
  for (int64_t i = 0; i < TF_Dim(values, 0); ++i) {
    if (v[i] < 0 || v[i] >= limit) {
      return call.Fail("input '", name, "'[", i, "] must be a ", what, " in [0, ", limit,
                       "), but got ", v[i]);
    }
  }
  return true;
}

bool CheckPtr(KernelCall& call, const TF_Tensor* ptr, int64_t entries) {
  const int32_t* p = Ints(ptr);
  const int64_t n = TF_Dim(ptr, 0);
  if (n < 1) {
    return call.Fail("input 'ptr' must hold at least one offset, but got shape ", ShapeOf(ptr));
  }
  for (int64_t g = 0; g < n; ++g) {
    const int64_t expected = g == 0 ? 0 : p[g - 1];
    if ((g == 0 && p[0] != 0) || p[g] < expected || (g == n - 1 && p[g] != entries)) {
      return call.Fail("input 'ptr' must rise from 0 to ", entries,
                       " (the length of 'other' and 'block'), but ptr[", g, "] is ", p[g]);
    }
  }
  return true;
}

bool CheckGroupTable(KernelCall& call, const TF_Tensor* ptr, const TF_Tensor* other,
                     const TF_Tensor* block, int64_t numGroups, const char* groupsWhat,
                     int64_t otherLimit, const char* otherWhat, int64_t nnzBlocks,
                     const char* blockWhat) {
  if (!CheckRank(call, ptr, "ptr", 1) || !CheckRank(call, other, "other", 1) ||
      !CheckRank(call, block, "block", 1)) {
    return false;
  }
  if (TF_Dim(ptr, 0) != numGroups + 1) {
    return call.Fail("input 'ptr' must have ", numGroups + 1, " offsets (one per ", groupsWhat,
                     ", plus one), but got shape ", ShapeOf(ptr));
  }
  return CheckSameLength(call, other, "other", block, "block") &&
         CheckPtr(call, ptr, TF_Dim(other, 0)) &&
         CheckIndices(call, other, "other", otherLimit, otherWhat) &&
         CheckIndices(call, block, "block", nnzBlocks, blockWhat);
}

}  // namespace tfjs_blocksparse
