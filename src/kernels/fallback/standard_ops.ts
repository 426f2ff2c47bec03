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
import {BlockSparseMatMul, BlockSparseMatMulAttrs, BlockSparseSampledMatMul, BlockSparseSampledMatMulAttrs} from '../../kernel_names';

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
}

// The engine hands kernels the input tensors themselves, so public ops apply.
function matMulViaDense({inputs, attrs}: KernelArgs): tf.Tensor {
  const {layout, transposeW} = attrs as unknown as BlockSparseMatMulAttrs;
  const x = inputs.x as tf.Tensor2D, w = inputs.w as tf.Tensor3D;
  return tf.tidy(
      () => tf.matMul(x, blocksToDense(w, layout), false, transposeW));
}

function sampledMatMulViaDense({inputs, attrs}: KernelArgs): tf.Tensor {
  const {layout} = attrs as unknown as BlockSparseSampledMatMulAttrs;
  const a = inputs.a as tf.Tensor2D, b = inputs.b as tf.Tensor2D;
  return tf.tidy(() => denseToBlocks(tf.matMul(a, b, true, false), layout));
}

export function standardOpsKernelConfigs(backendName: string):
    tf.KernelConfig[] {
  return [
    {
      kernelName: BlockSparseMatMul,
      backendName,
      kernelFunc: matMulViaDense as unknown as tf.KernelFunc
    },
    {
      kernelName: BlockSparseSampledMatMul,
      backendName,
      kernelFunc: sampledMatMulViaDense as unknown as tf.KernelFunc
    },
  ];
}
