import {blockSparseDSD} from '../ops/block_sparse_dsd';
import {blockSparseSDD} from '../ops/block_sparse_sdd';
import {BlockSparseDSD} from '../src/kernel_names';
import {defineGradient} from '../src/kernels/define_kernel';

/**
 * y = P . v:   dP = (dy . v^T) on the layout, dv = P^T . dy.
 * y = P^T . v: dP = (v . dy^T) on the layout, dv = P . dy.
 */
export const blockSparseDSDGradConfig = defineGradient(
    BlockSparseDSD, {inputs: ['p', 'v']}, (dy, [p, v], {layout, transposeP}) => ({
      p: () => transposeP ? blockSparseSDD(v, dy, layout) : blockSparseSDD(dy, v, layout),
      v: () => blockSparseDSD(p, dy, layout, {transposeP: !transposeP}),
    }));
