/**
 * Runs an action while seeing every tensor tfjs registers: op results,
 * kernel outputs and the tensors made inside composed kernels all pass
 * through the engine's trackTensor, which is wrapped for the duration of
 * the action (and restored after it, also when it throws). For memory
 * checks in tests (test/util/tensor_sizes.ts) and benchmarks
 * (bench/peak_memory.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

interface TrackingEngine {
  trackTensor(tensor: tf.Tensor, backend: unknown): void;
}

/** Calls `onTensor` after each tensor created while `action` runs is registered. */
export async function whileTrackingTensors(
    onTensor: (tensor: tf.Tensor) => void, action: () => unknown): Promise<void> {
  const engine = tf.engine() as unknown as TrackingEngine;
  const wasOwn = Object.prototype.hasOwnProperty.call(engine, 'trackTensor');
  const original = engine.trackTensor;
  engine.trackTensor = function(this: TrackingEngine, tensor, backend) {
    const result = original.call(this, tensor, backend);
    onTensor(tensor);
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
}
