import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../src/errors';
import {BlockSparseLSTMStep, BlockSparseLSTMStepAttrs} from '../src/kernel_names';
import {toNamedAttrMap} from '../src/kernels/define_kernel';
import {BlockLayout} from '../src/layout/block_layout';

import {checkBlockWeights, checkLayout, toFloat32Tensor} from './checks';

const GATES = 4;

/**
 * One step of an LSTM whose recurrent kernel U [units, 4 * units] is
 * block-sparse, fused into one kernel where the backend allows: the product
 * hPrev . U, the four gates and the cell update.
 *
 * `z` is this step's projected input x . W + bias, [batch, 4 * units], with
 * the gates i, f, c, o side by side as in tf.layers.lstm; `hPrev` and
 * `cPrev` are the state, [batch, units]; `w` holds U's kept blocks
 * [nnzBlocks, b, b] of `layout` ([units, 4 * units]). The gates use sigmoid
 * and the cell tanh (tf.layers.lstm with recurrentActivation 'sigmoid').
 * Returns the new [h, c]; differentiable with respect to all four tensors.
 *
 * ```js
 * const units = 64;
 * const layout = tfbs.randomLayout({inputSize: units, outputSize: 4 * units,
 *     blockSize: 16, density: 0.25, seed: 1});
 * const w = tf.randomNormal(layout.weightShape, 0, 0.1);
 * let h = tf.zeros([8, units]), c = tf.zeros([8, units]);
 * const z = tf.randomNormal([8, 4 * units]);
 * [h, c] = tfbs.blockSparseLSTMStep(z, h, c, w, layout);
 * ```
 */
function blockSparseLSTMStep_(
    z: tf.Tensor|tf.TensorLike, hPrev: tf.Tensor|tf.TensorLike,
    cPrev: tf.Tensor|tf.TensorLike, w: tf.Tensor|tf.TensorLike,
    layout: BlockLayout): [tf.Tensor2D, tf.Tensor2D] {
  const fn = 'blockSparseLSTMStep';
  checkLayout(fn, layout);
  const units = layout.inputSize;
  checkArgument(
      layout.outputSize === GATES * units, fn, 'layout',
      `a layout of shape [units, 4 * units] (the recurrent kernel)`,
      `a layout of shape [${layout.inputSize}, ${layout.outputSize}]`);
  const $z = toFloat32Tensor(z, 'z', fn);
  const $h = toFloat32Tensor(hPrev, 'hPrev', fn);
  const $c = toFloat32Tensor(cPrev, 'cPrev', fn);
  const $w = toFloat32Tensor(w, 'w', fn);
  checkBlockWeights(fn, 'w', $w, layout);
  checkArgument(
      $h.rank === 2 && $h.shape[1] === units, fn, 'hPrev',
      `of shape [batch, ${units}] (units = layout.inputSize)`, `shape [${$h.shape}]`);
  const batch = $h.shape[0];
  checkArgument(
      tf.util.arraysEqual($c.shape, $h.shape), fn, 'cPrev',
      `of shape [${$h.shape}] like hPrev`, `shape [${$c.shape}]`);
  checkArgument(
      tf.util.arraysEqual($z.shape, [batch, GATES * units]), fn, 'z',
      `of shape [${batch}, ${GATES * units}] ([batch, 4 * units])`, `shape [${$z.shape}]`);
  const attrs: BlockSparseLSTMStepAttrs = {layout};
  const [h, c] = tf.engine().runKernel(
                     BlockSparseLSTMStep, {z: $z, hPrev: $h, cPrev: $c, w: $w},
                     toNamedAttrMap(BlockSparseLSTMStep, attrs)) as tf.Tensor2D[];
  // The third output (the activated gates) is for the gradient only; the
  // engine keeps its own copy on the tape, and this op's scope frees it.
  return [h, c];
}

export const blockSparseLSTMStep = tf.op({blockSparseLSTMStep_});
