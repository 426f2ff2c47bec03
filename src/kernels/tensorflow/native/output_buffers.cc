#include "output_buffers.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace tfjs_blocksparse {
namespace {

// 64 bytes: TensorFlow's EIGEN_MAX_ALIGN_BYTES; TF_NewTensor copies data
// that is less aligned.
constexpr size_t kAlignment = 64;

struct CachedBuffer {
  size_t size;  // rounded
  void* data;
};

// Released buffers, oldest first. A linear search is cheap next to the
// kernels: it holds kMaxCachedBuffers at most.
struct Cache {
  std::mutex mutex;
  std::vector<CachedBuffer> buffers;
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
    // The most recently released buffer of this size: likeliest in cache.
    for (auto it = cache.buffers.rbegin(); it != cache.buffers.rend(); ++it) {
      if (it->size != size) continue;
      void* data = it->data;
      cache.buffers.erase(std::next(it).base());
      cache.cachedBytes -= size;
      return data;
    }
  }
  return std::aligned_alloc(kAlignment, size);
}

void ReleaseOutputBuffer(void* data, size_t bytes, void* /*unused*/) {
  const size_t size = Rounded(bytes);
  if (size > kMaxCachedBytes) return std::free(data);
  std::vector<void*> evicted;
  Cache& cache = TheCache();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    cache.buffers.push_back({size, data});
    cache.cachedBytes += size;
    // Over a limit, the buffers released longest ago go: those of sizes
    // the process no longer uses.
    size_t oldest = 0;
    while (cache.cachedBytes > kMaxCachedBytes ||
           cache.buffers.size() - oldest > kMaxCachedBuffers) {
      cache.cachedBytes -= cache.buffers[oldest].size;
      evicted.push_back(cache.buffers[oldest++].data);
    }
    cache.buffers.erase(cache.buffers.begin(), cache.buffers.begin() + oldest);
  }
  for (void* buffer : evicted) std::free(buffer);
}

}  // namespace tfjs_blocksparse
