import * as tf from '@tensorflow/tfjs-core';

import {BlockSparseMatMul, BlockSparseMatMulAttrs} from '../src/kernel_names';
import {toNamedAttrMap} from '../src/kernels/define_kernel';
import {BlockLayout} from '../src/layout/block_layout';

import {checkBlockWeights, checkInnerDim, checkLayout, reshapeIfNeeded, toFloat32Tensor} from './checks';

export interface BlockSparseMatMulOptions {
  /** Multiply by W^T instead of W: x is [..., N] and the result [..., K]. */
  transposeW?: boolean;
}

/**
 * Multiplies a dense tensor by a block-sparse matrix W of shape [K, N] whose
 * kept blocks are given by `layout` and whose values are `w: [nnzBlocks, b, b]`.
 *
 * x is [..., K] (any number of leading dims) and the result is [..., N];
 * with `transposeW` it computes x . W^T, x being [..., N] and the result
 * [..., K]. Differentiable with respect to x and w.
 *
 * ```js
 * const layout = tfbs.randomLayout(
 *     {inputSize: 64, outputSize: 96, blockSize: 32, density: 0.5, seed: 1});
 * const w = tf.randomNormal(layout.weightShape);
 * const x = tf.randomNormal([8, 64]);
 * tfbs.blockSparseMatMul(x, w, layout).print();  // [8, 96]
 * ```
 */
function blockSparseMatMul_(
    x: tf.Tensor|tf.TensorLike, w: tf.Tensor|tf.TensorLike,
    layout: BlockLayout, options: BlockSparseMatMulOptions = {}): tf.Tensor {
  const fn = 'blockSparseMatMul';
  checkLayout(fn, layout);
  const transposeW = options.transposeW ?? false;
  const $x = toFloat32Tensor(x, 'x', fn);
  const $w = toFloat32Tensor(w, 'w', fn);
  checkBlockWeights(fn, 'w', $w, layout);
  const inner = transposeW ? layout.outputSize : layout.inputSize;
  const outer = transposeW ? layout.inputSize : layout.outputSize;
  const lead = checkInnerDim(
      fn, 'x', $x, inner,
      transposeW ? 'N = layout.outputSize, as transposeW is set' :
                   'K = layout.inputSize');
  const rows = tf.util.sizeFromShape(lead);
  const attrs: BlockSparseMatMulAttrs = {layout, transposeW};
  const y = tf.engine().runKernel(
                BlockSparseMatMul, {x: reshapeIfNeeded($x, [rows, inner]), w: $w},
                toNamedAttrMap(BlockSparseMatMul, attrs)) as tf.Tensor;
  return reshapeIfNeeded(y, [...lead, outer]);
}

export const blockSparseMatMul = tf.op({blockSparseMatMul_});
