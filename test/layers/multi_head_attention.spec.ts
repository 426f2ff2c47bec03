/**
 * blockSparseMultiHeadAttention against dense multi-head attention written
 * with tfjs ops (./multi_head_attention_reference.ts): forward and gradients
 * on random weights and inputs, dense and sparse layouts (with an empty block
 * row), causal, key masks; save/load; config errors; no leaked tensors.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import {BlockLayout, localAttentionLayout} from '../../src/index';
import {BlockSparseMultiHeadAttention, blockSparseMultiHeadAttention, BlockSparseMultiHeadAttentionArgs} from '../../src/layers/exports';
import {modelDirectory} from '../../scripts/lib/model_directory';

import {expectBitIdentical, expectClose, expectThrowsWith, seededNormal} from './helpers';
import {allowedScores, denseMultiHeadAttention, DenseAttentionWeights} from './multi_head_attention_reference';

const seed = Math.floor(Math.random() * 1e6);
const BATCH = 2, S = 48, FEATURES = 13;

/** A built layer with random weights (biases too, so they are checked). */
function randomLayer(args: Partial<BlockSparseMultiHeadAttentionArgs>, salt: number): BlockSparseMultiHeadAttention {
  const layer = blockSparseMultiHeadAttention(
      {numHeads: 3, keyDim: 5, valueDim: 7, outputDim: 11, blockSize: 16, ...args} as
      BlockSparseMultiHeadAttentionArgs);
  layer.build([null, S, FEATURES]);
  const weights = tf.tidy(() => layer.getWeights().map((w, i) => tf.mul(seededNormal(w.shape, seed + salt + i), 0.5)));
  layer.setWeights(weights);
  tf.dispose(weights);
  return layer;
}

function weightsOf(layer: BlockSparseMultiHeadAttention, values = layer.getWeights()): DenseAttentionWeights {
  const [queryKernel, queryBias, keyKernel, keyBias, valueKernel, valueBias, outputKernel, outputBias] = values;
  return {queryKernel, queryBias, keyKernel, keyBias, valueKernel, valueBias, outputKernel, outputBias};
}

/** Block rows [0, 1, 0], [1, 1, 0], [0, 0, 0]: the last query block sees no key. */
const sparseLayout = () => BlockLayout.fromMask([[0, 1, 0], [1, 1, 0], [0, 0, 0]], 16);

/**
 * Layer.dispose() refuses layers never applied to symbolic inputs; their
 * variables still go, and the tables kernels cached on the layout.
 */
function disposeWeights(layer: BlockSparseMultiHeadAttention): void {
  for (const weight of layer.weights) weight.dispose();
  layer.layout?.dispose();
}

const CASES: Array<[string, Partial<BlockSparseMultiHeadAttentionArgs>, boolean]> = [
  ['a dense pattern', {pattern: {type: 'dense'}}, false],
  ['a dense causal pattern', {pattern: {type: 'dense'}, causal: true}, false],
  ['a sparse layout with an empty block row', {layout: sparseLayout()}, false],
  ['a local causal pattern with a key mask', {pattern: {type: 'local', windowBlocks: 1}, causal: true}, true],
];

describe(`layers: blockSparseMultiHeadAttention (seed ${seed})`, () => {
  CASES.forEach(([name, args, masked], index) => {
    it(`equals dense multi-head attention, forward and backward: ${name}`, async () => {
      const before = tf.memory().numTensors;
      const layer = randomLayer(args, 100 * index);
      const x = seededNormal([BATCH, S, FEATURES], seed + 7);
      const probe = seededNormal([BATCH, S, 11], seed + 8);
      // Position 0 is kept, so every causal query has a key left.
      const keyMask = masked ? tf.tensor2d(Array.from({length: BATCH * S}, (_, i) => i % S === 0 || (i * 7) % 5 !== 0 ? 1 : 0), [BATCH, S]) : undefined;
      const allowed = allowedScores(layer.layout!, layer.causal);
      const weights = layer.trainableWeights.map(w => w.read() as tf.Variable);
      const sparse = (xs: tf.Tensor) => layer.apply(xs, keyMask ? {mask: keyMask} : {}) as tf.Tensor;
      const dense = (xs: tf.Tensor, ws: tf.Tensor[]) => denseMultiHeadAttention(xs, weightsOf(layer, ws), allowed, keyMask);
      const [ySparse, yDense] = [sparse(x), dense(x, weights)];
      await expectClose(ySparse, yDense, 2e-5, 'outputs');

      const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, probe)) as tf.Scalar;
      // The layer reads its own variables; tf.grads over x and copies would miss them, so use variableGrads.
      const xVar = tf.variable(x);
      const {value, grads} = tf.variableGrads(() => loss(sparse(xVar)), [xVar, ...weights]);
      const denseGrads = tf.grads((xs: tf.Tensor, ...ws: tf.Tensor[]) => loss(dense(xs, ws)))([x, ...weights]);
      // Gradients sum many float32 terms in different orders on the two
      // sides: the tolerance grows with their size (the key bias's gradient
      // is zero in exact arithmetic, so it keeps an absolute floor).
      const expectGradientClose = async (a: tf.Tensor, b: tf.Tensor, what: string) => {
        const largest = Array.from(await b.data() as Float32Array).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        await expectClose(a, b, Math.max(1e-4, 2e-5 * largest), what);
      };
      await expectGradientClose(grads[xVar.name], denseGrads[0], 'd inputs');
      for (let i = 0; i < weights.length; i++) {
        await expectGradientClose(grads[weights[i].name], denseGrads[i + 1], `d ${layer.trainableWeights[i].name}`);
        const largest = tf.tidy(() => tf.max(tf.abs(grads[weights[i].name])));
        expect((await largest.data())[0], `${layer.trainableWeights[i].name} gets a gradient`).to.be.above(0);
        largest.dispose();
      }
      tf.dispose([value, ySparse, yDense, x, probe, keyMask, allowed, xVar, denseGrads, Object.values(grads)]);
      disposeWeights(layer);
      expect(tf.memory().numTensors, 'tensors left').to.equal(before);
    });
  });

  it('generates one layout per sequence length from a pattern, and checks a given layout\'s length', () => {
    const layer = blockSparseMultiHeadAttention({numHeads: 1, keyDim: 4, blockSize: 8, pattern: {type: 'local', windowBlocks: 1}, causal: true});
    tf.tidy(() => {
      expect((layer.apply(tf.ones([1, 24, 6])) as tf.Tensor).shape).to.deep.equal([1, 24, 6]);
      expect(layer.layout!.equals(localAttentionLayout({sequenceLength: 24, blockSize: 8, windowBlocks: 1, causal: true}))).to.equal(true);
      expect((layer.apply(tf.ones([2, 40, 6])) as tf.Tensor).shape).to.deep.equal([2, 40, 6]);
      expect(layer.layoutFor(24)).to.equal(layer.layoutFor(24));
      expect(layer.layout!.inputSize).to.equal(40);
      expectThrowsWith(() => layer.apply(tf.ones([1, 20, 6])), 'blockSparseMultiHeadAttention', 'inputs', 'multiple of blockSize 8', '20');
    });
    const fixed = blockSparseMultiHeadAttention({numHeads: 1, keyDim: 4, layout: localAttentionLayout({sequenceLength: 32, blockSize: 16})});
    tf.tidy(() => {
      expectThrowsWith(() => fixed.apply(tf.ones([1, 48, 6])), 'inputs', 'sequence length of 32', '48');
    });
    disposeWeights(layer);
    disposeWeights(fixed);
  });

  for (const via of ['memory', 'file'] as const) {
    it(`saves and loads through ${via} with identical predictions, layout and pattern kept`, async () => {
      const inputs = tf.input({shape: [S, FEATURES]});
      const withLayout = blockSparseMultiHeadAttention({numHeads: 2, keyDim: 8, layout: sparseLayout()});
      const withPattern = blockSparseMultiHeadAttention(
          {numHeads: 2, keyDim: 4, blockSize: 8, pattern: {type: 'bigbird', windowBlocks: 1, globalBlocks: 1, randomBlocks: 1, seed: 5}, causal: true});
      const model = tf.model({inputs, outputs: withPattern.apply(withLayout.apply(inputs)) as tf.SymbolicTensor});
      let loaded: tf.LayersModel;
      if (via === 'file') {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-mha-'));
        await model.save(modelDirectory(dir));
        loaded = await tf.loadLayersModel(modelDirectory(dir));
        fs.rmSync(dir, {recursive: true, force: true});
      } else {
        let saved: tf.io.ModelArtifacts|null = null;
        await model.save(tf.io.withSaveHandler(async artifacts => {
          saved = artifacts;
          return {modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts)};
        }));
        loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
      }
      const [first, second] = loaded.layers.slice(1) as BlockSparseMultiHeadAttention[];
      expect(first.layout!.equals(withLayout.layout!)).to.equal(true);
      expect(second.pattern).to.deep.equal(withPattern.pattern);
      expect(second.causal).to.equal(true);
      expect(second.layout!.equals(withPattern.layout!)).to.equal(true);
      const x = seededNormal([2, S, FEATURES], seed + 3);
      const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      await expectBitIdentical(a, b, 'predictions');
      tf.dispose([x, a, b]);
      model.dispose();
      loaded.dispose();
    });
  }

  const ERRORS: Array<[string, Partial<BlockSparseMultiHeadAttentionArgs>, ...string[]]> = [
    ['numHeads', {numHeads: 0}, 'numHeads', 'a positive integer', '0'],
    ['keyDim', {keyDim: 2.5}, 'keyDim', 'a positive integer', '2.5'],
    ['neither layout nor pattern', {pattern: undefined}, 'layout', 'exactly one', 'neither'],
    ['both layout and pattern', {layout: sparseLayout()}, 'layout', 'exactly one', 'both'],
    ['an unknown pattern type', {pattern: {type: 'ring'} as never}, 'pattern.type', 'local', 'ring'],
    ['an unknown pattern argument', {pattern: {type: 'local', stride: 2} as never}, 'pattern.stride', 'windowBlocks'],
    ['a bad block size', {blockSize: 12}, 'blockSize', '8, 16, 32, 64', '12'],
    ['a block size other than the layout\'s', {pattern: undefined, layout: sparseLayout(), blockSize: 8}, 'blockSize', '16', '8'],
    ['a causal layout with blocks above the diagonal', {pattern: undefined, layout: sparseLayout(), blockSize: undefined, causal: true}, 'layout', 'above the diagonal', 'block (0, 1)'],
  ];
  for (const [what, args, ...parts] of ERRORS) {
    it(`rejects ${what} with a message naming it`, () => {
      const before = tf.memory().numTensors;
      expectThrowsWith(() => blockSparseMultiHeadAttention(
          {numHeads: 2, keyDim: 4, blockSize: 16, pattern: {type: 'local'}, ...args} as BlockSparseMultiHeadAttentionArgs),
          'blockSparseMultiHeadAttention', ...parts);
      expect(tf.memory().numTensors).to.equal(before);
    });
  }
});
