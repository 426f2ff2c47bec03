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
 * Leading dims of x: a single row, odd row counts, and batch dims. They
 * also reach every path of the native x . W (row tasks of 48 rows): 33 rows
 * make one row task, 80 two (blocks read unpacked), 145 four (blocks
 * packed, tasks per row task and column), and 393 nine, enough for the path
 * where each row task packs its own rows (at least 4 per thread; the
 * 1-thread portable run and 2-core machines get it). Its sampled product
 * sums rows in chunks of 64 to 256 (by block size): 145 and 393 rows make
 * several chunks, and 393 at b = 32 enough for each thread to sum its own.
 * Its x . W^T takes x in strips of 16 or 32 rows (by instruction set) for
 * 32 rows (one or two whole strips) and 80 (several, the last one part
 * full).
 */
export const LEADING_SHAPES: number[][] = [[1], [7], [2, 3], [4, 8], [33], [2, 40], [5, 29], [3, 131]];

export const TOLERANCE = 1e-5;
