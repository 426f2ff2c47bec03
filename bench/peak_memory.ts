/**
 * Peak memory of an action, for benchmarks: tf.memory().numBytes sampled
 * every time tfjs registers a new tensor (op results, kernel outputs and
 * tensors made inside composed kernels all go through the engine's
 * trackTensor, which is wrapped for the duration of the action), and the
 * largest single tensor created. tf.profile's peakBytes only samples at
 * kernel boundaries, so it can miss a kernel's temporaries.
 *
 * Bytes are what tfjs holds; memory a backend allocates without a tfjs
 * tensor (a native kernel's scratch space, TensorFlow's own temporaries
 * inside one op) is not seen, on either side of a comparison.
 */
import * as tf from '@tensorflow/tfjs';

interface TrackingEngine {
  trackTensor(tensor: tf.Tensor, backend: unknown): void;
}

export interface PeakMemory {
  /** Highest tf.memory().numBytes minus its value when the action started. */
  peakBytesAboveStart: number;
  /** Entries and shape of the largest tensor created. */
  largestTensorSize: number;
  largestTensorShape: number[];
}

export async function peakMemoryOf(action: () => Promise<void>): Promise<PeakMemory> {
  const engine = tf.engine() as unknown as TrackingEngine;
  const wasOwn = Object.prototype.hasOwnProperty.call(engine, 'trackTensor');
  const original = engine.trackTensor;
  const startBytes = tf.memory().numBytes;
  let peakBytes = startBytes;
  let largest = {size: 0, shape: [] as number[]};
  engine.trackTensor = function(this: TrackingEngine, tensor, backend) {
    // numBytes counts the new tensor's buffer only once the original has run.
    const result = original.call(this, tensor, backend);
    peakBytes = Math.max(peakBytes, tf.memory().numBytes);
    if (tensor.size > largest.size) largest = {size: tensor.size, shape: tensor.shape.slice()};
    return result;
  };
  try {
    await action();
  } finally {
    if (wasOwn) {
      engine.trackTensor = original;
    } else {
      delete (engine as Partial<TrackingEngine>).trackTensor;
    }
  }
  return {peakBytesAboveStart: peakBytes - startBytes, largestTensorSize: largest.size, largestTensorShape: largest.shape};
}
