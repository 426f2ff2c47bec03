/**
 * Per-layout index tables of the tensorflow kernels: host arrays computed
 * from the layout's lookup tables, written to the backend once and cached on
 * the layout (`layout.cached`), freed by `layout.dispose()`.
 *
 * The grouped plans cut the groups of a lookup table (output block columns
 * for x . W and the sampled product, input block rows for x . W^T) into
 * buckets of groups padded to one length L, so that each bucket is one
 * batched matmul with inner dimension L * b. Padding slots point at block
 * `nnzBlocks`, a zero block appended to w, so they add nothing.
 */
import type {TensorInfo} from '@tensorflow/tfjs-core';

import {BlockLayout} from '../../layout/block_layout';
import type {LookupTable} from '../../layout/lookup_tables';

import {int32Const, release, TFNodeBackend} from './tf_ops';

/** Host form of one bucket: G groups padded to L blocks each. */
export interface HostBucket {
  /** Group ids (block columns or rows), ascending. */
  groups: Int32Array;
  length: number;
  /** [G * L] block index along the other axis; 0 for padding. */
  other: Int32Array;
  /** [G * L] nonzero-block index v; nnzBlocks for padding. */
  block: Int32Array;
}

/**
 * Buckets the groups of `table`: groups of equal length share a bucket, and
 * a shorter length class joins the current bucket when padding it costs
 * fewer block slots than `bucketOverheadSlots`, the fixed cost of one more
 * bucket (its ops) expressed in block slots. Empty groups join the last
 * bucket so that they come out as zeros.
 */
export function bucketGroups(
    table: LookupTable, nnzBlocks: number, bucketOverheadSlots: number): HostBucket[] {
  const numGroups = table.ptr.length - 1;
  const lengthOf = (g: number) => table.ptr[g + 1] - table.ptr[g];
  const byLength = new Map<number, number[]>();
  for (let g = 0; g < numGroups; g++) {
    const l = lengthOf(g);
    if (!byLength.has(l)) byLength.set(l, []);
    byLength.get(l)!.push(g);
  }
  const lengths = [...byLength.keys()].filter(l => l > 0).sort((p, q) => q - p);
  const buckets: Array<{length: number, groups: number[]}> = [];
  for (const l of lengths) {
    const groups = byLength.get(l)!;
    const current = buckets[buckets.length - 1];
    if (current != null &&
        groups.length * (current.length - l) < bucketOverheadSlots) {
      current.groups.push(...groups);
    } else {
      buckets.push({length: l, groups: [...groups]});
    }
  }
  const empty = byLength.get(0) ?? [];
  if (empty.length > 0 && buckets.length > 0) {
    buckets[buckets.length - 1].groups.push(...empty);
  }
  return buckets.map(({length, groups}) => {
    groups.sort((p, q) => p - q);
    const other = new Int32Array(groups.length * length);
    const block = new Int32Array(groups.length * length).fill(nnzBlocks);
    groups.forEach((g, i) => {
      for (let e = table.ptr[g], l = 0; e < table.ptr[g + 1]; e++, l++) {
        other[i * length + l] = table.other[e];
        block[i * length + l] = table.block[e];
      }
    });
    return {groups: Int32Array.from(groups), length, other, block};
  });
}

/** Buckets and permutations on the backend. */
export interface DeviceBucket {
  numGroups: number;
  length: number;
  /** [G] group ids; null when the bucket is every group in order. */
  groups: TensorInfo|null;
  other: TensorInfo;
  block: TensorInfo;
}

export interface GroupedTables {
  buckets: DeviceBucket[];
  /** Whether some slot is padding (w needs its zero block appended). */
  padded: boolean;
  /** Slots over all buckets, padding included. */
  paddedSlots: number;
  /**
   * [numGroups] position of each group in the concatenated bucket outputs;
   * null when that is the identity.
   */
  groupOrder: TensorInfo|null;
  /**
   * [nnzBlocks] slot of each block v in the concatenated bucket slots (the
   * sampled product's output order); null when that is the identity.
   */
  blockOrder: TensorInfo|null;
  byteLength: number;
  dispose(): void;
}

export type GroupAxis = 'column'|'row';

/**
 * Grouped tables of `layout` along `axis`, built once per layout, axis and
 * bucket cost (rounded to a power of two so few variants exist).
 */
export function groupedTables(
    backend: TFNodeBackend, layout: BlockLayout, axis: GroupAxis,
    bucketOverheadSlots: number): GroupedTables {
  const slots = 2 ** Math.round(Math.log2(Math.max(1, bucketOverheadSlots)));
  return layout.cached(`tensorflow:grouped:${axis}:${slots}`, () => {
    const table = axis === 'column' ? layout.columnTable : layout.rowTable;
    const numGroups = table.ptr.length - 1;
    const host = bucketGroups(table, layout.nnzBlocks, slots);
    const infos: TensorInfo[] = [];
    const put = (values: Int32Array) => {
      const info = int32Const(backend, values);
      infos.push(info);
      return info;
    };
    const groupOrder = new Int32Array(numGroups);
    const blockOrder = new Int32Array(layout.nnzBlocks);
    let groupPos = 0, slotPos = 0, padded = false;
    const buckets = host.map(bucket => {
      bucket.groups.forEach((g, i) => groupOrder[g] = groupPos + i);
      bucket.block.forEach((v, s) => {
        if (v < layout.nnzBlocks) blockOrder[v] = slotPos + s;
        else padded = true;
      });
      groupPos += bucket.groups.length;
      slotPos += bucket.block.length;
      const everyGroup = host.length === 1 && bucket.groups.length === numGroups;
      return {
        numGroups: bucket.groups.length,
        length: bucket.length,
        groups: everyGroup ? null : put(bucket.groups),
        other: put(bucket.other),
        block: put(bucket.block),
      };
    });
    const isIdentity = (order: Int32Array) => order.every((p, i) => p === i);
    const groupOrderInfo = isIdentity(groupOrder) ? null : put(groupOrder);
    const blockOrderInfo = isIdentity(blockOrder) && !padded ? null : put(blockOrder);
    const byteLength = infos.reduce((sum, info) => sum + 4 * info.shape[0], 0);
    return {
      buckets,
      padded,
      paddedSlots: slotPos,
      groupOrder: groupOrderInfo,
      blockOrder: blockOrderInfo,
      byteLength,
      dispose: () => release(backend, ...infos),
    };
  });
}

/** Per-block positions for the blockwise and dense plans. */
export interface BlockTables {
  /** [nnz] block row k of each v. */
  blockRow: TensorInfo;
  /** [nnz] block column n of each v. */
  blockCol: TensorInfo;
  /** [nnz] k * blockCols + n: where block v sits in the dense block grid. */
  denseIndexFlat: TensorInfo;
  /**
   * [Kb * Nb] for each grid position its block v, or nnz (the zero block
   * appended to w) where the layout has none: gathers the dense grid.
   */
  paddedGridIndex: TensorInfo;
  byteLength: number;
  dispose(): void;
}

export function blockTables(backend: TFNodeBackend, layout: BlockLayout): BlockTables {
  return layout.cached('tensorflow:blocks', () => {
    const dense = new Int32Array(layout.nnzBlocks);
    for (let v = 0; v < layout.nnzBlocks; v++) {
      dense[v] = layout.blockRow[v] * layout.blockCols + layout.blockCol[v];
    }
    const grid = new Int32Array(layout.blockRows * layout.blockCols).fill(layout.nnzBlocks);
    dense.forEach((position, v) => grid[position] = v);
    const infos = {
      paddedGridIndex: int32Const(backend, grid),
      blockRow: int32Const(backend, layout.blockRow),
      blockCol: int32Const(backend, layout.blockCol),
      denseIndexFlat: int32Const(backend, dense),
    };
    return {
      ...infos,
      byteLength: 12 * layout.nnzBlocks + 4 * grid.length,
      dispose: () => release(backend, ...Object.values(infos)),
    };
  });
}
