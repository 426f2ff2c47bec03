/**
 * Bad arguments to the attention ops and layout generators get a message
 * naming the function, the argument, what was expected and what was got,
 * and leak no tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseAttention} from '../../ops/block_sparse_attention';
import {blockSparseDSD} from '../../ops/block_sparse_dsd';
import {blockSparseSDD} from '../../ops/block_sparse_sdd';
import {blockSparseSoftmax} from '../../ops/block_sparse_softmax';
import {bigBirdAttentionLayout, localAttentionLayout, StridedPattern, stridedAttentionLayout} from '../../src/layout/attention_layouts';
import {BlockLayout} from '../../src/layout/block_layout';

function expectCleanError(action: () => unknown, message: RegExp) {
  const before = tf.memory().numTensors;
  expect(action).to.throw(message);
  expect(tf.memory().numTensors, 'tensors leaked by the failed call').to.equal(before);
}

describe(`attention argument errors on ${process.env.TFJS_BACKEND ?? 'cpu'}`, () => {
  // S = 24, b = 8; block (0, 2) lies above the diagonal.
  const layout = BlockLayout.fromMask([[1, 0, 1], [1, 1, 0], [0, 1, 1]], 8);
  const lower = BlockLayout.fromMask([[1, 0, 0], [1, 1, 0], [0, 1, 1]], 8);
  let q: tf.Tensor, scores: tf.Tensor;
  beforeEach(() => {
    q = tf.zeros([2, 3, 24, 4]);
    scores = tf.zeros([2, 3, 6, 8, 8]);
  });
  afterEach(() => tf.dispose([q, scores]));

  it('a layout that is not square, empty or not a BlockLayout', () => {
    const wide = BlockLayout.fromMask([[1, 1, 0, 1]], 8);
    expectCleanError(() => blockSparseSDD(q, q, wide),
        /blockSparseSDD: argument 'layout' must be a square layout \[S\/b, S\/b\] \(inputSize = outputSize = S\), but got a layout of shape \[8, 32\]/);
    const empty = BlockLayout.fromMask([[0, 0], [0, 0]], 8);
    expectCleanError(() => blockSparseAttention(q, q, q, empty),
        /blockSparseAttention: argument 'layout' must be a layout with at least one block/);
    expectCleanError(() => blockSparseSoftmax(scores, {} as BlockLayout),
        /blockSparseSoftmax: argument 'layout' must be a BlockLayout, but got Object/);
  });

  it('sequence operands of the wrong length, shape or dtype', () => {
    const short = tf.zeros([2, 3, 16, 4]);
    expectCleanError(() => blockSparseSDD(short, short, layout),
        /blockSparseSDD: argument 'a' must be of shape \[\.\.\., S, d\] with S = 24 \(the layout's size\) and d > 0, but got shape \[2,3,16,4\]/);
    const other = tf.zeros([2, 3, 24, 5]);
    expectCleanError(() => blockSparseSDD(q, other, layout),
        /blockSparseSDD: argument 'b' must be of the shape of a, \[2,3,24,4\], but got shape \[2,3,24,5\]/);
    const ints = tf.zeros([2, 3, 24, 4], 'int32');
    expectCleanError(() => blockSparseSDD(q, ints, layout),
        /blockSparseSDD: argument 'b' must be a float32 tensor, but got a int32 tensor/);
    const noRows = tf.zeros([0, 24, 4]);
    expectCleanError(() => blockSparseSDD(noRows, noRows, layout),
        /blockSparseSDD: argument 'a' must be a tensor with no zero-sized leading dim, but got shape \[0,24,4\]/);
    tf.dispose([short, other, ints, noRows]);
  });

  it('block operands not [..., nnzBlocks, b, b], or with other leading dims than v', () => {
    const bad = tf.zeros([2, 3, 4, 8, 8]);
    expectCleanError(() => blockSparseDSD(bad, q, layout),
        /blockSparseDSD: argument 'p' must be of shape \[\.\.\., nnzBlocks, b, b\] = \[\.\.\., 6,8,8\] for BlockLayout\(24x24, b=8.*but got shape \[2,3,4,8,8\]/);
    const v = tf.zeros([3, 2, 24, 4]);
    expectCleanError(() => blockSparseDSD(scores, v, layout),
        /blockSparseDSD: argument 'v' must be the same leading dims as p, \[2,3\], but got \[3,2\]/);
    expectCleanError(() => blockSparseSoftmax(bad, layout),
        /blockSparseSoftmax: argument 'scores' must be of shape \[\.\.\., nnzBlocks, b, b\] = \[\.\.\., 6,8,8\]/);
    tf.dispose([bad, v]);
  });

  it('causal with a block above the diagonal', () => {
    expectCleanError(() => blockSparseSoftmax(scores, layout, {causal: true}),
        /blockSparseSoftmax: argument 'layout' must be a layout with no block above the diagonal when causal is set.*but got block \(0, 2\)/);
    expectCleanError(() => blockSparseAttention(q, q, q, layout, {causal: true}),
        /blockSparseAttention: argument 'layout' must be a layout with no block above the diagonal/);
  });

  it('key masks of the wrong shape or dtype', () => {
    const wrongBatch = tf.ones([3, 24]);
    expectCleanError(() => blockSparseSoftmax(scores, layout, {keyMask: wrongBatch}),
        /blockSparseSoftmax: argument 'options.keyMask' must be of shape \[batch, S\] = \[2, 24\], but got shape \[3,24\]/);
    expectCleanError(() => blockSparseAttention(q, q, q, lower, {causal: true, keyMask: wrongBatch}),
        /blockSparseAttention: argument 'options.keyMask' must be of shape \[batch, S\] = \[2, 24\], but got shape \[3,24\]/);
    const strings = tf.tensor([['a'], ['b']]);
    expectCleanError(() => blockSparseSoftmax(scores, layout, {keyMask: strings}),
        /argument 'options.keyMask' must be a float32, int32 or bool tensor, but got a string tensor/);
    expectCleanError(() => blockSparseSoftmax(scores, layout, {keyMask: [[1, 0]]}),
        /argument 'options.keyMask' must be of shape \[batch, S\] = \[2, 24\], but got shape \[1,2\]/);
    tf.dispose([wrongBatch, strings]);
  });

  it('a scale that is not a finite number', () => {
    expectCleanError(() => blockSparseSoftmax(scores, layout, {scale: NaN}),
        /blockSparseSoftmax: argument 'options.scale' must be a finite number, but got NaN/);
    expectCleanError(() => blockSparseAttention(q, q, q, layout, {scale: Infinity}),
        /blockSparseAttention: argument 'options.scale' must be a finite number, but got Infinity/);
  });

  it('attention operands that are not [batch, heads, S, d] alike', () => {
    const rank3 = tf.zeros([3, 24, 4]);
    expectCleanError(() => blockSparseAttention(rank3, rank3, rank3, layout),
        /blockSparseAttention: argument 'q' must be of shape \[batch, heads, S, d\] with S = 24 \(the layout's size\), but got shape \[3,24,4\]/);
    const k = tf.zeros([2, 3, 24, 5]);
    expectCleanError(() => blockSparseAttention(q, k, q, layout),
        /blockSparseAttention: argument 'k' must be of the shape of q, \[2,3,24,4\], but got shape \[2,3,24,5\]/);
    const v = tf.zeros([2, 1, 24, 4]);
    expectCleanError(() => blockSparseAttention(q, q, v, layout),
        /blockSparseAttention: argument 'v' must be of shape \[2,3, S, dv\] \(batch and heads of q\), but got shape \[2,1,24,4\]/);
    tf.dispose([rank3, k, v]);
  });

  it('attention layout generators with bad arguments', () => {
    expectCleanError(() => localAttentionLayout({sequenceLength: 100, blockSize: 32}),
        /localAttentionLayout: argument 'sequenceLength' must be a positive multiple of blockSize 32, but got 100/);
    expectCleanError(() => localAttentionLayout({sequenceLength: 64, blockSize: 32, windowBlocks: -1}),
        /localAttentionLayout: argument 'windowBlocks' must be an integer >= 0, but got -1/);
    expectCleanError(() => stridedAttentionLayout({sequenceLength: 64, blockSize: 8, strideBlocks: 0}),
        /stridedAttentionLayout: argument 'strideBlocks' must be an integer >= 1, but got 0/);
    expectCleanError(
        () => stridedAttentionLayout({sequenceLength: 64, blockSize: 8, strideBlocks: 2, pattern: 'dilated' as StridedPattern}),
        /stridedAttentionLayout: argument 'pattern' must be one of strided, fixed, but got 'dilated'/);
    expectCleanError(
        () => stridedAttentionLayout({sequenceLength: 64, blockSize: 8, strideBlocks: 2, pattern: 'fixed', summaryBlocks: 3}),
        /stridedAttentionLayout: argument 'summaryBlocks' must be an integer in \[1, 2\], but got 3/);
    expectCleanError(() => bigBirdAttentionLayout({sequenceLength: 64, blockSize: 16, globalBlocks: 5}),
        /bigBirdAttentionLayout: argument 'globalBlocks' must be an integer in \[0, 4\], but got 5/);
    expectCleanError(() => bigBirdAttentionLayout({sequenceLength: 64, blockSize: 12}),
        /bigBirdAttentionLayout: argument 'blockSize' must be one of 8, 16, 32, 64, but got 12/);
  });
});
