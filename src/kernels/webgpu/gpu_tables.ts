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
 * Where one product's lists sit in the layout's table, for one output block
 * group g (a block column of W for x . W, a block row for x . W^T):
 *
 *   [segmentBase, +3 * numSegments)  per segment: (group, first entry, count)
 *   [entryBase, +nnz)                per entry: block v (forward only; the
 *                                    row lists are v = first .. first+count-1,
 *                                    as blocks are numbered row-major)
 *   [groupBase, +2 * numGroups)      per group: (first segment, segment count)
 *
 * A group's list is cut into segments of at most `maxSegmentLength` blocks, so
 * a heavy column does not hold up the whole dispatch; a group without blocks
 * keeps one empty segment, which writes its zeros. When any group has more
 * than one segment (`split`), segments write partial sums that a second pass
 * adds up per group.
 */
export interface ProductSection {
  numGroups: number;
  numSegments: number;
  segmentBase: number;
  entryBase: number;
  groupBase: number;
  maxSegmentLength: number;
  split: boolean;
}

/**
 * All lookup tables of a layout in one int32 buffer: [0, nnz) holds each
 * block's position packed as (k << 16) | n, then the sections of the forward
 * (`columns`) and transposed (`rows`) products. About 2 ints per block, so
 * the tables add 8 bytes to each block's 4 b^2 bytes of weights.
 */
export interface LayoutTables {
  table: TensorInfo;
  columns: ProductSection;
  rows: ProductSection;
  byteLength: number;
  dispose(): void;
}

const backendIds = new WeakMap<object, number>();
let nextBackendId = 0;

/** Keys caches per backend instance, so a re-created backend re-uploads. */
export function backendKey(backend: WebGPUBackendLike): string {
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

/** Appends one product's section to `out`; `withEntries`: store the block list. */
function appendSection(out: number[], lookup: LookupTable, withEntries: boolean): ProductSection {
  const numGroups = lookup.ptr.length - 1;
  const maxSegmentLength = maxSegmentLengthFor(lookup);
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
  const segmentBase = out.length;
  for (const value of segments) out.push(value);
  const entryBase = out.length;
  if (withEntries) for (let e = 0; e < lookup.block.length; e++) out.push(lookup.block[e]);
  const groupBase = out.length;
  for (const value of groupSegments) out.push(value);
  return {
    numGroups, numSegments: segments.length / 3, segmentBase, entryBase, groupBase,
    maxSegmentLength, split,
  };
}

/** The host side of `LayoutTables`: the values and where each section starts. */
export function buildLayoutTableValues(layout: BlockLayout):
    {values: Int32Array, columns: ProductSection, rows: ProductSection} {
  if (layout.blockRows > 0xffff || layout.blockCols > 0xffff) {
    throw new Error(`tfjs-blocksparse webgpu: layouts up to 65535 x 65535 blocks are supported, ` +
        `but got ${layout.blockRows} x ${layout.blockCols}.`);
  }
  const out: number[] = [];
  for (let v = 0; v < layout.nnzBlocks; v++) out.push((layout.blockRow[v] << 16) | layout.blockCol[v]);
  const columns = appendSection(out, layout.columnTable, true);
  const rows = appendSection(out, layout.rowTable, false);
  return {values: Int32Array.from(out), columns, rows};
}

/** The layout's tables on this backend, uploaded on first use. */
export function layoutTables(backend: WebGPUBackendLike, layout: BlockLayout): LayoutTables {
  return layout.cached(`${backendKey(backend)}:tables`, () => {
    const {values, columns, rows} = buildLayoutTableValues(layout);
    const table = backend.makeTensorInfo([values.length], 'int32', values);
    return {
      table,
      columns,
      rows,
      byteLength: values.byteLength,
      dispose: () => void backend.disposeData(table.dataId, true),
    };
  });
}
