/**
 * BlockSparseLSTM with fully dense layouts computes tf.layers.lstm's function
 * given the same weights (tfjs's recurrentActivation set to 'sigmoid', ours
 * by default): outputs, final states and gradients within 1e-5, across
 * returnSequences, returnState, goBackwards, masking and stateful use. A
 * sparse layout equals tf.layers.lstm with the kernel zeroed off the layout.
 */
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import {BlockLayout, blocksToDense, randomLayout} from '../../src/index';
import {BlockSparseLSTM, blockSparseLSTM, blockSparseLSTMCell, BlockSparseLSTMArgs, denseWeights, setDenseWeights} from '../../src/layers/exports';

import {expectClose, gradientsOf, maxAbsDiff, seededNormal} from './helpers';

const INPUT = 16, UNITS = 16, B = 8, BATCH = 3, TIME = 5;

const denseLayouts = {
  kernelLayout: BlockLayout.dense(INPUT, UNITS, B),
  recurrentLayout: BlockLayout.dense(UNITS, UNITS, B),
};

type RnnOptions = Pick<
    BlockSparseLSTMArgs, 'returnSequences'|'returnState'|'goBackwards'>;

/** A pair with the same weights: ours (built from `args`) and tfjs's. */
function makePair(args: Partial<BlockSparseLSTMArgs>, options: RnnOptions = {}):
    {sparse: BlockSparseLSTM, dense: tf.layers.Layer} {
  const sparse = blockSparseLSTM({units: UNITS, ...args, ...options});
  const dense = tf.layers.lstm(
      {units: UNITS, recurrentActivation: 'sigmoid', ...options});
  const x = tf.zeros([1, TIME, INPUT]);
  sparse.apply(x);
  dense.apply(x);
  x.dispose();
  // tfjs's random weights (plus a non-zero bias), cut to our layouts; then
  // tfjs's layer takes back the cut values so both hold the same function.
  const weights = dense.getWeights();
  const bias = seededNormal([4 * UNITS], 9);
  setDenseWeights(sparse, [weights[0], weights[1], bias]);
  const ours = denseWeights(sparse);
  dense.setWeights(ours);
  tf.dispose([bias, ...ours]);
  return {sparse, dense};
}

function outputsOf(layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor[] {
  const y = layer.apply(x) as tf.Tensor|tf.Tensor[];
  return Array.isArray(y) ? y : [y];
}

async function expectSameOutputs(
    sparse: tf.layers.Layer, dense: tf.layers.Layer, x: tf.Tensor):
    Promise<void> {
  const a = outputsOf(sparse, x), b = outputsOf(dense, x);
  expect(a.length).to.equal(b.length);
  for (let i = 0; i < a.length; i++) {
    await expectClose(a[i], b[i], 1e-5, `output ${i}`);
  }
  tf.dispose([...a, ...b]);
}

describe('layers: blockSparseLSTM equals tf.layers.lstm', () => {
  const x = seededNormal([BATCH, TIME, INPUT], 1);
  after(() => x.dispose());

  const variants: Array<[string, RnnOptions]> = [
    ['last output', {}],
    ['returnSequences', {returnSequences: true}],
    ['returnState', {returnState: true}],
    ['goBackwards + returnSequences', {goBackwards: true, returnSequences: true}],
  ];
  for (const [name, options] of variants) {
    it(`dense layouts (block-sparse path), ${name}`, async () => {
      const {sparse, dense} = makePair(denseLayouts, options);
      await expectSameOutputs(sparse, dense, x);
    });
  }

  it('dense kernels (no layouts: plain matMul path)', async () => {
    const {sparse, dense} = makePair({}, {returnSequences: true});
    expect(sparse.kernelLayout).to.equal(null);
    expect(sparse.recurrentLayout).to.equal(null);
    await expectSameOutputs(sparse, dense, x);
  });

  it('gradients of input, kernels and bias within 1e-5', async () => {
    const {sparse, dense} = makePair(denseLayouts, {returnSequences: true});
    const probe = seededNormal([BATCH, TIME, UNITS], 4);
    const s = gradientsOf(sparse, x, probe);
    const d = gradientsOf(dense, x, probe);
    await expectClose(s.dx, d.dx, 1e-5, 'input gradient');
    await expectClose(
        blocksToDense(s.dVars[0], sparse.kernelLayout!), d.dVars[0], 1e-5,
        'kernel gradient');
    await expectClose(
        blocksToDense(s.dVars[1], sparse.recurrentLayout!), d.dVars[1], 1e-5,
        'recurrent kernel gradient');
    await expectClose(s.dVars[2], d.dVars[2], 1e-5, 'bias gradient');
    tf.dispose([probe, s.dx, d.dx, ...s.dVars, ...d.dVars]);
  });

  it('sparse layouts equal tf.layers.lstm with the masked kernels', async () => {
    const kernelLayout = randomLayout(
        {inputSize: INPUT, outputSize: UNITS, blockSize: B, density: 0.5,
         seed: 2});
    const recurrentLayout = randomLayout(
        {inputSize: UNITS, outputSize: 4 * UNITS, blockSize: B, density: 0.5,
         seed: 3});
    const {sparse, dense} =
        makePair({kernelLayout, recurrentLayout}, {returnState: true});
    // The per-gate kernel layout is tiled over the 4 gates; the full
    // recurrent one is used as given.
    expect(sparse.kernelLayout!.outputSize).to.equal(4 * UNITS);
    expect(sparse.kernelLayout!.nnzBlocks).to.equal(4 * kernelLayout.nnzBlocks);
    expect(sparse.recurrentLayout!.equals(recurrentLayout)).to.equal(true);
    await expectSameOutputs(sparse, dense, x);
  });

  it('masking from tf.layers.embedding({maskZero: true})', async () => {
    const {sparse, dense} = makePair(denseLayouts, {returnSequences: true});
    const embedding = tf.layers.embedding(
        {inputDim: 20, outputDim: INPUT, maskZero: true});
    const build = (layer: tf.layers.Layer) => {
      const input = tf.input({shape: [TIME]});
      return tf.model(
          {inputs: input, outputs: layer.apply(embedding.apply(input)) as
               tf.SymbolicTensor});
    };
    const rows = [[3, 5, 0, 0, 0], [1, 2, 3, 4, 5], [7, 0, 0, 0, 0]];
    const tokens = tf.tensor2d(rows, undefined, 'float32');
    const masked = build(sparse).predict(tokens) as tf.Tensor;
    // tfjs's own rnn() loses the mask on webgpu (tfjs-backend-webgpu 4.22
    // casts bool to float32 by relabelling the buffer; tf.layers.lstm then
    // returns zeros), so the tfjs reference is only trusted elsewhere.
    if (tf.getBackend() !== 'webgpu') {
      const reference = build(dense).predict(tokens) as tf.Tensor;
      await expectClose(masked, reference, 1e-5, 'masked outputs vs tfjs');
      reference.dispose();
    }
    // On every backend: a padded row's outputs are those of its unpadded
    // prefix, repeated over the masked steps.
    const perRow = tf.unstack(masked);
    for (let r = 0; r < rows.length; r++) {
      const length = rows[r].indexOf(0) < 0 ? TIME : rows[r].indexOf(0);
      const prefix = tf.tensor2d([rows[r].slice(0, length)], undefined, 'float32');
      const unpadded = tf.squeeze(
          sparse.apply(embedding.apply(prefix) as tf.Tensor) as tf.Tensor, [0]);
      await expectClose(
          tf.slice(perRow[r], [0, 0], [length, UNITS]), unpadded, 1e-5,
          `row ${r} unmasked steps`);
      const last = tf.slice(unpadded, [length - 1, 0], [1, UNITS]);
      for (let t = length; t < TIME; t++) {
        await expectClose(
            tf.slice(perRow[r], [t, 0], [1, UNITS]), last, 1e-6,
            `row ${r} masked step ${t}`);
      }
      tf.dispose([prefix, unpadded, last]);
    }
    tf.dispose([tokens, masked, ...perRow]);
  });

  it('stateful: carries the state across calls like tf.layers.lstm', async () => {
    const sparse = blockSparseLSTM(
        {units: UNITS, ...denseLayouts, stateful: true});
    const dense = tf.layers.lstm(
        {units: UNITS, recurrentActivation: 'sigmoid', stateful: true});
    const models = [sparse, dense].map(
        layer => tf.sequential(
            {layers: [tf.layers.inputLayer({batchInputShape: [BATCH, TIME, INPUT]}),
                      layer]}));
    setDenseWeights(sparse, dense.getWeights());
    for (let call = 0; call < 2; call++) {
      const [a, b] = models.map(m => m.predict(x) as tf.Tensor);
      await expectClose(a, b, 1e-5, `call ${call}`);
      tf.dispose([a, b]);
    }
    // The second call started from the first call's state.
    sparse.resetStates();
    const fresh = models[0].predict(x) as tf.Tensor;
    const again = models[0].predict(x) as tf.Tensor;
    expect(await maxAbsDiff(fresh, again)).to.be.greaterThan(0);
    tf.dispose([fresh, again]);
  });

  it('the cell works in tf.layers.rnn like LSTMCell', async () => {
    const cell = blockSparseLSTMCell({units: UNITS, ...denseLayouts});
    const rnn = tf.layers.rnn({cell, returnSequences: true});
    const dense = tf.layers.lstm(
        {units: UNITS, recurrentActivation: 'sigmoid', returnSequences: true});
    rnn.apply(x);
    dense.apply(x);
    setDenseWeights(cell, dense.getWeights());
    await expectSameOutputs(rnn, dense, x);
  });

  it('with dropout, inference is unchanged and training differs', async () => {
    const {sparse} = makePair(denseLayouts);
    const dropped = blockSparseLSTM(
        {units: UNITS, ...denseLayouts, dropout: 0.5, recurrentDropout: 0.5});
    dropped.apply(x);
    dropped.setWeights(sparse.getWeights());
    await expectSameOutputs(dropped, sparse, x);
    const before = tf.memory().numTensors;
    const trained = dropped.apply(x, {training: true}) as tf.Tensor;
    const plain = sparse.apply(x) as tf.Tensor;
    expect(await maxAbsDiff(trained, plain)).to.be.greaterThan(1e-3);
    tf.dispose([trained, plain]);
    // The dropout masks live for one call only.
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('the cell in tf.layers.rnn keeps its dropout masks until reset', async () => {
    const cell = blockSparseLSTMCell(
        {units: UNITS, ...denseLayouts, dropout: 0.5, recurrentDropout: 0.5});
    const rnn = tf.layers.rnn({cell});
    tf.dispose(rnn.apply(x) as tf.Tensor);
    const before = tf.memory().numTensors;
    const first = rnn.apply(x, {training: true}) as tf.Tensor;
    const second = rnn.apply(x, {training: true}) as tf.Tensor;
    expect(await maxAbsDiff(first, second), 'same masks').to.equal(0);
    cell.resetDropoutMasks();
    expect(tf.memory().numTensors, 'masks freed').to.equal(before + 2);
    const third = rnn.apply(x, {training: true}) as tf.Tensor;
    expect(await maxAbsDiff(first, third), 'new masks').to.be.greaterThan(0);
    cell.resetDropoutMasks();
    tf.dispose([first, second, third]);
    expect(tf.memory().numTensors).to.equal(before);
  });
});
