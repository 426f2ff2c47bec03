/**
 * Attention layouts: square [S/b, S/b] block masks over a sequence of S
 * positions, block row r for the queries of block r and block column c for
 * the keys of block c, as `blockSparseAttention` takes them. With `causal`
 * every generator keeps only blocks on or below the diagonal (a query never
 * sees a later key block; the op masks the upper half of diagonal blocks).
 * Every pattern keeps the diagonal, so no query block is left without keys.
 */
import {checkArgument} from '../errors';

import {BlockLayout, checkBlockSize, checkDivisible} from './block_layout';
import {createRng, shuffledRange} from './random';

export interface AttentionLayoutArgs {
  /** S: positions in the sequence, a multiple of blockSize. */
  sequenceLength: number;
  blockSize: number;
  /** Keep only blocks on or below the diagonal; default false. */
  causal?: boolean;
}

export interface LocalAttentionLayoutArgs extends AttentionLayoutArgs {
  /** Key blocks on each side of a query block (before it only, when causal); default 1. */
  windowBlocks?: number;
}

export type StridedPattern = 'strided'|'fixed';
export const STRIDED_PATTERNS: readonly StridedPattern[] = ['strided', 'fixed'];

export interface StridedAttentionLayoutArgs extends AttentionLayoutArgs {
  /** 'strided' (default) or 'fixed', the two patterns of Child et al. 2019. */
  pattern?: StridedPattern;
  /** l / b: the stride l of the paper, in blocks. */
  strideBlocks: number;
  /** c / b of the fixed pattern: summary blocks at the end of each stride; default 1. */
  summaryBlocks?: number;
}

export interface BigBirdAttentionLayoutArgs extends AttentionLayoutArgs {
  /** Key blocks on each side of a query block; default 1. */
  windowBlocks?: number;
  /** The first blocks attend to every block and every block to them; default 1. */
  globalBlocks?: number;
  /** Extra key blocks per query block, drawn at random among those not kept; default 1. */
  randomBlocks?: number;
  /** Seed of the random blocks; default 0. */
  seed?: number;
}

function checkCount(fn: string, arg: string, value: number, min: number, max = Infinity): void {
  checkArgument(
      Number.isInteger(value) && value >= min && value <= max, fn, arg,
      max === Infinity ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`, value);
}

/** Validates the shared arguments; returns the number of blocks along the sequence. */
function blocksAlong(fn: string, args: AttentionLayoutArgs): number {
  checkArgument(args != null && typeof args === 'object', fn, 'args', 'an object', args);
  checkBlockSize(fn, args.blockSize);
  checkDivisible(fn, 'sequenceLength', args.sequenceLength, args.blockSize);
  checkArgument(
      args.causal == null || typeof args.causal === 'boolean', fn, 'causal', 'a boolean',
      args.causal);
  return args.sequenceLength / args.blockSize;
}

/** The layout of blocks (row, col) for which `keep` holds, dropping those above the diagonal when causal. */
function layoutWhere(
    blocks: number, args: AttentionLayoutArgs,
    keep: (row: number, col: number) => boolean): {mask: Uint8Array, blocks: number} {
  const mask = new Uint8Array(blocks * blocks);
  for (let row = 0; row < blocks; row++) {
    for (let col = 0; col < blocks; col++) {
      if ((!args.causal || col <= row) && keep(row, col)) mask[row * blocks + col] = 1;
    }
  }
  return {mask, blocks};
}

function toLayout(grid: {mask: Uint8Array, blocks: number}, blockSize: number): BlockLayout {
  return BlockLayout.fromMask({data: grid.mask, shape: [grid.blocks, grid.blocks]}, blockSize);
}

/**
 * Sliding-window attention: a query block attends to the key blocks at most
 * `windowBlocks` away (before it only, when causal).
 *
 * ```js
 * const layout = tfbs.localAttentionLayout(
 *     {sequenceLength: 1024, blockSize: 32, windowBlocks: 2, causal: true});
 * ```
 */
export function localAttentionLayout(args: LocalAttentionLayoutArgs): BlockLayout {
  const fn = 'localAttentionLayout';
  const blocks = blocksAlong(fn, args);
  const window = args.windowBlocks ?? 1;
  checkCount(fn, 'windowBlocks', window, 0);
  return toLayout(
      layoutWhere(blocks, args, (row, col) => Math.abs(row - col) <= window), args.blockSize);
}

/**
 * The sparse factorized patterns of Child et al. 2019, "Generating long
 * sequences with sparse transformers", on blocks, with l = strideBlocks:
 *
 * - 'strided': the l blocks up to the query's own (both ways unless causal)
 *   and every l-th block from it: |r - c| < l or |r - c| mod l = 0.
 * - 'fixed': the blocks of the query's own stride, floor(c / l) = floor(r / l),
 *   and the last `summaryBlocks` blocks of every stride, c mod l >= l - summaryBlocks.
 *
 * ```js
 * const layout = tfbs.stridedAttentionLayout({sequenceLength: 2048, blockSize: 32,
 *     pattern: 'fixed', strideBlocks: 8, causal: true});
 * ```
 */
export function stridedAttentionLayout(args: StridedAttentionLayoutArgs): BlockLayout {
  const fn = 'stridedAttentionLayout';
  const blocks = blocksAlong(fn, args);
  const pattern = args.pattern ?? 'strided';
  checkArgument(
      STRIDED_PATTERNS.includes(pattern), fn, 'pattern', `one of ${STRIDED_PATTERNS.join(', ')}`,
      `'${pattern}'`);
  const stride = args.strideBlocks;
  checkCount(fn, 'strideBlocks', stride, 1);
  if (pattern === 'strided') {
    return toLayout(
        layoutWhere(blocks, args, (row, col) => {
          const distance = Math.abs(row - col);
          return distance < stride || distance % stride === 0;
        }),
        args.blockSize);
  }
  const summary = args.summaryBlocks ?? 1;
  checkCount(fn, 'summaryBlocks', summary, 1, stride);
  return toLayout(
      layoutWhere(
          blocks, args,
          (row, col) => Math.floor(row / stride) === Math.floor(col / stride) ||
              col % stride >= stride - summary),
      args.blockSize);
}

/**
 * BigBird-style attention (Zaheer et al. 2020): a sliding window of
 * `windowBlocks` each side, `globalBlocks` first blocks that attend to and
 * are attended by every block, and `randomBlocks` more key blocks per query
 * block drawn (seeded) among those not yet kept (fewer when not enough are
 * left; when causal, only among earlier blocks).
 *
 * ```js
 * const layout = tfbs.bigBirdAttentionLayout({sequenceLength: 2048, blockSize: 64,
 *     windowBlocks: 1, globalBlocks: 1, randomBlocks: 2, seed: 7});
 * ```
 */
export function bigBirdAttentionLayout(args: BigBirdAttentionLayoutArgs): BlockLayout {
  const fn = 'bigBirdAttentionLayout';
  const blocks = blocksAlong(fn, args);
  const window = args.windowBlocks ?? 1;
  const global = args.globalBlocks ?? 1;
  const random = args.randomBlocks ?? 1;
  checkCount(fn, 'windowBlocks', window, 0);
  checkCount(fn, 'globalBlocks', global, 0, blocks);
  checkCount(fn, 'randomBlocks', random, 0);
  const seed = args.seed ?? 0;
  checkArgument(Number.isFinite(seed), fn, 'seed', 'a finite number', seed);
  const grid = layoutWhere(
      blocks, args,
      (row, col) => Math.abs(row - col) <= window || row < global || col < global);
  const rng = createRng(seed);
  for (let row = 0; row < blocks; row++) {
    const candidates = args.causal ? row + 1 : blocks;
    let added = 0;
    for (const col of shuffledRange(candidates, rng)) {
      if (added === random) break;
      if (grid.mask[row * blocks + col]) continue;
      grid.mask[row * blocks + col] = 1;
      added++;
    }
  }
  return toLayout(grid, args.blockSize);
}
