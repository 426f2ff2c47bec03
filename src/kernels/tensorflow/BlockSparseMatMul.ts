import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseMatMul} from '../../kernel_names';
import {BlockLayout} from '../../layout/block_layout';
import {KernelArgs} from '../define_kernel';

import {defineTensorflowKernel} from './define_tensorflow_kernel';
import {nativeMatMul} from './native_products';
import {bucketOverheadSlots, chunkSizes, choosePlan} from './plans';
import {blockTables, groupedTables, GroupedTables} from './tables';
import {TFNodeBackend, TFOps, withScope} from './tf_ops';

/**
 * x . W (transposeW false) and x . W^T on the tensorflow backend: the native
 * op on the CPU (kernel_path.ts), else TensorFlow ops composed by a plan.
 */
export const blockSparseMatMulTensorflowConfig = defineTensorflowKernel(BlockSparseMatMul, {
  empty: ({inputs: {x}, attrs: {layout, transposeW}, backend}) => {
    const rows = x.shape[0];
    const outSize = transposeW ? layout.inputSize : layout.outputSize;
    return layout.nnzBlocks === 0 || rows === 0 ? new TFOps(backend).zeros([rows, outSize]) : null;
  },
  native: ({inputs: {x, w}, attrs: {layout, transposeW}, backend}, addon) =>
      nativeMatMul(backend, addon, x, w, layout, transposeW),
  composed: matMulComposed,
});

/** The product by the plan the cost model (or the plan flag) picks. */
function matMulComposed(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseMatMul, TFNodeBackend>): tf.Tensor {
  const {layout, transposeW} = attrs;
  const {x, w} = inputs;
  const ops = new TFOps(backend);
  const rows = x.shape[0];
  const axis = transposeW ? 'row' : 'column';
  const grouped = () => groupedTables(
      backend, layout, axis, bucketOverheadSlots(layout.blockSize, rows));
  const plan = choosePlan(layout, rows, () => {
    const tables = grouped();
    return {paddedSlots: tables.paddedSlots, buckets: tables.buckets.length};
  });
  switch (plan) {
    case 'dense':
      return viaDense(ops, x, w, layout, transposeW);
    case 'blockwise':
      return blockwise(ops, x, w, layout, transposeW);
    case 'grouped':
      return groupedProduct(ops, x, w, layout, transposeW, grouped());
  }
}

/**
 * Lay the blocks out as the block grid [Kb, Nb, b, b] (a fully dense layout
 * already is that grid), one Transpose to W [K, N], then one MatMul.
 */
function viaDense(
    ops: TFOps, x: tf.TensorInfo, w: tf.TensorInfo, layout: BlockLayout,
    transposeW: boolean): tf.Tensor {
  const {blockRows, blockCols, blockSize: b, inputSize: K, outputSize: N} = layout;
  const full = layout.nnzBlocks === blockRows * blockCols;
  return withScope(keep => {
    // Gather from w plus one zero block rather than ScatterNd, whose
    // scatter into the dense grid cost several times as much.
    const grid = full ? w :
        keep(ops.gather(keep(ops.pad(w, [[0, 1], [0, 0], [0, 0]])),
                        blockTables(ops.backend, layout).paddedGridIndex));
    const grid4 = keep(ops.reshape(grid, [blockRows, blockCols, b, b]));
    // [0, 2, 1, 3] moves whole block rows of b floats; going straight to
    // W^T ([1, 3, 0, 2]) would move single floats, far slower at large sizes.
    const dense = keep(ops.reshape(keep(ops.transpose(grid4, [0, 2, 1, 3])), [K, N]));
    return ops.matMul(x, dense, false, transposeW);
  });
}

/**
 * In the transposed domain (x^T: [inBlocks, b, M], each block contiguous):
 * per bucket of G output groups padded to L blocks, gather the L input
 * blocks of each group side by side ([G, L*b, M]) and multiply by the
 * group's weights (prepared once) -> [G, b, M]; concatenate, reorder groups,
 * transpose back. Large M runs in row chunks so that each chunk's gathered
 * blocks are still in cache when its BatchMatMul reads them.
 */
function groupedProduct(
    ops: TFOps, x: tf.TensorInfo, w: tf.TensorInfo, layout: BlockLayout,
    transposeW: boolean, tables: GroupedTables): tf.Tensor {
  const rows = x.shape[0];
  const sizes = chunkSizes(layout.blockSize, rows, tables.paddedSlots);
  return withScope(keep => {
    const weights = groupWeights(ops, keep, w, layout, transposeW, tables);
    if (sizes.length === 1) {
      return groupedChunk(ops, keep, x, weights, layout, transposeW, tables);
    }
    const chunks = ops.split(x, sizes, 0).map(keep);
    const parts = chunks.map(
        chunk => keep(groupedChunk(ops, keep, chunk, weights, layout, transposeW, tables)));
    return ops.concat(parts, 0);
  });
}

/**
 * Per bucket, the weights of each group as one matrix: a block column's
 * blocks stacked vertically, [G, L*b, b] (used transposed: y^T = W^T x^T),
 * or a block row's blocks side by side, [G, b, L*b] (y^T = W x^T).
 */
function groupWeights(
    ops: TFOps, keep: (t: tf.Tensor) => tf.Tensor, w: tf.TensorInfo,
    layout: BlockLayout, transposeW: boolean, tables: GroupedTables): tf.Tensor[] {
  const {blockSize: b} = layout;
  const wAll = tables.padded ? keep(ops.pad(w, [[0, 1], [0, 0], [0, 0]])) : w;
  return tables.buckets.map(bucket => {
    const G = bucket.numGroups, L = bucket.length;
    const wg = keep(ops.gather(wAll, bucket.block));
    if (!transposeW) return keep(ops.reshape(wg, [G, L * b, b]));
    const wg4 = keep(ops.reshape(wg, [G, L, b, b]));
    const wgT = keep(ops.transpose(wg4, [0, 2, 1, 3]));
    return keep(ops.reshape(wgT, [G, b, L * b]));
  });
}

function groupedChunk(
    ops: TFOps, keep: (t: tf.Tensor) => tf.Tensor, x: tf.TensorInfo,
    weights: tf.Tensor[], layout: BlockLayout, transposeW: boolean,
    tables: GroupedTables): tf.Tensor {
  const {blockSize: b} = layout;
  const rows = x.shape[0];
  const inBlocks = transposeW ? layout.blockCols : layout.blockRows;
  const outSize = transposeW ? layout.inputSize : layout.outputSize;
  const xT = keep(ops.transpose(x, [1, 0]));
  const xBlocks = keep(ops.reshape(xT, [inBlocks, b, rows]));
  const parts = tables.buckets.map((bucket, i) => {
    const xg = keep(ops.gather(xBlocks, bucket.other));
    const xg3 = keep(ops.reshape(xg, [bucket.numGroups, bucket.length * b, rows]));
    return keep(ops.batchMatMul(weights[i], xg3, !transposeW, false));
  });
  let yT = parts.length === 1 ? parts[0] : keep(ops.concat(parts, 0));
  if (tables.groupOrder != null) yT = keep(ops.gather(yT, tables.groupOrder));
  const yT2 = keep(ops.reshape(yT, [outSize, rows]));
  return ops.transpose(yT2, [1, 0]);
}

/** One input block per nonzero block, b x b BatchMatMul, segment sum. */
function blockwise(
    ops: TFOps, x: tf.TensorInfo, w: tf.TensorInfo, layout: BlockLayout,
    transposeW: boolean): tf.Tensor {
  const {blockSize: b} = layout;
  const rows = x.shape[0];
  const tables = blockTables(ops.backend, layout);
  const inBlocks = transposeW ? layout.blockCols : layout.blockRows;
  const outBlocks = transposeW ? layout.blockRows : layout.blockCols;
  return withScope(keep => {
    const xT = keep(ops.transpose(x, [1, 0]));
    const xBlocks = keep(ops.reshape(xT, [inBlocks, b, rows]));
    const xg = keep(ops.gather(xBlocks, transposeW ? tables.blockCol : tables.blockRow));
    const products = keep(ops.batchMatMul(w, xg, !transposeW, false));
    const yT = keep(ops.unsortedSegmentSum(
        products, transposeW ? tables.blockRow : tables.blockCol, outBlocks));
    const yT2 = keep(ops.reshape(yT, [outBlocks * b, rows]));
    return ops.transpose(yT2, [1, 0]);
  });
}
