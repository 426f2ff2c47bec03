/**
 * Dense multi-head self-attention written with plain tfjs ops (matMul,
 * softmax, matMul over the full [S, S] scores), from the layer's weights, to
 * hold blockSparseMultiHeadAttention to: the layout, causal flag and key
 * mask only decide which scores the softmax may use, and a query with no
 * allowed key gets zeros (as the block-sparse op promises).
 */
import * as tf from '@tensorflow/tfjs';

import {BlockLayout} from '../../src/index';

export interface DenseAttentionWeights {
  queryKernel: tf.Tensor; queryBias: tf.Tensor;
  keyKernel: tf.Tensor; keyBias: tf.Tensor;
  valueKernel: tf.Tensor; valueBias: tf.Tensor;
  outputKernel: tf.Tensor; outputBias: tf.Tensor;
}

/** [S, S] with 1 where query i may see key j: block kept and, when causal, j <= i. */
export function allowedScores(layout: BlockLayout, causal: boolean): tf.Tensor2D {
  const S = layout.inputSize, b = layout.blockSize;
  const allowed = new Float32Array(S * S);
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < S; j++) {
      allowed[i * S + j] = layout.has(Math.floor(i / b), Math.floor(j / b)) && (!causal || j <= i) ? 1 : 0;
    }
  }
  return tf.tensor2d(allowed, [S, S]);
}

/** x [B, S, D] -> [B, S, D'] by dense attention; keyMask [B, S] of 0/1 or none. */
export function denseMultiHeadAttention(
    x: tf.Tensor, w: DenseAttentionWeights, allowed: tf.Tensor2D, keyMask?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // x [B, S, D] . kernel [D, H, k] -> [B, H, S, k]
    const [batch, S, D] = x.shape;
    const rows = tf.reshape(x, [batch * S, D]);
    const project = (kernel: tf.Tensor, bias: tf.Tensor) => {
      const [, heads, dim] = kernel.shape;
      const y = tf.matMul(rows, tf.reshape(kernel, [D, heads * dim]));
      return tf.transpose(tf.add(tf.reshape(y, [batch, S, heads, dim]), bias), [0, 2, 1, 3]);
    };
    const q = project(w.queryKernel, w.queryBias);
    const k = project(w.keyKernel, w.keyBias);
    const v = project(w.valueKernel, w.valueBias);
    const keyDim = q.shape[3]!;
    let mask: tf.Tensor = tf.reshape(allowed, [1, 1, S, S]);
    if (keyMask != null) mask = tf.mul(mask, tf.reshape(tf.cast(keyMask, 'float32'), [batch, 1, 1, S]));
    const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(keyDim));
    const masked = tf.where(tf.greater(mask, 0), scores, tf.fill(scores.shape, -1e9));
    // Rows with no allowed key would be uniform: zero them as the op does.
    const anyAllowed = tf.cast(tf.greater(tf.max(mask, -1, true), 0), 'float32');
    const probs = tf.mul(tf.softmax(masked), anyAllowed);
    const [heads, valueDim, outputDim] = w.outputKernel.shape;
    const merged = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [batch * S, heads * valueDim]);
    const y = tf.matMul(merged, tf.reshape(w.outputKernel, [heads * valueDim, outputDim]));
    return tf.reshape(tf.add(y, w.outputBias), [batch, S, outputDim]);
  });
}
