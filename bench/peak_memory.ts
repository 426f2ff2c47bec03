/**
 * Peak memory of an action, for benchmarks: tf.memory().numBytes sampled
 * every time tfjs registers a new tensor (op results, kernel outputs and
 * tensors made inside composed kernels: scripts/lib/tensor_tracking.ts), and the
 * largest single tensor created. tf.profile's peakBytes only samples at
 * kernel boundaries, so it can miss a kernel's temporaries.
 *
 * Bytes are what tfjs holds; memory a backend allocates without a tfjs
 * tensor (a native kernel's scratch space, TensorFlow's own temporaries
 * inside one op) is not seen, on either side of a comparison.
 */
import * as tf from '@tensorflow/tfjs';

import {whileTrackingTensors} from '../scripts/lib/tensor_tracking';

export interface PeakMemory {
  /** Highest tf.memory().numBytes minus its value when the action started. */
  peakBytesAboveStart: number;
  /** Entries and shape of the largest tensor created. */
  largestTensorSize: number;
  largestTensorShape: number[];
}

export async function peakMemoryOf(action: () => Promise<void>): Promise<PeakMemory> {
  const startBytes = tf.memory().numBytes;
  let peakBytes = startBytes;
  let largest = {size: 0, shape: [] as number[]};
  // Called once the tensor is registered, when numBytes counts its buffer.
  await whileTrackingTensors(tensor => {
    peakBytes = Math.max(peakBytes, tf.memory().numBytes);
    if (tensor.size > largest.size) largest = {size: tensor.size, shape: tensor.shape.slice()};
  }, action);
  return {peakBytesAboveStart: peakBytes - startBytes, largestTensorSize: largest.size, largestTensorShape: largest.shape};
}
