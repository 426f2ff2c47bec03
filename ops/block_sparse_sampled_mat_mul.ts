import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../src/errors';
import {BlockSparseSampledMatMul, BlockSparseSampledMatMulAttrs} from '../src/kernel_names';
import {toNamedAttrMap} from '../src/kernels/define_kernel';
import {BlockLayout} from '../src/layout/block_layout';

import {checkInnerDim, checkLayout, reshapeIfNeeded, toFloat32Tensor} from './checks';

/**
 * The sampled product a^T . b restricted to the blocks of `layout` ("sdd"):
 * for every kept block v at block row k and block column n,
 * out[v] = a[..., rows of k]^T . b[..., cols of n], summed over all leading
 * positions. This is the weight gradient of `blockSparseMatMul`.
 *
 * a is [..., K], b is [..., N] with the same leading dims; the result is
 * [nnzBlocks, b, b].
 *
 * ```js
 * const x = tf.randomNormal([16, 64]);
 * const dy = tf.randomNormal([16, 96]);
 * const dw = tfbs.blockSparseSampledMatMul(x, dy, layout);  // layout.weightShape
 * ```
 */
function blockSparseSampledMatMul_(
    a: tf.Tensor|tf.TensorLike, b: tf.Tensor|tf.TensorLike,
    layout: BlockLayout): tf.Tensor3D {
  const fn = 'blockSparseSampledMatMul';
  checkLayout(fn, layout);
  const $a = toFloat32Tensor(a, 'a', fn);
  const $b = toFloat32Tensor(b, 'b', fn);
  const leadA = checkInnerDim(fn, 'a', $a, layout.inputSize, 'K = layout.inputSize');
  const leadB = checkInnerDim(fn, 'b', $b, layout.outputSize, 'N = layout.outputSize');
  checkArgument(
      tf.util.arraysEqual(leadA, leadB), fn, 'b',
      `the same leading dims as a, [${leadA}]`, `[${leadB}]`);
  const rows = tf.util.sizeFromShape(leadA);
  const attrs: BlockSparseSampledMatMulAttrs = {layout};
  return tf.engine().runKernel(
             BlockSparseSampledMatMul, {
               a: reshapeIfNeeded($a, [rows, layout.inputSize]),
               b: reshapeIfNeeded($b, [rows, layout.outputSize])
             },
             toNamedAttrMap(BlockSparseSampledMatMul, attrs)) as tf.Tensor3D;
}

export const blockSparseSampledMatMul = tf.op({blockSparseSampledMatMul_});
