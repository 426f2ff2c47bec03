// What every kernel of this library does around its arithmetic: read its
// inputs, allocate its outputs, and check shapes and lookup tables before
// touching memory, reporting a TensorFlow error (never crashing) otherwise.
#ifndef TFJS_BLOCKSPARSE_KERNEL_CALL_H_
#define TFJS_BLOCKSPARSE_KERNEL_CALL_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

#include "tf_c_api.h"

namespace tfjs_blocksparse {

// Owns the input and output tensors and the status of one Compute call.
// The parts of a message, appended as an ostream would print them, without
// iostreams (which would add most of a C++ runtime's size to the addon).
inline void AppendPart(std::string& out, const std::string& part) { out += part; }
inline void AppendPart(std::string& out, const char* part) { out += part; }
inline void AppendPart(std::string& out, char part) { out += part; }
template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
void AppendPart(std::string& out, T part) { out += std::to_string(part); }
template <typename T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
void AppendPart(std::string& out, T part) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", static_cast<double>(part));  // ostream's default format
  out += text;
}

class KernelCall {
 public:
  KernelCall(TF_OpKernelContext* ctx, const char* opName);
  ~KernelCall();
  KernelCall(const KernelCall&) = delete;
  KernelCall& operator=(const KernelCall&) = delete;

  // Input i, or null after reporting the failure.
  TF_Tensor* Input(int i);

  // Inputs 0 .. count-1 into `inputs`; false after reporting a failure.
  bool Inputs(int count, TF_Tensor** inputs);

  // Output `index` with these dims, in a buffer from output_buffers.h; null
  // after reporting a failure.
  TF_Tensor* Output(int index, const std::vector<int64_t>& dims);

  // Reports an invalid argument: "<op>: " and the parts streamed one after
  // another. Always returns false.
  template <typename... Parts>
  bool Fail(const Parts&... parts) {
    std::string message;
    (AppendPart(message, parts), ...);
    return FailWith(TF_INVALID_ARGUMENT, message);
  }

  bool FailWith(TF_Code code, const std::string& message);

 private:
  TF_OpKernelContext* ctx_;
  const char* op_;
  TF_Status* status_;
  std::vector<TF_Tensor*> tensors_;
};

// "[d0,d1,...]"
std::string ShapeOf(const TF_Tensor* t);

bool CheckRank(KernelCall& call, const TF_Tensor* t, const char* name, int rank);

// Dimension 0 of both is the same.
bool CheckSameLength(KernelCall& call, const TF_Tensor* first, const char* firstName,
                     const TF_Tensor* second, const char* secondName);

bool IsSupportedBlockSize(int64_t b);

// w is [nnz, b, b] with b in {8, 16, 32, 64}.
bool CheckBlocks(KernelCall& call, const TF_Tensor* w, const char* name);

inline const int32_t* Ints(const TF_Tensor* t) {
  return static_cast<const int32_t*>(TF_TensorData(t));
}
inline const float* Floats(const TF_Tensor* t) {
  return static_cast<const float*>(TF_TensorData(t));
}
inline float* MutableFloats(TF_Tensor* t) { return static_cast<float*>(TF_TensorData(t)); }

// Every index in `values` lies in [0, limit).
bool CheckIndices(KernelCall& call, const TF_Tensor* values, const char* name, int64_t limit,
                  const char* what);

// ptr starts at 0, never decreases, and ends at the entry count.
bool CheckPtr(KernelCall& call, const TF_Tensor* ptr, int64_t entries);

// A lookup table (ptr, other, block) of rank-1 tensors with `numGroups`
// groups whose entries name input blocks in [0, otherLimit) and nonzero
// blocks in [0, nnzBlocks). `groupsWhat` says what a group is, for the
// message when the count differs; `blockWhat` what a nonzero block is.
bool CheckGroupTable(KernelCall& call, const TF_Tensor* ptr, const TF_Tensor* other,
                     const TF_Tensor* block, int64_t numGroups, const char* groupsWhat,
                     int64_t otherLimit, const char* otherWhat, int64_t nnzBlocks,
                     const char* blockWhat = "block of w");

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_KERNEL_CALL_H_
