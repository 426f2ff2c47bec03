import * as tf from '@tensorflow/tfjs-core';

import {blockSparseMatMul} from '../ops/block_sparse_mat_mul';
import {BlockSparseSampledMatMul} from '../src/kernel_names';
import {attrsOf} from '../src/kernels/define_kernel';

/**
 * S = (a^T . b) on the layout, so with dS the block-sparse upstream gradient:
 * da = b . dS^T and db = a . dS.
 */
export const blockSparseSampledMatMulGradConfig: tf.GradConfig = {
  kernelName: BlockSparseSampledMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy: tf.Tensor|tf.Tensor[], saved: tf.Tensor[],
             attrs: tf.NamedAttrMap) => {
    const [a, b] = saved;
    const {layout} = attrsOf(BlockSparseSampledMatMul, attrs);
    const $dy = dy as tf.Tensor;
    return {
      a: () => blockSparseMatMul(b, $dy, layout, {transposeW: true}),
      b: () => blockSparseMatMul(a, $dy, layout),
    };
  },
};
