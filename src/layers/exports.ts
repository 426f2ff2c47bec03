/**
 * The `tfbs.layers` namespace: layer factories in tfjs style, their classes,
 * and the sparse-aware helpers.
 *
 * ```js
 * tfbs.layers.blockSparseDense({units: 256, blockSize: 32, density: 0.25});
 * tfbs.layers.blockSparseLSTM({units: 256, blockSize: 32, recurrentDensity: 0.25});
 * tfbs.layers.blockSparseMultiHeadAttention({numHeads: 4, keyDim: 16, blockSize: 16,
 *     pattern: {type: 'local', windowBlocks: 2}, causal: true});
 * ```
 */
export {BlockSparseDense, blockSparseDense, BlockSparseDenseArgs} from './block_sparse_dense';
export {BlockSparseLSTM, blockSparseLSTM, BlockSparseLSTMArgs} from './block_sparse_lstm';
export {BlockSparseMultiHeadAttention, blockSparseMultiHeadAttention, BlockSparseMultiHeadAttentionArgs} from './block_sparse_multi_head_attention';
export {AttentionPattern, PATTERN_TYPES} from './attention_pattern';
export {BlockSparseLSTMCell, blockSparseLSTMCell, BlockSparseLSTMCellArgs} from './block_sparse_lstm_cell';
export {BlockSparseLayer, denseWeights, setDenseWeights} from './dense_weights';
export {tileColumns} from '../layout/tile_columns';
export {LayoutConfig, layoutFromConfig, LayoutLike, layoutToConfig} from './layout_config';
export {pruneDense, PruneDenseArgs} from './prune';
export {blockSparseSummary} from './summary';
export {WeightLayout} from './weight_layouts';
