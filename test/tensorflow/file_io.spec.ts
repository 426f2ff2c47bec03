/**
 * tfjs-node's own file:// handler (loaded with the tensorflow backend):
 * model.save then tf.loadLayersModel gives bit-identical predictions and the
 * layout survives. The other backends' runs use the repo's model-directory
 * handler (scripts/lib/model_directory.ts), and the two read each other's
 * directories.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import {modelDirectory} from '../../scripts/lib/model_directory';
import {BlockSparseDense, blockSparseDense} from '../../src/layers/exports';
import {expectBitIdentical, seededNormal} from '../layers/helpers';

function smallModel(): tf.LayersModel {
  return tf.sequential({
    layers: [blockSparseDense({inputShape: [16], units: 16, blockSize: 8, density: 0.5})],
  });
}

async function expectSameModel(a: tf.LayersModel, b: tf.LayersModel): Promise<void> {
  expect((b.layers[0] as BlockSparseDense).layout!.equals((a.layers[0] as BlockSparseDense).layout!)).to.equal(true);
  const x = seededNormal([3, 16], 6);
  const [ya, yb] = [a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor];
  await expectBitIdentical(ya, yb, 'predictions');
  tf.dispose([x, ya, yb]);
}

describe('layers: file:// save and load through tfjs-node', () => {
  it('round-trips a blockSparseDense model bit-identically, layout included', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-file-'));
    const url = `file://${dir}`;
    expect(tf.io.getSaveHandlers(url), 'tfjs-node registers file://').to.have.length(1);
    const model = smallModel();
    try {
      await model.save(url);
      const loaded = await tf.loadLayersModel(`${url}/model.json`);
      await expectSameModel(model, loaded);
      loaded.dispose();
    } finally {
      model.dispose();
      fs.rmSync(dir, {recursive: true, force: true});
    }
  });

  for (const [writer, reader] of [['file://', 'modelDirectory'], ['modelDirectory', 'file://']]) {
    it(`${reader} loads what ${writer} saved, bit-identically`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-file-'));
      const model = smallModel();
      try {
        await model.save(writer === 'file://' ? `file://${dir}` : modelDirectory(dir));
        const loaded = await tf.loadLayersModel(reader === 'file://' ? `file://${dir}/model.json` : modelDirectory(dir));
        await expectSameModel(model, loaded);
        loaded.dispose();
      } finally {
        model.dispose();
        fs.rmSync(dir, {recursive: true, force: true});
      }
    });
  }
});
