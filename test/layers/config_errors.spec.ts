/**
 * Bad configurations fail when the model is built, and weights that do not
 * fit a layer's layouts fail when they are set, each with a message naming
 * the argument (or the layer and weight), what was expected and what was
 * got, and without leaving tensors behind.
 */
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import {BlockLayout, randomLayout} from '../../src/index';
import {blockSparseDense, BlockSparseDenseArgs, blockSparseLSTM, BlockSparseLSTMArgs} from '../../src/layers/exports';

import {expectThrowsWith} from './helpers';

function buildDense(inputDim: number, args: Partial<BlockSparseDenseArgs>) {
  return () => tf.sequential({
    layers: [blockSparseDense(
        {inputShape: [inputDim], units: 16, ...args} as BlockSparseDenseArgs)]
  });
}

function buildLSTM(inputDim: number, args: Partial<BlockSparseLSTMArgs>) {
  return () => tf.sequential({
    layers: [blockSparseLSTM(
        {inputShape: [5, inputDim], units: 16, ...args} as BlockSparseLSTMArgs)]
  });
}

/** [what is wrong, the build that must fail, parts of its message] */
type Case = [string, () => unknown, ...string[]];

const denseCases: Case[] = [
  ['units not a multiple of blockSize',
   buildDense(16, {units: 20, blockSize: 8, density: 0.5}), 'blockSparseDense',
   `'units'`, 'multiple of blockSize 8', 'got 20'],
  ...[0, -0.5, 1.5].map((density): Case => [
    `density ${density} outside (0, 1]`, buildDense(16, {blockSize: 8, density}),
    `'density'`, 'a number in (0, 1]', `got ${density}`]),
  ['neither a layout nor a density', buildDense(16, {blockSize: 8}),
   `'density'`, 'given when no layout is given'],
  ['a layout whose shape does not match the input',
   buildDense(24, {layout: BlockLayout.dense(32, 16, 8)}), `'layout'`,
   'a layout of shape [24, 16]', 'got a layout of shape [32, 16]'],
  ['a layout whose columns do not match units',
   buildDense(32, {units: 24, layout: BlockLayout.dense(32, 16, 8)}),
   `'layout'`, '[32, 24]', 'got a layout of shape [32, 16]'],
  ['input features not a multiple of blockSize',
   buildDense(20, {blockSize: 8, density: 0.5}), `'inputShape'`,
   'multiple of blockSize 8', 'got [null, 20]'],
  ['an unsupported block size', buildDense(16, {blockSize: 12, density: 0.5}),
   `'blockSize'`, '8, 16, 32, 64', 'got 12'],
  ['an unknown layout type',
   buildDense(16, {blockSize: 8, density: 0.5, layoutType: 'fancy' as never}),
   `'layoutType'`, 'balanced', `got 'fancy'`],
];

const lstmCases: Case[] = [
  ['units not a multiple of blockSize when a kernel is sparse',
   buildLSTM(16, {units: 12, blockSize: 8, recurrentDensity: 0.5}),
   'blockSparseLSTMCell', `'units'`, 'multiple of blockSize 8', 'got 12'],
  ['a recurrent density outside (0, 1]',
   buildLSTM(16, {blockSize: 8, recurrentDensity: 0}), `'recurrentDensity'`,
   'a number in (0, 1]', 'got 0'],
  ['an input density outside (0, 1]',
   buildLSTM(16, {blockSize: 8, kernelDensity: 2}), `'kernelDensity'`,
   'a number in (0, 1]', 'got 2'],
  ['an input layout whose rows do not match the input',
   buildLSTM(24, {kernelLayout: BlockLayout.dense(16, 16, 8)}),
   `'kernelLayout'`, '[24, 16]', '[24, 64]', 'got a layout of shape [16, 16]'],
  ['a recurrent layout of the wrong shape',
   buildLSTM(16, {recurrentLayout: BlockLayout.dense(16, 32, 8)}),
   `'recurrentLayout'`, '[16, 16]', '[16, 64]',
   'got a layout of shape [16, 32]'],
  ['input features not a multiple of blockSize for a sparse kernel',
   buildLSTM(12, {blockSize: 8, kernelDensity: 0.5}), `'inputShape'`,
   'multiple of blockSize 8', 'got [null, 12]'],
  ['a sparse kernel without a block size',
   buildLSTM(16, {recurrentDensity: 0.5}), `'blockSize'`,
   'when a kernel is sparse'],
  ['dropout outside [0, 1)', buildLSTM(16, {dropout: 1}), `'dropout'`,
   '[0, 1)', 'got 1'],
];

/** Throws like `expectThrowsWith` and leaves tf.memory().numTensors as it was. */
function expectThrowsCleanly(fn: () => unknown, ...parts: string[]): Error {
  const before = tf.memory().numTensors;
  const error = expectThrowsWith(fn, ...parts);
  expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
  return error;
}

describe('layers: configuration errors', () => {
  for (const [layer, cases] of [
           ['blockSparseDense', denseCases], ['blockSparseLSTM', lstmCases]
  ] as const) {
    describe(layer, () => {
      for (const [what, build, ...parts] of cases) {
        it(what, () => expectThrowsWith(build, ...parts));
      }
    });
  }

  describe('weights that do not fit the layout', () => {
    const layout = randomLayout(
        {inputSize: 16, outputSize: 32, blockSize: 8, density: 0.5, seed: 1});

    it('blockSparseDense.setWeights: too many blocks, or too few tensors', () => {
      const layer = blockSparseDense({units: 32, layout, name: 'fc_1'});
      layer.apply(tf.zeros([1, 16]));
      const [kernel, bias] = layer.getWeights();  // the variables themselves
      const extra = tf.concat([kernel, tf.zeros([1, 8, 8])]);
      expectThrowsCleanly(
          () => layer.setWeights([extra, bias]), `blockSparseDense 'fc_1'`,
          `weight 'kernel' has ${layout.nnzBlocks + 1} blocks`,
          `its layout ${layout}`, `keeps ${layout.nnzBlocks}`);
      expectThrowsCleanly(
          () => layer.setWeights([kernel]), `blockSparseDense 'fc_1'`,
          'setWeights got 1 tensors', '2 weights (kernel, bias)');
      const shortBias = tf.zeros([31]);
      expectThrowsCleanly(
          () => layer.setWeights([kernel, shortBias]), `weight 'bias'`,
          'has shape [31]', 'expects [32]');
      tf.dispose([extra, shortBias]);
      layer.dispose();
    });

    it('blockSparseLSTM.setWeights: a recurrent kernel of another layout', () => {
      const lstm = blockSparseLSTM(
          {units: 16, blockSize: 8, recurrentDensity: 0.5, name: 'lstm_1'});
      lstm.apply(tf.zeros([1, 3, 16]));
      const [kernel, recurrent, bias] = lstm.getWeights();  // the variables
      const fewer = tf.slice(recurrent, 0, recurrent.shape[0] - 1);
      const kept = lstm.recurrentLayout!.nnzBlocks;
      expectThrowsCleanly(
          () => lstm.setWeights([kernel, fewer, bias]),
          `blockSparseLSTM 'lstm_1'`, `weight 'recurrent_kernel'`,
          `has ${kept - 1} blocks`, `its recurrentLayout ${lstm.recurrentLayout}`,
          `keeps ${kept}`);
      const wrongBlockSize = tf.zeros([kept, 4, 16]);
      expectThrowsCleanly(
          () => lstm.setWeights([kernel, wrongBlockSize, bias]),
          `weight 'recurrent_kernel' has shape [${kept},4,16]`,
          `needs [${kept},8,8]`);
      tf.dispose([fewer, wrongBlockSize]);
    });

    it('a corrupt bitsHex is quoted cut short, with its length', () => {
      // A 64 x 256 block mask: 4096 hex digits, one of them not hex.
      const json = BlockLayout.dense(512, 2048, 8).toJSON();
      const bitsHex = json.bitsHex.slice(0, -1) + 'g';
      const error = expectThrowsCleanly(
          buildLSTM(16, {recurrentLayout: {...json, bitsHex}}),
          `'recurrentLayout' is not a valid layout`, `'json.bitsHex'`,
          'a lowercase hex string', '... (4096 characters)');
      expect(error.message.length).to.be.below(400);
    });
  });
});
