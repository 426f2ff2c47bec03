/**
 * Argument checks shared by the public ops. They run before any tensor is
 * created, and the ops run inside `tf.op` scopes, so a failed check leaks
 * nothing.
 */
import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../src/errors';
import {BlockLayout} from '../src/layout/block_layout';

/** Converts an op argument to a float32 tensor, rejecting other dtypes. */
export function toFloat32Tensor(
    value: tf.Tensor|tf.TensorLike, arg: string, fn: string): tf.Tensor {
  if (value instanceof tf.Tensor) {
    checkArgument(
        value.dtype === 'float32', fn, arg, 'a float32 tensor',
        `a ${value.dtype} tensor`);
    return value;
  }
  checkArgument(
      value != null && typeof value === 'object', fn, arg,
      'a tensor, a nested array or a typed array', value);
  return tf.tensor(value as tf.TensorLike, undefined, 'float32');
}

export function checkLayout(fn: string, layout: BlockLayout): void {
  const got = layout == null ? layout : (layout as object).constructor?.name;
  checkArgument(
      layout instanceof BlockLayout, fn, 'layout', 'a BlockLayout',
      // Two copies of the package in one program each have their own class.
      got === 'BlockLayout' ? 'a BlockLayout of another copy of tfjs-blocksparse' : got);
  checkArgument(
      layout.nnzBlocks > 0, fn, 'layout', 'a layout with at least one block',
      `a layout with 0 of ${layout.blockRows} x ${layout.blockCols} blocks`);
}

/** w must be the compact [nnzBlocks, b, b] weight of this layout. */
export function checkBlockWeights(
    fn: string, arg: string, w: tf.Tensor, layout: BlockLayout): void {
  const expected = layout.weightShape;
  checkArgument(
      tf.util.arraysEqual(w.shape, expected), fn, arg,
      `of shape [nnzBlocks, b, b] = [${expected}] for ${layout}`,
      `shape [${w.shape}]`);
}

/** The last dim of `x` must be `size`; returns the leading dims. */
export function checkInnerDim(
    fn: string, arg: string, x: tf.Tensor, size: number,
    what: string): number[] {
  checkArgument(
      x.rank >= 1 && x.shape[x.rank - 1] === size, fn, arg,
      `of shape [..., ${size}] (${what})`, `shape [${x.shape}]`);
  return x.shape.slice(0, -1);
}

/**
 * `t` with `shape`: t itself when it already has it. A reshape is a
 * TensorFlow op call on tfjs-node (tens of microseconds), worth skipping
 * for the common 2-D case.
 */
export function reshapeIfNeeded(t: tf.Tensor, shape: number[]): tf.Tensor {
  return tf.util.arraysEqual(t.shape, shape) ? t : tf.reshape(t, shape);
}
