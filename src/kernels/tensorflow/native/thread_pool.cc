#include "thread_pool.h"

#ifdef __linux__
#include <sched.h>
#endif

#include <atomic>
#include <condition_variable>
#include <memory>
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
#ifdef __linux__
  // The cores this process may run on (taskset, cgroups' cpusets), which
  // hardware_concurrency does not see.
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n >= 1) return n;
  }
#endif
  unsigned n = std::thread::hardware_concurrency();
  return n >= 1 ? static_cast<int>(n) : 1;
}

// One ParallelFor call. Workers that wake late may still hold it after the
// call returned; they then find no task left and never touch `context`.
struct Job {
  TaskFn body;
  const void* context;
  int64_t numTasks;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> done{0};
};

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
    auto job = std::make_shared<Job>();
    job->body = body;
    job->context = context;
    job->numTasks = numTasks;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = job;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    Drain(*job);
    // Completion counts tasks, not workers: a worker the OS has not
    // scheduled yet (the machine is shared) must not hold the caller up.
    auto finished = [&] { return job->done.load(std::memory_order_acquire) == numTasks; };
    if (!SpinUntil(finished)) {
      std::unique_lock<std::mutex> lock(mutex_);
      finished_.wait(lock, finished);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    job_.reset();
  }

 private:
  void Drain(Job& job) {
    for (;;) {
      const int64_t t = job.next.fetch_add(1, std::memory_order_relaxed);
      if (t >= job.numTasks) return;
      job.body(job.context, t);
      if (job.done.fetch_add(1, std::memory_order_acq_rel) + 1 == job.numTasks) {
        std::lock_guard<std::mutex> lock(mutex_);
        finished_.notify_all();
      }
    }
  }

  // Spins up to kSpins times for `done`: kernels call ParallelFor two or
  // three times in a row, and waking a sleeping thread can take longer than
  // a small product (an LSTM step's) itself.
  template <typename Done>
  static bool SpinUntil(const Done& done) {
    for (int i = 0; i < kSpins; ++i) {
      if (done()) return true;
      CpuRelax();
    }
    return done();
  }

  static void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
  }

  void WorkerLoop() {
    uint64_t seen = 0;
    for (;;) {
      auto woken = [&] { return generation_.load(std::memory_order_acquire) != seen; };
      std::shared_ptr<Job> job;
      if (!SpinUntil(woken)) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, woken);
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        seen = generation_.load(std::memory_order_relaxed);
        job = job_;
      }
      if (job) Drain(*job);
    }
  }

  static constexpr int kSpins = 20000;

  const int threads_;
  std::vector<std::thread> workers_;
  std::mutex run_mutex_;  // one ParallelFor at a time
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::atomic<uint64_t> generation_{0};
  std::shared_ptr<Job> job_;
};

Pool& GetPool() {
  // Leaked on purpose: joining workers during static destruction at process
  // exit can deadlock with TensorFlow's own teardown.
  static Pool* pool = new Pool(NumThreads());
  return *pool;
}

}  // namespace

// Known without starting the pool: a copy of the addon that reuses another
// copy's ops (process_registration.h) never runs a kernel.
int NumThreads() {
  static const int threads = DetectThreads();
  return threads;
}

void ParallelFor(int64_t numTasks, TaskFn body, const void* context) {
  GetPool().Run(numTasks, body, context);
}

}  // namespace tfjs_blocksparse
