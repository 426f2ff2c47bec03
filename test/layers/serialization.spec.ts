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

import {modelDirectory as fileHandler} from '../../scripts/lib/model_directory';
import {expectBitIdentical, seededNormal} from './helpers';

async function saveInMemory(model: tf.LayersModel):
    Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts|null = null;
  await model.save(tf.io.withSaveHandler(async artifacts => {
    saved = artifacts;
    return {modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts)};
  }));
  return saved!;
}

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
  return tf.loadLayersModel(tf.io.fromMemory(await saveInMemory(model)));
}

/** The saved config of the model's first layer, as model.json holds it. */
function firstLayerConfig(artifacts: tf.io.ModelArtifacts):
    Record<string, unknown> {
  const topology = artifacts.modelTopology as
      {config: {layers: Array<{config: Record<string, unknown>}>}};
  return topology.config.layers[0].config;
}

/** The error `loadLayersModel` rejects with. */
async function loadError(artifacts: tf.io.ModelArtifacts): Promise<Error> {
  try {
    await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    return error as Error;
  }
  throw new Error('the model loaded');
}

/** A layout in model.json's snake_case form. */
function savedLayout(layout: BlockLayout): Record<string, unknown> {
  const {format, blockSize, blockRows, blockCols, bitsHex} = layout.toJSON();
  return {
    format,
    block_size: blockSize,
    block_rows: blockRows,
    block_cols: blockCols,
    bits_hex: bitsHex
  };
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

  describe('a model.json edited by hand', () => {
    const lstmModel = () => tf.sequential({
      layers: [blockSparseLSTM({
        inputShape: [3, 16], units: 16, blockSize: 8, recurrentDensity: 0.5,
        name: 'lstm_1'
      })]
    });

    it('a layout that no longer matches the weights names the layer, the ' +
           'weight and the layout',
       async () => {
         const model = lstmModel();
         const kept = (model.layers[0] as BlockSparseLSTM).recurrentLayout!;
         const artifacts = await saveInMemory(model);
         const fewer = randomLayout(
             {inputSize: 16, outputSize: 64, blockSize: 8, density: 0.25,
              seed: 1});
         firstLayerConfig(artifacts)['recurrent_layout'] = savedLayout(fewer);
         // Not checked here: when loading fails, tfjs's loadLayersModel
         // leaves the model it built and the decoded weights behind. The
         // same check on setWeights leaks nothing (config_errors.spec.ts).
         const error = await loadError(artifacts);
         for (const part of [
                  `blockSparseLSTM 'lstm_1'`, `weight 'recurrent_kernel'`,
                  `has ${kept.nnzBlocks} blocks`,
                  `its recurrentLayout ${fewer}`, `keeps ${fewer.nnzBlocks}`]) {
           expect(error.message).to.contain(part);
         }
         model.dispose();
       });

    it('a corrupt bits_hex fails quoted cut short, and leaves no tensors',
       async () => {
         const model = lstmModel();
         const artifacts = await saveInMemory(model);
         model.dispose();
         // A 64 x 256 block mask: 4096 hex digits, the last one not hex.
         const long = savedLayout(BlockLayout.dense(512, 2048, 8));
         long['bits_hex'] = (long['bits_hex'] as string).slice(0, -1) + 'g';
         firstLayerConfig(artifacts)['recurrent_layout'] = long;
         const before = tf.memory().numTensors;
         const error = await loadError(artifacts);
         expect(error.message).to.contain(`'recurrentLayout' is not a valid`);
         expect(error.message).to.contain('... (4096 characters)');
         expect(error.message.length).to.be.below(400);
         expect(tf.memory().numTensors).to.equal(before);
       });
  });
});
