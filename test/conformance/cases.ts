/** The product of cases every backend's conformance run goes through. */
export interface BlockGrid {
  blockSize: number;
  blockRows: number;
  blockCols: number;
}

/** K != N for every block size; small enough for the CPU backend. */
export const BLOCK_GRIDS: BlockGrid[] = [
  {blockSize: 8, blockRows: 5, blockCols: 3},
  {blockSize: 16, blockRows: 3, blockCols: 4},
  {blockSize: 32, blockRows: 3, blockCols: 2},
  {blockSize: 64, blockRows: 2, blockCols: 3},
];

/**
 * Leading dims of x: a single row, odd row counts, and batch dims; 262 rows
 * span several row tasks of the native x . W (96 rows each) and several
 * row chunks of its sampled product (128 rows each).
 */
export const LEADING_SHAPES: number[][] = [[1], [7], [2, 3], [33], [2, 131]];

export const TOLERANCE = 1e-5;
