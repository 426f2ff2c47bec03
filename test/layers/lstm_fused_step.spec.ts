/**
 * Which step a blockSparseLSTM runs: the fused BlockSparseLSTMStep kernel
 * (and its backward) when the recurrent kernel is block-sparse with sigmoid
 * gates and a tanh cell, the step composed of tfjs ops otherwise.
 */
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import {BlockSparseLSTMStep, BlockSparseLSTMStepBackward} from '../../src/index';
import {blockSparseLSTM, BlockSparseLSTMArgs} from '../../src/layers/exports';

import {FALLBACK_BACKENDS} from '../../src/register';
import {requestedBackend} from '../setup/backends';
import {runTensorflowPath} from '../setup/tensorflow_path';

import {seededNormal} from './helpers';

/**
 * Whether this run's step kernels are composed of tfjs ops (webgl, wasm, and
 * tensorflow's composed path): tf.profile then also lists the ops inside them.
 */
function stepKernelsComposed(): boolean {
  const backend = requestedBackend();
  return (FALLBACK_BACKENDS as readonly string[]).includes(backend) ||
      (backend === 'tensorflow' && runTensorflowPath() === 'composed');
}

/** The kernels one training step of a model around the layer runs. */
async function kernelsOfTrainingStep(args: BlockSparseLSTMArgs): Promise<Set<string>> {
  const model = tf.sequential({layers: [blockSparseLSTM({inputShape: [4, 16], ...args})]});
  model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const x = seededNormal([2, 4, 16], 1), y = seededNormal([2, args.units], 2);
  const info = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  tf.dispose([x, y]);
  model.dispose();
  return new Set(info.kernelNames);
}

describe('layers: blockSparseLSTM runs the fused step where it can', () => {
  const sparse = {units: 32, blockSize: 8, recurrentDensity: 0.5, seed: 3};

  it('a block-sparse recurrent kernel: one fused kernel per step forward and backward', async () => {
    const kernels = await kernelsOfTrainingStep(sparse);
    expect(kernels.has(BlockSparseLSTMStep), [...kernels].join(', ')).to.equal(true);
    expect(kernels.has(BlockSparseLSTMStepBackward), [...kernels].join(', ')).to.equal(true);
    // The gate math lives in the fused kernels, not in tfjs ops (except
    // inside a composed step kernel, which tf.profile lists too).
    if (!stepKernelsComposed()) {
      expect(kernels.has('Sigmoid'), [...kernels].join(', ')).to.equal(false);
    }
  });

  it('with input and recurrent dropout it still fuses', async () => {
    const kernels = await kernelsOfTrainingStep({...sparse, dropout: 0.2, recurrentDropout: 0.2});
    expect(kernels.has(BlockSparseLSTMStep)).to.equal(true);
  });

  for (const recurrentDropout of [0.2, 0]) {
    // Without recurrent dropout the step kernels apply the timestep mask;
    // with it, tfjs ops around them do.
    const maskInKernels = recurrentDropout === 0;
    it(`trains a masked model with recurrentDropout ${recurrentDropout}: the loss falls, no leaks, the mask ${
           maskInKernels ? 'goes to' : 'stays out of'} the step kernels`,
       async () => {
         // Masks and dropout reach the fused recurrence's gradient after the
         // layer's tidy has freed them: a training step must not touch them.
         // tf.layers.masking rather than an embedding: wasm has no kernel for
         // the embedding's gradient (UnsortedSegmentSum).
         const model = tf.sequential({layers: [
           tf.layers.masking({maskValue: 0, inputShape: [5, 16]}),
           blockSparseLSTM({...sparse, recurrentDropout, dropout: 0.1}),
           tf.layers.dense({units: 1}),
         ]});
         model.compile({optimizer: tf.train.adam(0.01), loss: 'meanSquaredError'});
         // Rows padded (all-zero timesteps) after 2, 5 and 1 steps.
         const lengths = [2, 5, 1];
         const tokens = tf.tidy(() => tf.mul(seededNormal([3, 5, 16], 3),
             tf.tensor3d(lengths.flatMap(n => [0, 1, 2, 3, 4].map(t => t < n ? 1 : 0)), [3, 5, 1])));
         const targets = tf.tensor2d([[1], [-1], [0.5]]);
         let first = 0;
         const profile = await tf.profile(async () => {
           first = await model.trainOnBatch(tokens, targets) as number;
         });
         const stepKernels = profile.kernels.filter(
             k => k.name === BlockSparseLSTMStep || k.name === BlockSparseLSTMStepBackward);
         expect(stepKernels.length, 'step kernels, forward and backward').to.equal(10);
         for (const kernel of stepKernels) {
           // The mask is the one [batch, 1] input.
           const hasMask = kernel.inputShapes.some(shape => shape.length === 2 && shape[1] === 1);
           expect(hasMask, `${kernel.name} inputs ${JSON.stringify(kernel.inputShapes)}`).to.equal(maskInKernels);
         }
         const before = tf.memory().numTensors;
         let last = first;
         for (let i = 0; i < 30; i++) last = await model.trainOnBatch(tokens, targets) as number;
         expect(tf.memory().numTensors).to.equal(before);
         expect(last).to.be.below(first);
         tf.dispose([tokens, targets]);
         model.dispose();
       });
  }

  it('hardSigmoid gates or a dense recurrent kernel: the composed step', async () => {
    for (const args of [{...sparse, recurrentActivation: 'hardSigmoid' as const}, {units: 32}]) {
      const kernels = await kernelsOfTrainingStep(args);
      expect(kernels.has(BlockSparseLSTMStep), JSON.stringify(args)).to.equal(false);
    }
  });
});
