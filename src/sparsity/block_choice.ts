/**
 * Which blocks a learned layout keeps, decided on the host from one score
 * per block position of the [K/b, N/b] grid: the largest scores win, ties
 * go to the position that comes first in row-major order (so a choice is
 * deterministic), and each block column can be given a minimum.
 *
 * ```js
 * const scores = new Float32Array([3, 1, 2, 0]);           // a 2 x 2 grid
 * chooseBlocks(scores, {count: 2, blockCols: 2});          // [0, 2]
 * chooseBlocks(scores, {count: 2, blockCols: 2, minPerColumn: 1});  // [0, 1]
 * ```
 */
import {BlockLayout} from '../layout/block_layout';

export interface BlockChoice {
  /** How many blocks to keep. */
  count: number;
  blockCols: number;
  /** Blocks every block column keeps at least (when it has that many eligible); default 0. */
  minPerColumn?: number;
}

/** Grid positions (k * blockCols + n) ordered by score, largest first; -Infinity is not eligible. */
function byScore(scores: ArrayLike<number>, positions: number[]): number[] {
  return positions.filter(i => scores[i] !== -Infinity).sort((a, b) => scores[b] - scores[a] || a - b);
}

/** The chosen grid positions, ascending. */
export function chooseBlocks(scores: ArrayLike<number>, {count, blockCols, minPerColumn = 0}: BlockChoice): number[] {
  const chosen = new Set<number>();
  if (minPerColumn > 0) {
    const blockRows = scores.length / blockCols;
    for (let n = 0; n < blockCols; n++) {
      const column = Array.from({length: blockRows}, (_, k) => k * blockCols + n);
      for (const i of byScore(scores, column).slice(0, minPerColumn)) chosen.add(i);
    }
  }
  for (const i of byScore(scores, Array.from({length: scores.length}, (_, i) => i))) {
    if (chosen.size >= count) break;
    chosen.add(i);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** The grid positions of a layout's blocks, in the order its packed weight holds them (row-major). */
export function blockPositions(layout: BlockLayout): number[] {
  const positions: number[] = [];
  for (let k = 0; k < layout.blockRows; k++) {
    for (let n = 0; n < layout.blockCols; n++) {
      if (layout.has(k, n)) positions.push(k * layout.blockCols + n);
    }
  }
  return positions;
}

/** A layout of `like`'s shape and block size keeping the given grid positions. */
export function layoutOfPositions(like: BlockLayout, positions: number[]): BlockLayout {
  const mask = Array.from({length: like.blockRows}, () => new Array<number>(like.blockCols).fill(0));
  for (const i of positions) mask[Math.floor(i / like.blockCols)][i % like.blockCols] = 1;
  return BlockLayout.fromMask(mask, like.blockSize);
}
