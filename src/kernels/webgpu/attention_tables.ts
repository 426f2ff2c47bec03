/**
 * The lookup tables the attention programs read, one int32 buffer per
 * (layout, backend), uploaded on first use and cached on the layout like the
 * product tables (gpu_tables.ts); `layout.dispose()` frees it.
 *
 *   [0, nnz)                                 block v's position, (row << 16) | col
 *   [rowPtrBase, + blockRows + 1)            layout.rowTable.ptr
 *   [rowBlockBase, + nnz)                    layout.rowTable.block
 *   [columnPtrBase, + blockCols + 1)         layout.columnTable.ptr
 *   [columnBlockBase, + nnz)                 layout.columnTable.block
 *
 * A group's list (a block row's or a block column's blocks) is read in
 * place from ptr and block, so no program needs atomics or a second pass.
 */
import type {TensorInfo} from '@tensorflow/tfjs-core';

import type {BlockLayout} from '../../layout/block_layout';

import {backendKey} from './gpu_tables';
import type {WebGPUBackendLike} from './webgpu_types';

/** Where one group table (per block row or per block column) sits in the buffer. */
export interface GroupTableSection {
  ptrBase: number;
  blockBase: number;
}

export interface AttentionTables {
  table: TensorInfo;
  rows: GroupTableSection;
  columns: GroupTableSection;
  /** Reported to `layout.cachedByteLength()`. */
  byteLength: number;
  dispose(): void;
}

/** The host side of `AttentionTables`. */
export function buildAttentionTableValues(layout: BlockLayout):
    {values: Int32Array, rows: GroupTableSection, columns: GroupTableSection} {
  if (layout.blockRows > 0xffff || layout.blockCols > 0xffff) {
    throw new Error(`tfjs-blocksparse webgpu: attention layouts up to 65535 x 65535 blocks are ` +
        `supported, but got ${layout.blockRows} x ${layout.blockCols}.`);
  }
  const {rowTable, columnTable, nnzBlocks} = layout;
  const rowPtrBase = nnzBlocks;
  const rowBlockBase = rowPtrBase + rowTable.ptr.length;
  const columnPtrBase = rowBlockBase + nnzBlocks;
  const columnBlockBase = columnPtrBase + columnTable.ptr.length;
  const values = new Int32Array(columnBlockBase + nnzBlocks);
  for (let v = 0; v < nnzBlocks; v++) values[v] = (layout.blockRow[v] << 16) | layout.blockCol[v];
  values.set(rowTable.ptr, rowPtrBase);
  values.set(rowTable.block, rowBlockBase);
  values.set(columnTable.ptr, columnPtrBase);
  values.set(columnTable.block, columnBlockBase);
  return {
    values,
    rows: {ptrBase: rowPtrBase, blockBase: rowBlockBase},
    columns: {ptrBase: columnPtrBase, blockBase: columnBlockBase},
  };
}

/** The layout's attention tables on this backend, uploaded on first use. */
export function attentionTables(backend: WebGPUBackendLike, layout: BlockLayout): AttentionTables {
  return layout.cached(`${backendKey(backend)}:attentionTables`, () => {
    const {values, rows, columns} = buildAttentionTableValues(layout);
    const table = backend.makeTensorInfo([values.length], 'int32', values);
    return {
      rows, columns, table, byteLength: values.byteLength,
      dispose: () => void backend.disposeData(table.dataId, true),
    };
  });
}
