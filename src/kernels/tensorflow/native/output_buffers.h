// Result buffers that stay mapped between calls.
//
// TensorFlow's CPU allocator hands each large result a freshly mapped region
// and unmaps it when the tensor dies, so every call page-faults its whole
// output in again, which can cost as much as a small product (an LSTM
// step's) itself. The kernels instead wrap buffers from this cache in their
// output tensors (TF_NewTensor), and TensorFlow gives them back here when
// the tensor dies.
#ifndef TFJS_BLOCKSPARSE_OUTPUT_BUFFERS_H_
#define TFJS_BLOCKSPARSE_OUTPUT_BUFFERS_H_

#include <cstddef>

namespace tfjs_blocksparse {

// A 64-byte aligned buffer of `bytes` bytes, reused when one of that size
// was released; null when memory runs out.
void* AcquireOutputBuffer(size_t bytes);

// Gives a buffer from AcquireOutputBuffer back; the signature is
// TF_NewTensor's deallocator. The cache keeps the most recently released
// buffers, at most kMaxCachedBytes and kMaxCachedBuffers of them, and frees
// the rest.
void ReleaseOutputBuffer(void* data, size_t bytes, void* unused);

// As much as one forward + backward of attention at S = 8192 releases
// (about 100 MB, kernels' results only): with less, each such call faults
// tens of megabytes in afresh, and the page faults take much of the call.
constexpr size_t kMaxCachedBytes = size_t{256} << 20;
constexpr size_t kMaxCachedBuffers = 512;

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_OUTPUT_BUFFERS_H_
