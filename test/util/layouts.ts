/**
 * Layouts for the conformance product: one block, sparse with an empty block
 * row and column, mid density, and fully dense, for each block size.
 */
import {BlockLayout} from '../../src/layout/block_layout';
import {Rng} from '../../src/layout/random';

export interface NamedLayout {
  name: string;
  layout: BlockLayout;
}

/** Mask with each block kept with probability p, at least one kept. */
function randomMask(rows: number, cols: number, p: number, rng: Rng): number[][] {
  const mask = Array.from(
      {length: rows},
      () => Array.from({length: cols}, () => (rng.next() < p ? 1 : 0)));
  if (!mask.some(row => row.includes(1))) mask[rng.int(rows)][rng.int(cols)] = 1;
  return mask;
}

export function conformanceLayouts(
    blockRows: number, blockCols: number, blockSize: number,
    rng: Rng): NamedLayout[] {
  const single = Array.from(
      {length: blockRows}, () => new Array<number>(blockCols).fill(0));
  single[rng.int(blockRows)][rng.int(blockCols)] = 1;

  const holes = randomMask(blockRows, blockCols, 0.6, rng);
  const emptyRow = rng.int(blockRows), emptyCol = rng.int(blockCols);
  holes[emptyRow].fill(0);
  holes.forEach(row => row[emptyCol] = 0);
  if (!holes.some(row => row.includes(1))) {
    holes[(emptyRow + 1) % blockRows][(emptyCol + 1) % blockCols] = 1;
  }

  return [
    {name: 'one block', layout: BlockLayout.fromMask(single, blockSize)},
    {
      name: `empty block row ${emptyRow} and column ${emptyCol}`,
      layout: BlockLayout.fromMask(holes, blockSize)
    },
    {
      name: 'density ~1/2',
      layout: BlockLayout.fromMask(randomMask(blockRows, blockCols, 0.5, rng), blockSize)
    },
    {
      name: 'dense',
      layout: BlockLayout.dense(blockRows * blockSize, blockCols * blockSize, blockSize)
    },
  ];
}
