import * as tf from '@tensorflow/tfjs-core';

import {blockSparseMatMul} from '../ops/block_sparse_mat_mul';
import {blockSparseSampledMatMul} from '../ops/block_sparse_sampled_mat_mul';
import {BlockSparseMatMul} from '../src/kernel_names';
import {attrsOf} from '../src/kernels/define_kernel';

/**
 * y = x . W:   dx = dy . W^T,  dW = (x^T . dy) on the layout.
 * y = x . W^T: dx = dy . W,    dW = (dy^T . x) on the layout.
 * Both are written with the public ops, so every backend that has the two
 * forward kernels gets the gradient for free.
 */
export const blockSparseMatMulGradConfig: tf.GradConfig = {
  kernelName: BlockSparseMatMul,
  inputsToSave: ['x', 'w'],
  gradFunc: (dy: tf.Tensor|tf.Tensor[], saved: tf.Tensor[],
             attrs: tf.NamedAttrMap) => {
    const [x, w] = saved;
    const {layout, transposeW} = attrsOf(BlockSparseMatMul, attrs);
    const $dy = dy as tf.Tensor;
    return {
      x: () => blockSparseMatMul($dy, w, layout, {transposeW: !transposeW}),
      w: () => transposeW ? blockSparseSampledMatMul($dy, x, layout) :
                            blockSparseSampledMatMul(x, $dy, layout),
    };
  },
};
