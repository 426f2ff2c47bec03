/**
 * Timing a training step the way the LSTM benchmarks do: one trainOnBatch
 * with Adam on a mean-squared-error loss, resolved once the loss is read back.
 */
import * as tf from '@tensorflow/tfjs';

/** One trainOnBatch on (x, y), in ms. */
export async function trainingStepMs(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  const start = performance.now();
  await model.trainOnBatch(x, y);
  return performance.now() - start;
}

/** `model`, compiled as the benchmarks train it (Adam 1e-3, mean squared error). */
export function compiledForSteps(model: tf.LayersModel): tf.LayersModel {
  model.compile({optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError'});
  return model;
}
