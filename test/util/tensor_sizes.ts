/**
 * The largest tensor created while an action runs: every tensor tfjs makes
 * (op results, kernel outputs, tensors made inside composed kernels) is
 * registered through the engine's trackTensor, which is wrapped for the
 * duration of the action.
 */
import * as tf from '@tensorflow/tfjs-core';

interface TrackingEngine {
  trackTensor(tensor: tf.Tensor, backend: unknown): void;
}

export interface LargestTensor {
  size: number;
  shape: number[];
}

export async function largestTensorCreatedBy(action: () => unknown): Promise<LargestTensor> {
  const engine = tf.engine() as unknown as TrackingEngine;
  const wasOwn = Object.prototype.hasOwnProperty.call(engine, 'trackTensor');
  const original = engine.trackTensor;
  let largest: LargestTensor = {size: 0, shape: []};
  engine.trackTensor = function(this: TrackingEngine, tensor, backend) {
    if (tensor.size > largest.size) largest = {size: tensor.size, shape: tensor.shape.slice()};
    return original.call(this, tensor, backend);
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
  return largest;
}
