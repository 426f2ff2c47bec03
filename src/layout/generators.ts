/**
 * Seeded layout generators. Each takes the dense shape [inputSize, outputSize],
 * the block size, a target density in (0, 1] and a seed, and returns a
 * `BlockLayout`. The same arguments always give the same layout.
 *
 * Block counts are exact: the uniform generator keeps round(density * blocks)
 * blocks; the per-column generators give every column floor or ceil of
 * density * blockRows, so the total is within one block per column of target.
 */
import {checkArgument} from '../errors';

import {BlockLayout, checkBlockSize, checkDensity, checkDivisible} from './block_layout';
import {checkLayoutType, LayoutType} from './layout_types';
import {createRng, Rng, shuffledRange} from './random';

export interface LayoutArgs {
  /** K: rows of the dense weight (input features). */
  inputSize: number;
  /** N: columns of the dense weight (output features). */
  outputSize: number;
  blockSize: number;
  /** Fraction of blocks kept, in (0, 1]. */
  density: number;
  /** Seed for reproducibility; default 0. */
  seed?: number;
}

export interface WattsStrogatzArgs extends LayoutArgs {
  /** Probability that a lattice block is moved to a random row; default 0.2. */
  rewireProbability?: number;
}

export {LAYOUT_TYPES} from './layout_types';
export type {LayoutType} from './layout_types';

interface Grid {
  rows: number;
  cols: number;
  mask: Uint8Array;
}

function startGrid(fn: string, args: LayoutArgs): Grid {
  checkBlockSize(fn, args.blockSize);
  checkDivisible(fn, 'inputSize', args.inputSize, args.blockSize);
  checkDivisible(fn, 'outputSize', args.outputSize, args.blockSize);
  checkDensity(fn, 'density', args.density);
  const rows = args.inputSize / args.blockSize;
  const cols = args.outputSize / args.blockSize;
  return {rows, cols, mask: new Uint8Array(rows * cols)};
}

function finish(grid: Grid, blockSize: number): BlockLayout {
  return BlockLayout.fromMask(
      {data: grid.mask, shape: [grid.rows, grid.cols]}, blockSize);
}

/** Total blocks to keep: at least one, so every layout can carry a product. */
function targetBlocks(grid: Grid, density: number): number {
  return Math.max(1, Math.round(density * grid.rows * grid.cols));
}

/**
 * Blocks per column summing to the target: floor or ceil of the mean, the
 * extra blocks spread evenly over the columns.
 */
function blocksPerColumn(grid: Grid, density: number): Int32Array {
  const total = targetBlocks(grid, density);
  const base = Math.floor(total / grid.cols);
  const extra = total - base * grid.cols;
  const counts = new Int32Array(grid.cols).fill(base);
  for (let i = 0; i < extra; i++) {
    counts[Math.floor((i * grid.cols) / extra)]++;
  }
  return counts;
}

/**
 * Uniformly random blocks: exactly round(density * blocks) of them, anywhere.
 * Low densities leave some block rows and columns empty.
 *
 * ```js
 * const layout = randomLayout(
 *     {inputSize: 256, outputSize: 512, blockSize: 32, density: 0.25, seed: 7});
 * ```
 */
export function randomLayout(args: LayoutArgs): BlockLayout {
  const grid = startGrid('randomLayout', args);
  const rng = createRng(args.seed ?? 0);
  const order = shuffledRange(grid.rows * grid.cols, rng);
  const total = targetBlocks(grid, args.density);
  for (let i = 0; i < total; i++) grid.mask[order[i]] = 1;
  return finish(grid, args.blockSize);
}

/** Random blocks with (nearly) the same number in every output column. */
export function balancedRandomLayout(args: LayoutArgs): BlockLayout {
  const grid = startGrid('balancedRandomLayout', args);
  const rng = createRng(args.seed ?? 0);
  const counts = blocksPerColumn(grid, args.density);
  for (let n = 0; n < grid.cols; n++) {
    const rows = shuffledRange(grid.rows, rng);
    for (let i = 0; i < counts[n]; i++) {
      grid.mask[rows[i] * grid.cols + n] = 1;
    }
  }
  return finish(grid, args.blockSize);
}

/**
 * Preferential attachment (Barabasi-Albert) on the bipartite graph of input
 * block rows and output block columns: columns take their blocks in turns,
 * each choosing a row with probability proportional to 1 + its degree so far,
 * which grows a few hub rows with many blocks (a scale-free degree
 * distribution) while every column keeps its share of blocks.
 */
export function barabasiAlbertLayout(args: LayoutArgs): BlockLayout {
  const grid = startGrid('barabasiAlbertLayout', args);
  const rng = createRng(args.seed ?? 0);
  const counts = blocksPerColumn(grid, args.density);
  const degree = new Float64Array(grid.rows);
  const maxCount = Math.max(...counts);
  const columnOrder = shuffledRange(grid.cols, rng);
  for (let round = 0; round < maxCount; round++) {
    for (const n of columnOrder) {
      if (round >= counts[n]) continue;
      const row = pickWeightedFreeRow(grid, n, degree, rng);
      grid.mask[row * grid.cols + n] = 1;
      degree[row]++;
    }
  }
  return finish(grid, args.blockSize);
}

function pickWeightedFreeRow(
    grid: Grid, col: number, degree: Float64Array, rng: Rng): number {
  let total = 0;
  for (let k = 0; k < grid.rows; k++) {
    if (!grid.mask[k * grid.cols + col]) total += 1 + degree[k];
  }
  let target = rng.next() * total;
  let last = -1;
  for (let k = 0; k < grid.rows; k++) {
    if (grid.mask[k * grid.cols + col]) continue;
    last = k;
    target -= 1 + degree[k];
    if (target < 0) return k;
  }
  return last;  // rounding left a sliver of probability at the end
}

/**
 * Watts-Strogatz small world: start from a band around the (scaled)
 * diagonal, then move each block to a random free row of the same column
 * with probability `rewireProbability`, giving local structure plus a few
 * long-range shortcuts.
 */
export function wattsStrogatzLayout(args: WattsStrogatzArgs): BlockLayout {
  const fn = 'wattsStrogatzLayout';
  const p = args.rewireProbability ?? 0.2;
  checkArgument(
      p >= 0 && p <= 1, fn, 'rewireProbability', 'a number in [0, 1]', p);
  const grid = startGrid(fn, args);
  fillBand(grid, blocksPerColumn(grid, args.density));
  const rng = createRng(args.seed ?? 0);
  for (let n = 0; n < grid.cols; n++) {
    for (let k = 0; k < grid.rows; k++) {
      if (!grid.mask[k * grid.cols + n] || rng.next() >= p) continue;
      const free: number[] = [];
      for (let r = 0; r < grid.rows; r++) {
        if (!grid.mask[r * grid.cols + n]) free.push(r);
      }
      if (free.length === 0) break;
      grid.mask[k * grid.cols + n] = 0;
      grid.mask[free[rng.int(free.length)] * grid.cols + n] = 1;
    }
  }
  return finish(grid, args.blockSize);
}

/**
 * Banded (local) layout: each column keeps a contiguous run of rows centred
 * on the diagonal of the [K/b, N/b] grid. Deterministic; `seed` is unused.
 */
export function bandedLayout(args: LayoutArgs): BlockLayout {
  const grid = startGrid('bandedLayout', args);
  fillBand(grid, blocksPerColumn(grid, args.density));
  return finish(grid, args.blockSize);
}

function fillBand(grid: Grid, counts: Int32Array): void {
  for (let n = 0; n < grid.cols; n++) {
    const centre = ((n + 0.5) * grid.rows) / grid.cols;
    let start = Math.round(centre - counts[n] / 2);
    start = Math.min(Math.max(start, 0), grid.rows - counts[n]);
    for (let i = 0; i < counts[n]; i++) {
      grid.mask[(start + i) * grid.cols + n] = 1;
    }
  }
}

/** All blocks present (density 1), for dense-equivalent checks. */
export function denseLayout(args: Omit<LayoutArgs, 'density'|'seed'>):
    BlockLayout {
  return BlockLayout.dense(args.inputSize, args.outputSize, args.blockSize);
}

const GENERATORS: Record<LayoutType, (args: LayoutArgs) => BlockLayout> = {
  random: randomLayout,
  balanced: balancedRandomLayout,
  barabasiAlbert: barabasiAlbertLayout,
  wattsStrogatz: wattsStrogatzLayout,
  banded: bandedLayout,
  dense: denseLayout,
};

/**
 * Builds a layout by generator name, as layer configs do.
 *
 * ```js
 * const layout = makeLayout('balanced',
 *     {inputSize: 512, outputSize: 512, blockSize: 32, density: 1 / 8, seed: 1});
 * ```
 */
export function makeLayout(type: LayoutType, args: LayoutArgs): BlockLayout {
  checkLayoutType('makeLayout', 'type', type);
  return GENERATORS[type](args);
}
