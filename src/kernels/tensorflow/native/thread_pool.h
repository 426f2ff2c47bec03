// A small persistent thread pool for the block-sparse kernels. TensorFlow's
// C kernel API does not expose its intra-op pool, so the kernels bring their
// own: one worker per core beyond the calling thread, started on first use.
#ifndef TFJS_BLOCKSPARSE_THREAD_POOL_H_
#define TFJS_BLOCKSPARSE_THREAD_POOL_H_

#include <cstdint>

namespace tfjs_blocksparse {

// Threads that run a ParallelFor, the caller included: the cores this process
// may use (sched_getaffinity on Linux, else std::thread::hardware_concurrency),
// or TFJS_BLOCKSPARSE_NUM_THREADS when set.
int NumThreads();

// Calls body(context, task) for every task in [0, numTasks), spread over
// NumThreads() threads that claim tasks in order; returns when all are done.
// A call made while another is running (TensorFlow may run two ops at once)
// runs on the calling thread alone rather than waiting.
using TaskFn = void (*)(const void* context, int64_t task);
void ParallelFor(int64_t numTasks, TaskFn body, const void* context);

// The same with a lambda or functor: ParallelFor(n, [&](int64_t t) {...}).
template <typename Body>
void ParallelFor(int64_t numTasks, const Body& body) {
  ParallelFor(
      numTasks,
      [](const void* context, int64_t task) {
        (*static_cast<const Body*>(context))(task);
      },
      &body);
}

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_THREAD_POOL_H_
