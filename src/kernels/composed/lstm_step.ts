/**
 * The LSTM step and its backward (math in src/kernel_names.ts) composed of
 * public tfjs ops around `blockSparseMatMul`: the kernels of webgl and wasm,
 * and the `tensorflow` kernels' path on a GPU device or without the native
 * addon. Called from inside a kernel, where the engine records nothing on
 * the tape, so these are plain functions of tensors.
 */
import * as tf from '@tensorflow/tfjs-core';

import {blockSparseMatMul} from '../../../ops/block_sparse_mat_mul';
import {BlockSparseLSTMStep, BlockSparseLSTMStepBackward} from '../../kernel_names';
import {BlockLayout} from '../../layout/block_layout';
import {KernelArgs} from '../define_kernel';

const GATES = 4;

/** Where the row steps (mask != 0, [B, 1]) `stepped`, else `kept`; `stepped` without a mask. */
function selectRows(mask: tf.Tensor|undefined, stepped: tf.Tensor, kept: tf.Tensor): tf.Tensor {
  return mask == null ? stepped : tf.where(tf.notEqual(mask, 0), stepped, kept);
}

/** [h, c, gates] of one step; rows whose `mask` is 0 keep hPrev and cPrev. */
export function lstmStepComposed(
    z: tf.Tensor, hPrev: tf.Tensor, cPrev: tf.Tensor, w: tf.Tensor, layout: BlockLayout,
    mask?: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const a = tf.add(z, blockSparseMatMul(hPrev, w, layout));
    const [ai, af, ag, ao] = tf.split(a, GATES, 1);
    const i = tf.sigmoid(ai), f = tf.sigmoid(af), g = tf.tanh(ag), o = tf.sigmoid(ao);
    const c = tf.add(tf.mul(f, cPrev), tf.mul(i, g));
    const h = tf.mul(o, tf.tanh(c));
    return [selectRows(mask, h, hPrev), selectRows(mask, c, cPrev), tf.concat([i, f, g, o], 1)] as
        [tf.Tensor, tf.Tensor, tf.Tensor];
  });
}

/** [dz, dhPrev, dcPrev] of one step; rows whose `mask` is 0 pass dh and dc back. */
export function lstmStepBackwardComposed(
    dh: tf.Tensor, dc: tf.Tensor, c: tf.Tensor, gates: tf.Tensor, cPrev: tf.Tensor,
    w: tf.Tensor, layout: BlockLayout, mask?: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (mask == null) return lstmStepBackwardUnmasked(dh, dc, c, gates, cPrev, w, layout);
  return tf.tidy(() => {
    const steps = tf.notEqual(mask, 0), zeros = tf.zerosLike(dh);
    const [dz, dhPrev, dcPrev] = lstmStepBackwardUnmasked(
        tf.where(steps, dh, zeros), tf.where(steps, dc, zeros), c, gates, cPrev, w, layout);
    return [dz, tf.where(steps, dhPrev, dh), tf.where(steps, dcPrev, dc)] as
        [tf.Tensor, tf.Tensor, tf.Tensor];
  });
}

function lstmStepBackwardUnmasked(
    dh: tf.Tensor, dc: tf.Tensor, c: tf.Tensor, gates: tf.Tensor, cPrev: tf.Tensor,
    w: tf.Tensor, layout: BlockLayout): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const [i, f, g, o] = tf.split(gates, GATES, 1);
    const tanhC = tf.tanh(c);
    // s * (1 - s): the sigmoid's derivative from its value.
    const sigmoidSlope = (s: tf.Tensor) => tf.mul(s, tf.sub(1, s));
    const dcAll = tf.add(dc, tf.mul(tf.mul(dh, o), tf.sub(1, tf.square(tanhC))));
    const dz = tf.concat([
      tf.mul(tf.mul(dcAll, g), sigmoidSlope(i)),
      tf.mul(tf.mul(dcAll, cPrev), sigmoidSlope(f)),
      tf.mul(tf.mul(dcAll, i), tf.sub(1, tf.square(g))),
      tf.mul(tf.mul(dh, tanhC), sigmoidSlope(o)),
    ], 1);
    const dhPrev = blockSparseMatMul(dz, w, layout, {transposeW: true});
    return [dz, dhPrev, tf.mul(dcAll, f)] as [tf.Tensor, tf.Tensor, tf.Tensor];
  });
}

// The engine hands kernels the input tensors themselves, so public ops apply.
/** The composed step as a kernel function (also the tensorflow kernel's non-native path). */
export function lstmStepComposedKernel({inputs, attrs}: KernelArgs<typeof BlockSparseLSTMStep, tf.KernelBackend>) {
  const {z, hPrev, cPrev, w, mask} = inputs;
  return lstmStepComposed(
      z as tf.Tensor, hPrev as tf.Tensor, cPrev as tf.Tensor, w as tf.Tensor, attrs.layout,
      mask as tf.Tensor | undefined);
}

/** The composed backward as a kernel function. */
export function lstmStepBackwardComposedKernel(
    {inputs, attrs}: KernelArgs<typeof BlockSparseLSTMStepBackward, tf.KernelBackend>) {
  const {dh, dc, c, gates, cPrev, w, mask} = inputs;
  return lstmStepBackwardComposed(
      dh as tf.Tensor, dc as tf.Tensor, c as tf.Tensor, gates as tf.Tensor, cPrev as tf.Tensor,
      w as tf.Tensor, attrs.layout, mask as tf.Tensor | undefined);
}
