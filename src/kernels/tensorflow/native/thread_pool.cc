#include "thread_pool.h"

#include <sched.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace tfjs_blocksparse {
namespace {

int DetectThreads() {
  if (const char* env = std::getenv("TFJS_BLOCKSPARSE_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return n;
  }
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n >= 1) return n;
  }
  unsigned n = std::thread::hardware_concurrency();
  return n >= 1 ? static_cast<int>(n) : 1;
}

class Pool {
 public:
  explicit Pool(int threads) : threads_(threads) {
    for (int i = 1; i < threads_; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  }

  // Workers live as long as the process; the kernels may run until exit.
  ~Pool() = delete;

  int threads() const { return threads_; }

  void Run(int64_t numTasks, TaskFn body, const void* context) {
    std::unique_lock<std::mutex> busy(run_mutex_, std::try_to_lock);
    if (numTasks <= 1 || threads_ == 1 || !busy.owns_lock()) {
      for (int64_t t = 0; t < numTasks; ++t) body(context, t);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      body_ = body;
      context_ = context;
      num_tasks_ = numTasks;
      next_task_.store(0, std::memory_order_relaxed);
      active_ = static_cast<int>(workers_.size());
      ++generation_;
    }
    wake_.notify_all();
    Drain();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return active_ == 0; });
  }

 private:
  void Drain() {
    for (;;) {
      int64_t t = next_task_.fetch_add(1, std::memory_order_relaxed);
      if (t >= num_tasks_) return;
      body_(context_, t);
    }
  }

  void WorkerLoop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
      }
      Drain();
      std::lock_guard<std::mutex> lock(mutex_);
      if (--active_ == 0) done_.notify_one();
    }
  }

  const int threads_;
  std::vector<std::thread> workers_;
  std::mutex run_mutex_;  // one ParallelFor at a time
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  uint64_t generation_ = 0;
  int active_ = 0;
  TaskFn body_ = nullptr;
  const void* context_ = nullptr;
  int64_t num_tasks_ = 0;
  std::atomic<int64_t> next_task_{0};
};

Pool& GetPool() {
  // Leaked on purpose: joining workers during static destruction at process
  // exit can deadlock with TensorFlow's own teardown.
  static Pool* pool = new Pool(DetectThreads());
  return *pool;
}

}  // namespace

int NumThreads() { return GetPool().threads(); }

void ParallelFor(int64_t numTasks, TaskFn body, const void* context) {
  GetPool().Run(numTasks, body, context);
}

}  // namespace tfjs_blocksparse
