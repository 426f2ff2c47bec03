import {blockSparseMatMul} from '../ops/block_sparse_mat_mul';
import {blockSparseSampledMatMul} from '../ops/block_sparse_sampled_mat_mul';
import {BlockSparseMatMul} from '../src/kernel_names';
import {defineGradient} from '../src/kernels/define_kernel';

/**
 * y = x . W:   dx = dy . W^T,  dW = (x^T . dy) on the layout.
 * y = x . W^T: dx = dy . W,    dW = (dy^T . x) on the layout.
 * Both are written with the public ops, so every backend that has the two
 * forward kernels gets the gradient for free.
 */
export const blockSparseMatMulGradConfig = defineGradient(
    BlockSparseMatMul, {inputs: ['x', 'w']}, (dy, [x, w], {layout, transposeW}) => ({
      x: () => blockSparseMatMul(dy, w, layout, {transposeW: !transposeW}),
      w: () => transposeW ? blockSparseSampledMatMul(dy, x, layout) :
                            blockSparseSampledMatMul(x, dy, layout),
    }));
