import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSampledMatMul} from '../../kernel_names';
import {BlockLayout} from '../../layout/block_layout';
import {KernelArgs} from '../define_kernel';

import {defineTensorflowKernel} from './define_tensorflow_kernel';
import {nativeSampledMatMul} from './native_products';
import {bucketOverheadSlots, choosePlan} from './plans';
import {blockTables, groupedTables} from './tables';
import {TFOps, TFNodeBackend, withScope} from './tf_ops';

/**
 * The sampled product a^T . b on the layout's blocks, on the tensorflow
 * backend: the native op on the CPU, else composed TensorFlow ops.
 */
export const blockSparseSampledMatMulTensorflowConfig =
    defineTensorflowKernel(BlockSparseSampledMatMul, {
      empty: ({inputs: {a}, attrs: {layout}, backend}) =>
          layout.nnzBlocks === 0 || a.shape[0] === 0 ? new TFOps(backend).zeros(layout.weightShape) :
                                                       null,
      native: ({inputs: {a, b}, attrs: {layout}, backend}, addon) =>
          nativeSampledMatMul(backend, addon, a, b, layout),
      composed: sampledMatMulComposed,
    });

/** The sampled product by the plan the cost model (or the plan flag) picks. */
function sampledMatMulComposed(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSampledMatMul, TFNodeBackend>):
    tf.Tensor {
  const {layout} = attrs;
  const {a, b} = inputs;
  const ops = new TFOps(backend);
  const rows = a.shape[0];
  const grouped = () => groupedTables(
      backend, layout, 'column', bucketOverheadSlots(layout.blockSize, rows));
  const plan = choosePlan(layout, rows, () => {
    const tables = grouped();
    return {paddedSlots: tables.paddedSlots, buckets: tables.buckets.length};
  });
  switch (plan) {
    case 'dense':
      return viaDense(ops, a, b, layout);
    case 'blockwise':
      return blockwise(ops, a, b, layout);
    case 'grouped':
      return groupedProduct(ops, a, b, layout, grouped());
  }
}

/** The dense a^T . b, cut into the block grid, kept blocks gathered. */
function viaDense(
    ops: TFOps, a: tf.TensorInfo, b: tf.TensorInfo, layout: BlockLayout): tf.Tensor {
  const {blockRows, blockCols, blockSize} = layout;
  const tables = blockTables(ops.backend, layout);
  return withScope(keep => {
    const full = keep(ops.matMul(a, b, true, false));
    const grid4 = keep(ops.reshape(full, [blockRows, blockSize, blockCols, blockSize]));
    const blockMajor = keep(ops.transpose(grid4, [0, 2, 1, 3]));
    // A fully dense layout keeps every block, already in layout order.
    if (layout.nnzBlocks === blockRows * blockCols) {
      return ops.reshape(blockMajor, layout.weightShape);
    }
    const grid = keep(ops.reshape(blockMajor, [blockRows * blockCols, blockSize, blockSize]));
    return ops.gather(grid, tables.denseIndexFlat);
  });
}

/** a^T and b^T as [blocks, b, M]: each block's M values per row contiguous. */
function transposedBlocks(
    ops: TFOps, keep: (t: tf.Tensor) => tf.Tensor, m: tf.TensorInfo,
    blockSize: number): tf.Tensor {
  const [rows, cols] = m.shape;
  const mT = keep(ops.transpose(m, [1, 0]));
  return keep(ops.reshape(mT, [cols / blockSize, blockSize, rows]));
}

/**
 * Per bucket of G block columns padded to L blocks: the L a-blocks of each
 * column side by side ([G, L*b, M]) times that column's b-block ([G, b, M])
 * with adj_y -> [G, L*b, b], i.e. G*L blocks in column-table order; then one
 * Gather puts them in layout order (dropping padding).
 */
function groupedProduct(
    ops: TFOps, a: tf.TensorInfo, b: tf.TensorInfo, layout: BlockLayout,
    tables: ReturnType<typeof groupedTables>): tf.Tensor {
  const {blockSize} = layout;
  const rows = a.shape[0];
  return withScope(keep => {
    const aBlocks = transposedBlocks(ops, keep, a, blockSize);
    const bBlocks = transposedBlocks(ops, keep, b, blockSize);
    const parts = tables.buckets.map(bucket => {
      const G = bucket.numGroups, L = bucket.length;
      const ag = keep(ops.gather(aBlocks, bucket.other));
      const ag3 = keep(ops.reshape(ag, [G, L * blockSize, rows]));
      const bg = bucket.groups == null ? bBlocks : keep(ops.gather(bBlocks, bucket.groups));
      const product = keep(ops.batchMatMul(ag3, bg, false, true));
      return keep(ops.reshape(product, [G * L, blockSize, blockSize]));
    });
    const slots = parts.length === 1 ? parts[0] : keep(ops.concat(parts, 0));
    // Column-table order differs from layout order unless the layout has one
    // block column, so the final Gather is nearly always there.
    return tables.blockOrder == null ? ops.reshape(slots, layout.weightShape) :
                                       ops.gather(slots, tables.blockOrder);
  });
}

/** One a-block and one b-block per nonzero block, b x b BatchMatMul over M. */
function blockwise(
    ops: TFOps, a: tf.TensorInfo, b: tf.TensorInfo, layout: BlockLayout): tf.Tensor {
  const tables = blockTables(ops.backend, layout);
  return withScope(keep => {
    const aBlocks = transposedBlocks(ops, keep, a, layout.blockSize);
    const bBlocks = transposedBlocks(ops, keep, b, layout.blockSize);
    const ag = keep(ops.gather(aBlocks, tables.blockRow));
    const bg = keep(ops.gather(bBlocks, tables.blockCol));
    return ops.batchMatMul(ag, bg, false, true);
  });
}
