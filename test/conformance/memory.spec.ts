/** Training through the ops holds the tensor count steady. */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseMatMul} from '../../ops/block_sparse_mat_mul';
import {balancedRandomLayout} from '../../src/layout/generators';
import {createRng, freshSeed, randomNormal} from '../util/random';

describe(`memory on ${process.env.TFJS_BACKEND ?? 'cpu'}`, () => {
  it('200 forward+backward steps leave tf.memory().numTensors unchanged', async () => {
    const rng = createRng(freshSeed());
    const layout = balancedRandomLayout({inputSize: 64, outputSize: 32, blockSize: 16, density: 0.5, seed: 3});
    const w1 = tf.variable(tf.tensor3d(randomNormal(layout.nnzBlocks * 256, rng), layout.weightShape));
    const x = tf.tensor2d(randomNormal(8 * 64, rng), [8, 64]);
    const target = tf.tensor2d(randomNormal(8 * 64, rng), [8, 64]);
    const optimizer = tf.train.adam(1e-3);
    const step = () => optimizer.minimize(() => {
      const h = tf.tanh(blockSparseMatMul(x, w1, layout));
      const back = blockSparseMatMul(h, w1, layout, {transposeW: true});
      return tf.losses.meanSquaredError(target, back);
    }, true);
    const first = step()!;
    await first.data();
    first.dispose();
    const baseline = tf.memory().numTensors;
    let lastLoss = 0;
    for (let i = 0; i < 200; i++) {
      const loss = step()!;
      if (i % 50 === 49) lastLoss = (await loss.data())[0];
      loss.dispose();
    }
    expect(Number.isFinite(lastLoss)).to.equal(true);
    expect(tf.memory().numTensors).to.equal(baseline);
    tf.dispose([w1, x, target]);
    optimizer.dispose();
  });
});
