#include "output_buffers.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace tfjs_blocksparse {
namespace {

// 64 bytes: TensorFlow's EIGEN_MAX_ALIGN_BYTES; TF_NewTensor copies data
// that is less aligned.
constexpr size_t kAlignment = 64;

struct Cache {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<void*>> free;  // by rounded size
  size_t cachedBytes = 0;
};

// Never destroyed: TensorFlow may release tensors while the process exits,
// after static destructors have run.
Cache& TheCache() {
  static Cache* cache = new Cache;
  return *cache;
}

size_t Rounded(size_t bytes) {
  return (std::max<size_t>(bytes, 1) + kAlignment - 1) / kAlignment * kAlignment;
}

}  // namespace

void* AcquireOutputBuffer(size_t bytes) {
  const size_t size = Rounded(bytes);
  Cache& cache = TheCache();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    auto it = cache.free.find(size);
    if (it != cache.free.end() && !it->second.empty()) {
      void* data = it->second.back();
      it->second.pop_back();
      cache.cachedBytes -= size;
      return data;
    }
  }
  return std::aligned_alloc(kAlignment, size);
}

void ReleaseOutputBuffer(void* data, size_t bytes, void* /*unused*/) {
  const size_t size = Rounded(bytes);
  Cache& cache = TheCache();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    if (cache.cachedBytes + size <= kMaxCachedBytes) {
      cache.free[size].push_back(data);
      cache.cachedBytes += size;
      return;
    }
  }
  std::free(data);
}

}  // namespace tfjs_blocksparse
