import {blockSparseMatMul} from '../ops/block_sparse_mat_mul';
import {BlockSparseSampledMatMul} from '../src/kernel_names';
import {defineGradient} from '../src/kernels/define_kernel';

/**
 * S = (a^T . b) on the layout, so with dS the block-sparse upstream gradient:
 * da = b . dS^T and db = a . dS.
 */
export const blockSparseSampledMatMulGradConfig = defineGradient(
    BlockSparseSampledMatMul, {inputs: ['a', 'b']}, (dS, [a, b], {layout}) => ({
      a: () => blockSparseMatMul(b, dS, layout, {transposeW: true}),
      b: () => blockSparseMatMul(a, dS, layout),
    }));
