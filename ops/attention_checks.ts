/**
 * Argument checks shared by the attention ops (blockSparseSDD,
 * blockSparseSoftmax, blockSparseDSD, blockSparseAttention): a square layout
 * over the sequence, dense operands [..., S, d] and block-sparse operands
 * [..., nnzBlocks, b, b]. They run before any kernel, so a failed call
 * leaves nothing behind.
 */
import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../src/errors';
import {BlockLayout} from '../src/layout/block_layout';

import {checkLayout} from './checks';

/** The layout must be [S/b, S/b]: block rows are query blocks, block columns key blocks. */
export function checkAttentionLayout(fn: string, layout: BlockLayout): void {
  checkLayout(fn, layout);
  checkArgument(
      layout.inputSize === layout.outputSize, fn, 'layout',
      'a square layout [S/b, S/b] (inputSize = outputSize = S)',
      `a layout of shape [${layout.inputSize}, ${layout.outputSize}]`);
}

/**
 * With `causal`, blocks above the diagonal could only hold masked entries:
 * they are rejected rather than computed and thrown away, so a layout meant
 * for bidirectional attention is not silently paid for.
 */
export function checkCausalLayout(fn: string, layout: BlockLayout): void {
  for (let v = 0; v < layout.nnzBlocks; v++) {
    const row = layout.blockRow[v], col = layout.blockCol[v];
    checkArgument(
        col <= row, fn, 'layout',
        'a layout with no block above the diagonal when causal is set (the attention ' +
            'layout generators take a causal flag)',
        `block (${row}, ${col})`);
  }
}

/** x is [..., S, d] with d >= 1; returns the leading dims and d. */
export function checkSequenceOperand(
    fn: string, arg: string, x: tf.Tensor, layout: BlockLayout):
    {lead: number[], depth: number} {
  const S = layout.inputSize;
  checkArgument(
      x.rank >= 2 && x.shape[x.rank - 2] === S && x.shape[x.rank - 1] > 0, fn, arg,
      `of shape [..., S, d] with S = ${S} (the layout's size) and d > 0`, `shape [${x.shape}]`);
  return {lead: x.shape.slice(0, -2), depth: x.shape[x.rank - 1]};
}

/** x is [..., nnzBlocks, b, b]; returns the leading dims. */
export function checkBlockOperand(
    fn: string, arg: string, x: tf.Tensor, layout: BlockLayout): number[] {
  const blocks = layout.weightShape;
  checkArgument(
      x.rank >= 3 && tf.util.arraysEqual(x.shape.slice(-3), blocks), fn, arg,
      `of shape [..., nnzBlocks, b, b] = [..., ${blocks}] for ${layout}`, `shape [${x.shape}]`);
  return x.shape.slice(0, -3);
}

/** Leading dims of `arg` must equal those of `otherArg`. */
export function checkSameLead(
    fn: string, arg: string, lead: number[], otherArg: string, otherLead: number[]): void {
  checkArgument(
      tf.util.arraysEqual(lead, otherLead), fn, arg,
      `the same leading dims as ${otherArg}, [${otherLead}]`, `[${lead}]`);
}

/** Leading dims with no zero: every kernel assumes at least one row. */
export function checkNonEmptyLead(fn: string, arg: string, lead: number[], shape: number[]): void {
  checkArgument(
      lead.every(size => size > 0), fn, arg, 'a tensor with no zero-sized leading dim',
      `shape [${shape}]`);
}
