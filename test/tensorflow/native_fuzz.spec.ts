/**
 * Corrupt lookup tables fed to the raw native ops at random: each call must
 * come back as a TensorFlow error and leak nothing, never crash the process
 * or read out of bounds. Run against every addon the suite loads (the local
 * build and, with TFJS_BLOCKSPARSE_NATIVE_ADDON, the prebuilt binary).
 * native.spec.ts names each check once; this covers their combinations.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {createRng, freshSeed, Rng} from '../util/random';
import {errorOfRawOp, nativeAddon, tfNodeBackend} from '../util/raw_ops';

const CALLS = 200;
const BLOCK_SIZES = [8, 16, 32, 64];

const int = (values: number[]) => tf.tensor1d(values, 'int32');
const pick = <T>(rng: Rng, items: T[]): T => items[Math.floor(rng.next() * items.length)];
const below = (rng: Rng, n: number) => Math.floor(rng.next() * n);

/**
 * Valid tables of a random layout: per output block column, its entries of
 * (block column of x, block of w). With transpose_w the op reads the same
 * tables, the blocks transposed.
 */
function validMatMulTables(rng: Rng, xBlocks: number, outBlocks: number) {
  const ptr = [0], other: number[] = [], block: number[] = [];
  for (let col = 0; col < outBlocks; ++col) {
    for (let row = 0; row < xBlocks; ++row) {
      if (rng.next() < 0.5) {
        other.push(row);
        block.push(other.length - 1);
      }
    }
    ptr.push(other.length);
  }
  return {ptr, other, block};
}

/** A value outside [0, size): negative or at least size. */
function outOfRange(rng: Rng, size: number): number {
  return rng.next() < 0.5 ? -1 - below(rng, 1000) : size + below(rng, 1000);
}

/** One corruption that no valid table has; returns what it did, for the failure message. */
function corruptMatMulTables(rng: Rng, tables: {ptr: number[], other: number[], block: number[]},
                             xBlocks: number): string {
  const {ptr, other, block} = tables;
  const entries = other.length;
  const kinds = ['ptr start', 'ptr end', 'other length'];
  if (ptr.length > 2) kinds.push('ptr decreases');
  if (entries > 0) kinds.push('other range', 'block range');
  const kind = pick(rng, kinds);
  switch (kind) {
    case 'ptr start':
      ptr[0] = rng.next() < 0.5 ? -1 - below(rng, 5) : 1 + below(rng, 5);
      break;
    case 'ptr end':
      ptr[ptr.length - 1] = entries + 1 + below(rng, 5);
      break;
    case 'ptr decreases': {
      const i = 1 + below(rng, ptr.length - 2);
      ptr[i] = ptr[i - 1] - 1 - below(rng, 5);
      break;
    }
    case 'other length':
      if (entries > 0 && rng.next() < 0.5) other.pop(); else other.push(0);
      break;
    case 'other range':
      other[below(rng, entries)] = outOfRange(rng, xBlocks);
      break;
    case 'block range':
      block[below(rng, entries)] = outOfRange(rng, Math.max(entries, 1));
      break;
  }
  return kind;
}

describe('tensorflow native ops under corrupt tables', () => {
  it(`reject ${CALLS} random corruptions with an error each, leaking nothing`, () => {
    const seed = freshSeed();
    const rng = createRng(seed);
    const backend = tfNodeBackend();
    for (let call = 0; call < CALLS; ++call) {
      const blockSize = pick(rng, BLOCK_SIZES);
      const blockRows = 1 + below(rng, 4), blockCols = 1 + below(rng, 4), rows = 1 + below(rng, 9);
      const where = `seed ${seed}, call ${call}`;
      if (call % 3 !== 2) {
        const tables = validMatMulTables(rng, blockRows, blockCols);
        const nnz = tables.other.length;
        const kind = corruptMatMulTables(rng, tables, blockRows);
        const transposeW = rng.next() < 0.5;
        const xColumns = blockRows * blockSize;
        const attrs = [{name: 'transpose_w', type: backend.binding.TF_ATTR_BOOL, value: transposeW}];
        const message = errorOfRawOp(nativeAddon().ops.matMul, attrs, () => [
          tf.zeros([rows, xColumns]), tf.zeros([Math.max(nnz, 1), blockSize, blockSize]), int(tables.ptr),
          int(tables.other), int(tables.block),
        ]);
        expect(message, `${where}: ${kind}`).to.match(/input '(ptr|other|block)'|'other' and 'block'|must/);
      } else {
        const entries = 1 + below(rng, 6);
        const blockRow = Array.from({length: entries}, () => below(rng, blockRows));
        const blockCol = Array.from({length: entries}, () => below(rng, blockCols));
        const kind = pick(rng, ['row range', 'column range', 'lengths']);
        if (kind === 'row range') blockRow[below(rng, entries)] = outOfRange(rng, blockRows);
        if (kind === 'column range') blockCol[below(rng, entries)] = outOfRange(rng, blockCols);
        if (kind === 'lengths') blockCol.pop();
        const attrs = [{name: 'block_size', type: backend.binding.TF_ATTR_INT, value: blockSize}];
        const message = errorOfRawOp(nativeAddon().ops.sampledMatMul, attrs, () => [
          tf.zeros([rows, blockRows * blockSize]), tf.zeros([rows, blockCols * blockSize]), int(blockRow),
          int(blockCol),
        ]);
        expect(message, `${where}: ${kind}`).to.match(/input 'block_(row|col)'|'block_row' and 'block_col'/);
      }
    }
  });
});
