/**
 * Shared pieces of the layer specs. Every read is `await t.data()`: webgpu in
 * Node cannot `dataSync()`.
 */
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

/** Largest |a - b| over all elements (shapes must match). */
export async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).to.deep.equal(b.shape);
  const [x, y] = await Promise.all([a.data(), b.data()]);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  return worst;
}

export async function expectClose(
    a: tf.Tensor, b: tf.Tensor, tolerance = 1e-5, what = 'values'):
    Promise<void> {
  const diff = await maxAbsDiff(a, b);
  expect(diff, `${what}: max |difference| ${diff}`).to.be.at.most(tolerance);
}

/** Element-for-element equality of the float32 bits. */
export async function expectBitIdentical(
    a: tf.Tensor, b: tf.Tensor, what = 'values'): Promise<void> {
  expect(a.shape).to.deep.equal(b.shape);
  const [x, y] = await Promise.all([a.data(), b.data()]);
  const bitsA = new Uint32Array(new Float32Array(x).buffer);
  const bitsB = new Uint32Array(new Float32Array(y).buffer);
  expect(Array.from(bitsA), what).to.deep.equal(Array.from(bitsB));
}

/** A seeded normal tensor (tfjs's own seeded generator). */
export function seededNormal(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/**
 * Asserts that `fn` throws an Error whose message contains every part;
 * returns the error.
 */
export function expectThrowsWith(fn: () => unknown, ...parts: string[]): Error {
  let error: Error|null = null;
  try {
    fn();
  } catch (e) {
    error = e as Error;
  }
  expect(error, `expected an error mentioning ${parts.join(', ')}`)
      .to.be.instanceOf(Error);
  for (const part of parts) expect(error!.message).to.contain(part);
  return error!;
}

/**
 * Gradients of sum(layer(x) * probe) with respect to the input and the
 * layer's trainable weights: one backward pass through the layer.
 */
export function gradientsOf(
    layer: tf.layers.Layer, x: tf.Tensor,
    probe: tf.Tensor): {dx: tf.Tensor, dVars: tf.Tensor[]} {
  const variables = layer.trainableWeights.map(w => w.read() as tf.Variable);
  const xVar = tf.variable(x, true, undefined, 'float32');
  const {grads} = tf.variableGrads(
      () => tf.sum(tf.mul(layer.apply(xVar) as tf.Tensor, probe)) as tf.Scalar,
      [xVar, ...variables]);
  const dx = grads[xVar.name];
  const dVars = variables.map(v => grads[v.name]);
  xVar.dispose();
  return {dx, dVars};
}
