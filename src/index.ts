/**
 * tfjs-blocksparse: block-sparse matrix multiplication for TensorFlow.js.
 *
 * Importing the package registers its kernels and gradients:
 *
 * ```js
 * import * as tf from '@tensorflow/tfjs';
 * import * as tfbs from 'tfjs-blocksparse';
 * ```
 */
import './register';

export {blockSparseMatMul, BlockSparseMatMulOptions} from '../ops/block_sparse_mat_mul';
export {blockSparseSampledMatMul} from '../ops/block_sparse_sampled_mat_mul';
export {blockSparseLSTMStep} from '../ops/block_sparse_lstm_step';
export {blocksToDense} from '../ops/blocks_to_dense';
export {denseToBlocks} from '../ops/dense_to_blocks';
export {blockSparseSDD} from '../ops/block_sparse_sdd';
export {blockSparseSoftmax, BlockSparseSoftmaxOptions} from '../ops/block_sparse_softmax';
export {blockSparseDSD, BlockSparseDSDOptions} from '../ops/block_sparse_dsd';
export {blockSparseAttention, BlockSparseAttentionOptions} from '../ops/block_sparse_attention';
export * from './kernel_names';
export {BlockLayout, BlockLayoutJSON, BlockMaskLike, BlockSize, SUPPORTED_BLOCK_SIZES} from './layout/block_layout';
export {LookupTable} from './layout/lookup_tables';
export * from './layout/generators';
export * from './layout/attention_layouts';
export {layoutFromWeights, layoutFromWeightsAsync} from './layout/from_weights';
export {version} from './version';
export {nativeKernels, NativeKernels} from './native_kernels';

import * as initializers from './layers/initializers';
import * as layers from './layers/exports';
import * as sparsity from './sparsity/index';
export {initializers, layers, sparsity};
export {BlockSparseDense, BlockSparseLSTM, BlockSparseLSTMCell, BlockSparseMultiHeadAttention} from './layers/exports';
