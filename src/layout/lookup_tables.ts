/**
 * Lookup tables are plain functions of the layout (as in Triton's block-sparse
 * matmul), kept apart from the kernels that consume them.
 */

/** Minimal view of a layout needed to build tables (avoids an import cycle). */
export interface LayoutShape {
  blockRows: number;
  blockCols: number;
  blockRow: Int32Array;
  blockCol: Int32Array;
  nnzBlocks: number;
}

/**
 * Compressed list of blocks per group (CSR): the blocks of group g are
 * entries ptr[g] .. ptr[g+1]-1; `other[e]` is the block index along the other
 * axis and `block[e]` the nonzero-block index v.
 */
export interface LookupTable {
  ptr: Int32Array;
  other: Int32Array;
  block: Int32Array;
}

/** Per output block column n: its (k, v), k ascending. Forward product. */
export function buildColumnTable(layout: LayoutShape): LookupTable {
  return buildTable(
      layout.blockCols, layout.blockCol, layout.blockRow, layout.nnzBlocks);
}

/** Per input block row k: its (n, v), n ascending. Transposed product. */
export function buildRowTable(layout: LayoutShape): LookupTable {
  return buildTable(
      layout.blockRows, layout.blockRow, layout.blockCol, layout.nnzBlocks);
}

function buildTable(
    groups: number, groupOf: Int32Array, otherOf: Int32Array,
    nnz: number): LookupTable {
  const ptr = new Int32Array(groups + 1);
  for (let v = 0; v < nnz; v++) ptr[groupOf[v] + 1]++;
  for (let g = 0; g < groups; g++) ptr[g + 1] += ptr[g];
  const fill = ptr.slice(0, groups);
  const other = new Int32Array(nnz);
  const block = new Int32Array(nnz);
  // Blocks are numbered row-major, so visiting v in order keeps `other`
  // ascending inside each group.
  for (let v = 0; v < nnz; v++) {
    const e = fill[groupOf[v]]++;
    other[e] = otherOf[v];
    block[e] = v;
  }
  return {ptr, other, block};
}
