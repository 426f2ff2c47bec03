/**
 * Memory of block-sparse attention: no tensor as large as the dense [S, S]
 * score matrix is ever created, forward or backward, and training steps
 * leave the tensor count and bytes unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseAttention} from '../../ops/block_sparse_attention';
import {bigBirdAttentionLayout, stridedAttentionLayout} from '../../src/layout/attention_layouts';
import {BlockLayout} from '../../src/layout/block_layout';
import {createRng, freshSeed, randomNormal} from '../util/random';
import {largestTensorCreatedBy} from '../util/tensor_sizes';

const S = 512;
const DEPTH = 8;
const LEAD = [1, 2];

describe(`attention memory on ${process.env.TFJS_BACKEND ?? 'cpu'}`, () => {
  const seed = freshSeed();
  const rng = createRng(seed);
  const sequence = (depth: number) => tf.tensor(randomNormal(2 * S * depth, rng), [...LEAD, S, depth]);
  let q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, keyMask: tf.Tensor;
  before(() => {
    [q, k, v] = [sequence(DEPTH), sequence(DEPTH), sequence(DEPTH)];
    // The last quarter of the keys is padding.
    keyMask = tf.tensor2d(Array.from({length: S}, (_, j) => (j < (3 * S) / 4 ? 1 : 0)), [1, S]);
  });
  after(() => tf.dispose([q, k, v, keyMask]));

  it('the size check sees a dense [S, S] score matrix', async () => {
    const largest = await largestTensorCreatedBy(() => tf.tidy(() => tf.matMul(q, k, false, true)));
    expect(largest.size).to.be.at.least(S * S);
  });

  const layouts: Array<{name: string, layout: BlockLayout, causal: boolean}> = [
    {
      name: 'BigBird (window 1, global 1, random 1), b = 8',
      layout: bigBirdAttentionLayout({sequenceLength: S, blockSize: 8, seed: 5}),
      causal: false,
    },
    {
      name: 'causal strided (stride 8), b = 8',
      layout: stridedAttentionLayout({sequenceLength: S, blockSize: 8, strideBlocks: 8, causal: true}),
      causal: true,
    },
  ];
  for (const {name, layout, causal} of layouts) {
    it(`forward and backward create no tensor of S^2 = ${S * S} entries or more: ${name} (seed ${seed})`,
       async () => {
         const before = tf.memory().numTensors;
         const largest = await largestTensorCreatedBy(async () => {
           const grads = tf.grads((qt: tf.Tensor, kt: tf.Tensor, vt: tf.Tensor) => tf.sum(tf.square(
                                      blockSparseAttention(qt, kt, vt, layout, {causal, keyMask}))))([q, k, v]);
           await Promise.all(grads.map(g => g.data()));
           tf.dispose(grads);
         });
         expect(largest.size, `largest tensor [${largest.shape}] (${layout.nnzBlocks} blocks kept)`)
             .to.be.below(S * S);
         expect(tf.memory().numTensors).to.equal(before);
       });
  }

  it(`training steps leave tf.memory() unchanged (seed ${seed})`, async () => {
    const small = 64;
    const layout = stridedAttentionLayout(
        {sequenceLength: small, blockSize: 8, pattern: 'fixed', strideBlocks: 3, causal: true});
    const init = () => tf.variable(tf.tensor(randomNormal(2 * small * DEPTH, rng), [...LEAD, small, DEPTH]));
    const [qv, kv, vv] = [init(), init(), init()];
    const target = tf.tensor(randomNormal(2 * small * DEPTH, rng), [...LEAD, small, DEPTH]);
    const mask = tf.tensor2d(Array.from({length: small}, (_, j) => (j % 5 === 4 ? 0 : 1)), [1, small], 'bool');
    const optimizer = tf.train.adam(1e-2);
    const step = () => optimizer.minimize(
        () => tf.losses.meanSquaredError(
            target, blockSparseAttention(qv, kv, vv, layout, {causal: true, keyMask: mask})),
        true)!;
    const first = step();
    await first.data();
    first.dispose();
    const baseline = tf.memory();
    let lastLoss = NaN;
    for (let i = 0; i < 30; i++) {
      const loss = step();
      if (i % 10 === 9) lastLoss = (await loss.data())[0]!;
      loss.dispose();
    }
    expect(Number.isFinite(lastLoss)).to.equal(true);
    expect(tf.memory().numTensors).to.equal(baseline.numTensors);
    expect(tf.memory().numBytes).to.equal(baseline.numBytes);
    tf.dispose([qv, kv, vv, target, mask]);
    optimizer.dispose();
  });
});
