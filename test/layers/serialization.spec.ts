/**
 * Save and load: model.save then tf.loadLayersModel gives bit-identical
 * predictions, and every layout survives (it travels in the layer config,
 * not regenerated from a seed).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import {BlockLayout, randomLayout} from '../../src/index';
import {BlockSparseDense, blockSparseDense, BlockSparseLSTM, blockSparseLSTM, BlockSparseLSTMCell, blockSparseLSTMCell, layoutFromConfig, layoutToConfig} from '../../src/layers/exports';

import {fileHandler} from './file_io';
import {expectBitIdentical, seededNormal} from './helpers';

async function roundTrip(model: tf.LayersModel, via: 'file'|'memory'):
    Promise<tf.LayersModel> {
  if (via === 'file') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-layers-'));
    try {
      await model.save(fileHandler(dir));
      return await tf.loadLayersModel(fileHandler(dir));
    } finally {
      fs.rmSync(dir, {recursive: true, force: true});
    }
  }
  let saved: tf.io.ModelArtifacts|null = null;
  await model.save(tf.io.withSaveHandler(async artifacts => {
    saved = artifacts;
    return {modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts)};
  }));
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

async function expectSamePredictions(
    a: tf.LayersModel, b: tf.LayersModel, x: tf.Tensor): Promise<void> {
  const ya = a.predict(x) as tf.Tensor, yb = b.predict(x) as tf.Tensor;
  await expectBitIdentical(ya, yb, 'predictions');
  tf.dispose([ya, yb]);
}

describe('layers: save and load', () => {
  it('layout config survives tfjs\'s snake_case/camelCase conversion', () => {
    const layout = randomLayout(
        {inputSize: 128, outputSize: 64, blockSize: 8, density: 0.3, seed: 4});
    const config = layoutToConfig(layout);
    expect(config.bitsHex).to.match(/^[0-9a-f]+$/);
    expect(layoutFromConfig(config, 'test', 'layout').equals(layout))
        .to.equal(true);
    // Its toJSON() form is accepted as well.
    expect(layoutFromConfig(layout.toJSON(), 'test', 'layout').equals(layout))
        .to.equal(true);
  });

  for (const via of ['file', 'memory'] as const) {
    it(`blockSparseDense model, via ${via}: bit-identical, layout kept`,
       async () => {
         const model = tf.sequential({
           layers: [
             blockSparseDense({
               inputShape: [32], units: 64, blockSize: 8, density: 0.3,
               layoutType: 'barabasiAlbert', seed: 7, activation: 'relu',
               kernelRegularizer: tf.regularizers.l2({l2: 1e-3}),
             }),
             tf.layers.dense({units: 3, activation: 'softmax'}),
           ]
         });
         const loaded = await roundTrip(model, via);
         const [original, copy] =
             [model, loaded].map(m => m.layers[0] as BlockSparseDense);
         expect(copy).to.be.instanceOf(BlockSparseDense);
         expect(copy.layout!.equals(original.layout!)).to.equal(true);
         expect(copy.getConfig()['layoutType']).to.equal('barabasiAlbert');
         const x = seededNormal([5, 32], 3);
         await expectSamePredictions(model, loaded, x);
         tf.dispose([x]);
         model.dispose();
         loaded.dispose();
       });

    it(`blockSparseLSTM model with masking, via ${via}: bit-identical`,
       async () => {
         const recurrentLayout = randomLayout(
             {inputSize: 16, outputSize: 64, blockSize: 8, density: 0.5,
              seed: 8});
         const model = tf.sequential({
           layers: [
             tf.layers.embedding(
                 {inputDim: 30, outputDim: 16, maskZero: true, inputLength: 6}),
             blockSparseLSTM({
               units: 16, blockSize: 8, kernelDensity: 0.5, recurrentLayout,
               unitForgetBias: true, returnSequences: true, goBackwards: true,
             }),
             tf.layers.dense({units: 2}),
           ]
         });
         const loaded = await roundTrip(model, via);
         const [original, copy] =
             [model, loaded].map(m => m.layers[1] as BlockSparseLSTM);
         expect(copy).to.be.instanceOf(BlockSparseLSTM);
         expect(copy.kernelLayout!.equals(original.kernelLayout!)).to.equal(true);
         expect(copy.recurrentLayout!.equals(recurrentLayout)).to.equal(true);
         expect(copy.goBackwards).to.equal(true);
         const tokens = tf.tensor2d(
             [[1, 2, 3, 0, 0, 0], [4, 5, 6, 7, 8, 9]], undefined, 'float32');
         await expectSamePredictions(model, loaded, tokens);
         tokens.dispose();
         model.dispose();
         loaded.dispose();
       });
  }

  it('a BlockSparseLSTMCell inside tf.layers.rnn round-trips', async () => {
    const cell = blockSparseLSTMCell({
      units: 16, blockSize: 8,
      kernelLayout: BlockLayout.dense(8, 16, 8), recurrentDensity: 0.5,
    });
    const model = tf.sequential({
      layers: [tf.layers.rnn({cell, inputShape: [4, 8]})],
    });
    const loaded = await roundTrip(model, 'memory');
    const copy = (loaded.layers[0] as unknown as {cell: BlockSparseLSTMCell}).cell;
    expect(copy).to.be.instanceOf(BlockSparseLSTMCell);
    expect(copy.recurrentLayout!.equals(cell.recurrentLayout!)).to.equal(true);
    const x = seededNormal([2, 4, 8], 5);
    await expectSamePredictions(model, loaded, x);
    x.dispose();
    model.dispose();
    loaded.dispose();
  });

  it('getConfig carries the layout in compact form', () => {
    const layer = blockSparseDense({units: 16, blockSize: 8, density: 0.5});
    layer.apply(tf.zeros([1, 24]));
    const config = layer.getConfig();
    expect(config['layout']).to.have.property('bitsHex');
    const copy = BlockSparseDense.fromConfig(
        BlockSparseDense, config) as BlockSparseDense;
    expect(copy.layout!.equals(layer.layout!)).to.equal(true);
  });
});
