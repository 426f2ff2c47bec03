/**
 * Per-layout lookup tables on the GPU, built from the layout's host tables,
 * uploaded once per (layout, backend) and cached on the layout
 * (`layout.cached`); `layout.dispose()` frees them.
 *
 * They are backend-level tensors (`backend.makeTensorInfo`), not engine
 * tensors, so they never show up in `tf.memory().numTensors`.
 */
import type {TensorInfo} from '@tensorflow/tfjs-core';

import type {BlockLayout} from '../../layout/block_layout';
import type {LookupTable} from '../../layout/lookup_tables';

import type {WebGPUBackendLike} from './webgpu_types';

/**
 * Table of the dense x sparse product, for one output block group g (a block
 * column of W for x . W, a block row for x . W^T). One int32 buffer:
 *
 *   [0, entryBase)               per segment s: (group, first entry, count)
 *   [entryBase, groupBase)       per entry e: (input block index, block v)
 *   [groupBase, +2 * numGroups)  per group g: (first segment, segment count)
 *
 * A group's list is cut into segments of at most `maxSegmentLength` blocks, so
 * a heavy column does not hold up the whole dispatch; a group without blocks
 * keeps one empty segment, which writes its zeros. When any group has more
 * than one segment (`split`), segments write partial sums that a second pass
 * adds up per group.
 */
export interface ProductTable {
  table: TensorInfo;
  numGroups: number;
  numSegments: number;
  entryBase: number;
  groupBase: number;
  maxSegmentLength: number;
  split: boolean;
  byteLength: number;
  dispose(): void;
}

/** Table of the sampled product: per block v, (block row k, block column n). */
export interface SampledTable {
  table: TensorInfo;
  byteLength: number;
  dispose(): void;
}

const backendIds = new WeakMap<object, number>();
let nextBackendId = 0;

/** Keys caches per backend instance, so a re-created backend re-uploads. */
function backendKey(backend: WebGPUBackendLike): string {
  let id = backendIds.get(backend);
  if (id == null) {
    id = nextBackendId++;
    backendIds.set(backend, id);
  }
  return `webgpu#${id}`;
}

/**
 * Longest segment: 1.5x the mean group length (at least 4 blocks), so the
 * balanced layouts never split, and a column with many more blocks than the
 * others is cut into pieces that run side by side.
 */
export function maxSegmentLengthFor(lookup: LookupTable): number {
  const groups = lookup.ptr.length - 1;
  const mean = lookup.block.length / groups;
  return Math.max(4, Math.ceil(1.5 * mean));
}

export function buildProductTableValues(lookup: LookupTable, maxSegmentLength: number):
    {values: Int32Array, numSegments: number, entryBase: number, groupBase: number, split: boolean} {
  const numGroups = lookup.ptr.length - 1;
  const nnz = lookup.block.length;
  const segments: number[] = [];
  const groupSegments: number[] = [];
  let split = false;
  for (let g = 0; g < numGroups; g++) {
    const start = lookup.ptr[g], end = lookup.ptr[g + 1];
    const first = segments.length / 3;
    let e = start;
    do {
      const count = Math.min(maxSegmentLength, end - e);
      segments.push(g, e, count);
      e += count;
    } while (e < end);
    const count = segments.length / 3 - first;
    if (count > 1) split = true;
    groupSegments.push(first, count);
  }
  const numSegments = segments.length / 3;
  const entryBase = segments.length;
  const groupBase = entryBase + 2 * nnz;
  const values = new Int32Array(groupBase + groupSegments.length);
  values.set(segments, 0);
  for (let e = 0; e < nnz; e++) {
    values[entryBase + 2 * e] = lookup.other[e];
    values[entryBase + 2 * e + 1] = lookup.block[e];
  }
  values.set(groupSegments, groupBase);
  return {values, numSegments, entryBase, groupBase, split};
}

function upload(backend: WebGPUBackendLike, values: Int32Array):
    {table: TensorInfo, byteLength: number, dispose(): void} {
  const table = backend.makeTensorInfo([values.length], 'int32', values);
  return {
    table,
    byteLength: values.byteLength,
    dispose: () => void backend.disposeData(table.dataId, true),
  };
}

/** The forward (`transposeW` false: by block column) or transposed (by block row) table. */
export function productTable(
    backend: WebGPUBackendLike, layout: BlockLayout, transposeW: boolean): ProductTable {
  const key = `${backendKey(backend)}:${transposeW ? 'rows' : 'columns'}`;
  return layout.cached(key, () => {
    const lookup = transposeW ? layout.rowTable : layout.columnTable;
    const maxSegmentLength = maxSegmentLengthFor(lookup);
    const {values, numSegments, entryBase, groupBase, split} =
        buildProductTableValues(lookup, maxSegmentLength);
    return {
      ...upload(backend, values),
      numGroups: lookup.ptr.length - 1,
      numSegments,
      entryBase,
      groupBase,
      maxSegmentLength,
      split,
    };
  });
}

export function sampledTable(backend: WebGPUBackendLike, layout: BlockLayout): SampledTable {
  return layout.cached(`${backendKey(backend)}:blocks`, () => {
    const values = new Int32Array(Math.max(1, 2 * layout.nnzBlocks));
    for (let v = 0; v < layout.nnzBlocks; v++) {
      values[2 * v] = layout.blockRow[v];
      values[2 * v + 1] = layout.blockCol[v];
    }
    return upload(backend, values);
  });
}
