/**
 * Both layers train inside ordinary tf.LayersModel code on whatever backend
 * TFJS_BACKEND selects: model.fit reduces the loss of a learnable synthetic
 * task, and a 50-step training loop leaves tf.memory().numTensors unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import {blockSparseDense, blockSparseLSTM} from '../../src/layers/exports';

import {seededNormal} from './helpers';

/** y = x . W_true for a fixed random W_true: learnable by a linear model. */
function regressionTask(): {x: tf.Tensor, y: tf.Tensor} {
  return tf.tidy(() => {
    const x = seededNormal([128, 32], 11);
    const w = tf.mul(seededNormal([32, 4], 12), 0.3);
    return {x, y: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D)};
  });
}

/** y = running mean of the first feature: needs the recurrence. */
function sequenceTask(): {x: tf.Tensor, y: tf.Tensor} {
  return tf.tidy(() => {
    const x = seededNormal([64, 6, 8], 13);
    const y = tf.mean(tf.slice(x, [0, 0, 0], [-1, -1, 1]), 1);
    return {x, y};
  });
}

function denseModel(): tf.LayersModel {
  return tf.sequential({
    layers: [
      blockSparseDense(
          {inputShape: [32], units: 32, blockSize: 8, density: 0.5, seed: 1}),
      tf.layers.dense({units: 4}),
    ]
  });
}

function lstmModel(): tf.LayersModel {
  return tf.sequential({
    layers: [
      blockSparseLSTM({
        inputShape: [6, 8],
        units: 16,
        blockSize: 8,
        kernelDensity: 0.5,
        recurrentDensity: 0.5,
        seed: 2
      }),
      tf.layers.dense({units: 1}),
    ]
  });
}

async function lossOf(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor):
    Promise<number> {
  const loss = model.evaluate(x, y, {batchSize: 256}) as tf.Scalar;
  const value = (await loss.data())[0];
  loss.dispose();
  return value;
}

const cases: Array<[string, () => tf.LayersModel, () => {x: tf.Tensor, y: tf.Tensor}, number]> = [
  ['blockSparseDense', denseModel, regressionTask, 30],
  ['blockSparseLSTM', lstmModel, sequenceTask, 30],
];

describe('layers: training', () => {
  for (const [name, makeModel, makeTask, epochs] of cases) {
    it(`model.fit reduces the loss with ${name}`, async () => {
      const {x, y} = makeTask();
      const model = makeModel();
      model.compile({optimizer: tf.train.adam(0.02), loss: 'meanSquaredError'});
      const before = await lossOf(model, x, y);
      await model.fit(x, y, {epochs, batchSize: 32, shuffle: false, verbose: 0});
      const after = await lossOf(model, x, y);
      expect(after, `loss ${before} -> ${after}`).to.be.below(0.5 * before);
      model.dispose();
      tf.dispose([x, y]);
    });

    it(`50 training steps with ${name} leave numTensors unchanged`, async () => {
      const {x, y} = makeTask();
      const model = makeModel();
      const optimizer = tf.train.adam(0.01);
      const step = () => optimizer.minimize(
          () => tf.losses.meanSquaredError(
                    y, model.apply(x, {training: true}) as tf.Tensor) as
              tf.Scalar,
          false);
      step();  // the optimizer creates its slots on the first step
      const before = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) step();
      expect(tf.memory().numTensors).to.equal(before);
      // Make sure the steps ran before the check is trusted.
      const probe = model.predict(x) as tf.Tensor;
      expect((await probe.data()).every(Number.isFinite)).to.equal(true);
      probe.dispose();
      model.dispose();
      optimizer.dispose();
      tf.dispose([x, y]);
    });
  }

  it('training with dropout runs and does not leak', async () => {
    const {x, y} = sequenceTask();
    const model = tf.sequential({
      layers: [
        blockSparseLSTM({
          inputShape: [6, 8], units: 16, blockSize: 8, recurrentDensity: 0.5,
          dropout: 0.2, recurrentDropout: 0.2
        }),
        tf.layers.dense({units: 1}),
      ]
    });
    model.compile({optimizer: 'adam', loss: 'meanSquaredError'});
    await model.fit(x, y, {epochs: 1, batchSize: 32, verbose: 0});
    const before = tf.memory().numTensors;
    await model.fit(x, y, {epochs: 2, batchSize: 32, verbose: 0});
    expect(tf.memory().numTensors).to.equal(before);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('trains on sequences of a single step (batches of one-token sentences)', async () => {
    // Float inputs rather than an embedding: wasm has no UnsortedSegmentSum,
    // which the embedding's gradient needs.
    const model = tf.sequential({layers: [
      blockSparseLSTM({inputShape: [null as unknown as number, 8], units: 16, blockSize: 8, recurrentDensity: 0.5, seed: 3}),
      tf.layers.dense({units: 1, activation: 'sigmoid'}),
    ]});
    model.compile({optimizer: 'adam', loss: 'binaryCrossentropy'});
    const x = seededNormal([4, 1, 8], 14);
    const y = tf.tensor2d([[1], [0], [1], [0]]);
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) losses.push(await model.trainOnBatch(x, y) as number);
    expect(losses[19]).to.be.below(losses[0]);
    model.dispose();
    tf.dispose([x, y]);
  });
});
