/**
 * Bad configurations fail when the model is built, with a message naming the
 * argument, what was expected and what was got.
 */
import * as tf from '@tensorflow/tfjs';

import {BlockLayout} from '../../src/index';
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

describe('layers: configuration errors', () => {
  describe('blockSparseDense', () => {
    it('units not a multiple of blockSize', () => {
      expectThrowsWith(
          buildDense(16, {units: 20, blockSize: 8, density: 0.5}),
          'blockSparseDense', `'units'`, 'multiple of blockSize 8', 'got 20');
    });

    it('density outside (0, 1]', () => {
      for (const density of [0, -0.5, 1.5]) {
        expectThrowsWith(
            buildDense(16, {blockSize: 8, density}), `'density'`,
            'a number in (0, 1]', `got ${density}`);
      }
    });

    it('neither a layout nor a density', () => {
      expectThrowsWith(
          buildDense(16, {blockSize: 8}), `'density'`,
          'given when no layout is given');
    });

    it('a layout whose shape does not match the input', () => {
      expectThrowsWith(
          buildDense(24, {layout: BlockLayout.dense(32, 16, 8)}), `'layout'`,
          'a layout of shape [24, 16]', 'got a layout of shape [32, 16]');
    });

    it('a layout whose columns do not match units', () => {
      expectThrowsWith(
          buildDense(32, {units: 24, layout: BlockLayout.dense(32, 16, 8)}),
          `'layout'`, '[32, 24]', 'got a layout of shape [32, 16]');
    });

    it('input features not a multiple of blockSize', () => {
      expectThrowsWith(
          buildDense(20, {blockSize: 8, density: 0.5}), `'inputShape'`,
          'multiple of blockSize 8', 'got [null, 20]');
    });

    it('an unsupported block size or layout type', () => {
      expectThrowsWith(
          buildDense(16, {blockSize: 12, density: 0.5}), `'blockSize'`,
          '8, 16, 32, 64', 'got 12');
      expectThrowsWith(
          buildDense(16, {blockSize: 8, density: 0.5,
                          layoutType: 'fancy' as never}),
          `'layoutType'`, 'balanced', `got 'fancy'`);
    });
  });

  describe('blockSparseLSTM', () => {
    it('units not a multiple of blockSize when a kernel is sparse', () => {
      expectThrowsWith(
          buildLSTM(16, {units: 12, blockSize: 8, recurrentDensity: 0.5}),
          'blockSparseLSTMCell', `'units'`, 'multiple of blockSize 8',
          'got 12');
    });

    it('densities outside (0, 1]', () => {
      expectThrowsWith(
          buildLSTM(16, {blockSize: 8, recurrentDensity: 0}),
          `'recurrentDensity'`, 'a number in (0, 1]', 'got 0');
      expectThrowsWith(
          buildLSTM(16, {blockSize: 8, kernelDensity: 2}), `'kernelDensity'`,
          'a number in (0, 1]', 'got 2');
    });

    it('an input layout whose rows do not match the input', () => {
      expectThrowsWith(
          buildLSTM(24, {kernelLayout: BlockLayout.dense(16, 16, 8)}),
          `'kernelLayout'`, '[24, 16]', '[24, 64]',
          'got a layout of shape [16, 16]');
    });

    it('a recurrent layout of the wrong shape', () => {
      expectThrowsWith(
          buildLSTM(16, {recurrentLayout: BlockLayout.dense(16, 32, 8)}),
          `'recurrentLayout'`, '[16, 16]', '[16, 64]',
          'got a layout of shape [16, 32]');
    });

    it('input features not a multiple of blockSize for a sparse kernel', () => {
      expectThrowsWith(
          buildLSTM(12, {blockSize: 8, kernelDensity: 0.5}), `'inputShape'`,
          'multiple of blockSize 8', 'got [null, 12]');
    });

    it('a sparse kernel without a block size', () => {
      expectThrowsWith(
          buildLSTM(16, {recurrentDensity: 0.5}), `'blockSize'`,
          'when a kernel is sparse');
    });

    it('dropout outside [0, 1)', () => {
      expectThrowsWith(
          buildLSTM(16, {dropout: 1}), `'dropout'`, '[0, 1)', 'got 1');
    });
  });
});
