/**
 * tfjs-node's own file:// handler (loaded with the tensorflow backend):
 * model.save then tf.loadLayersModel gives bit-identical predictions and the
 * layout survives. The other backends' runs use test/layers/file_io.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import {BlockSparseDense, blockSparseDense} from '../../src/layers/exports';
import {expectBitIdentical, seededNormal} from '../layers/helpers';

describe('layers: file:// save and load through tfjs-node', () => {
  it('round-trips a blockSparseDense model bit-identically, layout included', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-file-'));
    const url = `file://${dir}`;
    expect(tf.io.getSaveHandlers(url), 'tfjs-node registers file://').to.have.length(1);
    const model = tf.sequential({
      layers: [blockSparseDense({inputShape: [16], units: 16, blockSize: 8, density: 0.5})],
    });
    try {
      await model.save(url);
      const loaded = await tf.loadLayersModel(`${url}/model.json`);
      expect((loaded.layers[0] as BlockSparseDense).layout!.equals((model.layers[0] as BlockSparseDense).layout!))
          .to.equal(true);
      const x = seededNormal([3, 16], 6);
      const [ya, yb] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      await expectBitIdentical(ya, yb, 'predictions');
      tf.dispose([x, ya, yb]);
      loaded.dispose();
    } finally {
      model.dispose();
      fs.rmSync(dir, {recursive: true, force: true});
    }
  });
});
