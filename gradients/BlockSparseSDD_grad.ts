import {blockSparseDSD} from '../ops/block_sparse_dsd';
import {BlockSparseSDD} from '../src/kernel_names';
import {defineGradient} from '../src/kernels/define_kernel';

/**
 * S = (a . b^T) on the layout, so with dS the block-sparse upstream gradient:
 * da = dS . b and db = dS^T . a, both block-sparse x dense products.
 */
export const blockSparseSDDGradConfig = defineGradient(
    BlockSparseSDD, {inputs: ['a', 'b']}, (dS, [a, b], {layout}) => ({
      a: () => blockSparseDSD(dS, b, layout),
      b: () => blockSparseDSD(dS, a, layout, {transposeP: true}),
    }));
