/**
 * Timing for benchmarks: a sample is one call, plus the read-back of its
 * result on backends that compute asynchronously (the only portable way to
 * wait for a GPU), the same for every contender; we report the median of
 * several samples after a warm-up. On synchronous backends the result is
 * complete when the call returns, and reading 16 MB back into JavaScript
 * (about 13 ms on tensorflow) would only add the same constant to both
 * sides of every comparison.
 */
import * as tf from '@tensorflow/tfjs';

export interface Timing {
  medianMs: number;
  samplesMs: number[];
}

export interface TimingOptions {
  /** Samples after warm-up; fewer are taken once `budgetMs` is spent. */
  samples: number;
  budgetMs: number;
}

export async function timeOp(run: () => tf.Tensor, options: TimingOptions): Promise<Timing> {
  const once = () => timeOnce(run);
  await once();  // compiles shaders, uploads lookup tables, warms caches
  const samplesMs: number[] = [];
  const deadline = performance.now() + options.budgetMs;
  while (samplesMs.length < options.samples &&
         (samplesMs.length < 3 || performance.now() < deadline)) {
    samplesMs.push(await once());
  }
  return {medianMs: median(samplesMs), samplesMs};
}

/** Backends whose kernels have finished when the op call returns. */
const SYNCHRONOUS_BACKENDS = ['tensorflow', 'cpu', 'wasm'];

/** One call (plus the read-back of its result on asynchronous backends), in ms. */
export async function timeOnce(run: () => tf.Tensor): Promise<number> {
  const start = performance.now();
  const out = run();
  if (!SYNCHRONOUS_BACKENDS.includes(tf.getBackend())) await out.data();
  const elapsed = performance.now() - start;
  out.dispose();
  return elapsed;
}

/**
 * `calls` back-to-back calls (results disposed as they come; on
 * asynchronous backends the last one read back, which waits for all), in ms
 * per call: what a loop over the same weights (an LSTM's time steps) pays,
 * where a single call also pays for caches the previous op left cold.
 */
export async function timeCalls(run: () => tf.Tensor, calls: number): Promise<number> {
  if (calls === 1) return timeOnce(run);
  const start = performance.now();
  for (let i = 0; i < calls - 1; i++) run().dispose();
  const out = run();
  if (!SYNCHRONOUS_BACKENDS.includes(tf.getBackend())) await out.data();
  const elapsed = performance.now() - start;
  out.dispose();
  return elapsed / calls;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
