/**
 * Kernels composed of standard tfjs ops (gather, reshape, transpose, matMul),
 * for backends without a native block-sparse kernel (webgl, wasm, ...): the
 * weight is expanded to its dense form, so they are correct but cost as much
 * as the dense product. A model never fails on a backend just because it is
 * sparse.
 */
import * as tf from '@tensorflow/tfjs-core';

import {blocksToDense} from '../../../ops/blocks_to_dense';
import {denseToBlocks} from '../../../ops/dense_to_blocks';
import {BlockSparseMatMul, BlockSparseSampledMatMul} from '../../kernel_names';
import {KernelArgs} from '../define_kernel';

// The engine hands kernels the input tensors themselves, so public ops apply.

/** x . W (or x . W^T) with W expanded to its dense [K, N]. */
export function matMulViaDense(
    {inputs, attrs}: KernelArgs<typeof BlockSparseMatMul, tf.KernelBackend>): tf.Tensor {
  const {layout, transposeW} = attrs;
  const x = inputs.x as tf.Tensor2D, w = inputs.w as tf.Tensor3D;
  return tf.tidy(
      () => tf.matMul(x, blocksToDense(w, layout), false, transposeW));
}

/** The dense a^T . b, its kept blocks taken. */
export function sampledMatMulViaDense(
    {inputs, attrs}: KernelArgs<typeof BlockSparseSampledMatMul, tf.KernelBackend>): tf.Tensor {
  const {layout} = attrs;
  const a = inputs.a as tf.Tensor2D, b = inputs.b as tf.Tensor2D;
  return tf.tidy(() => denseToBlocks(tf.matMul(a, b, true, false), layout));
}
