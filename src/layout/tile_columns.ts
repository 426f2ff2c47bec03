import {BlockLayout} from './block_layout';

/**
 * The layout repeated `times` times along its columns: block (k, n) of the
 * result is block (k, n mod blockCols) of `layout`. The LSTM uses it to give
 * the four gates the same pattern in one [K, 4 * units] layout.
 *
 * ```js
 * const perGate = BlockLayout.fromMask([[1, 0], [0, 1]], 8);  // [16, 16]
 * tileColumns(perGate, 4).toMaskArray();  // [[1, 0, 1, 0, ...], [0, 1, 0, 1, ...]]
 * ```
 */
export function tileColumns(layout: BlockLayout, times: number): BlockLayout {
  const {blockRows, blockCols} = layout;
  const mask = new Uint8Array(blockRows * blockCols * times);
  for (let k = 0; k < blockRows; k++) {
    for (let t = 0; t < times; t++) {
      for (let n = 0; n < blockCols; n++) {
        mask[k * blockCols * times + t * blockCols + n] =
            layout.mask[k * blockCols + n];
      }
    }
  }
  return BlockLayout.fromMask(
      {data: mask, shape: [blockRows, blockCols * times]}, layout.blockSize);
}
