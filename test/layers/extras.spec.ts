/**
 * The sparse-aware extras: the default initializer's per-column fan-in, the
 * summary with density and parameter counts, magnitude pruning of a trained
 * dense layer, and the package's `layers` namespace.
 */
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import * as tfbs from '../../src/index';
import {BlockLayout} from '../../src/index';
import {BlockSparseDense, blockSparseDense, blockSparseLSTM, blockSparseSummary, denseWeights, pruneDense} from '../../src/layers/exports';

import {expectClose, seededNormal} from './helpers';

/** Standard deviation and max |w| of the kernel entries in each block column. */
async function columnStats(layer: BlockSparseDense):
    Promise<Array<{std: number, maxAbs: number}>> {
  const layout = layer.layout!;
  const b = layout.blockSize;
  const values = await layer.getWeights()[0].data();
  const sums = new Array(layout.blockCols).fill(0);
  const counts = new Array(layout.blockCols).fill(0);
  const maxAbs = new Array(layout.blockCols).fill(0);
  for (let v = 0; v < layout.nnzBlocks; v++) {
    const n = layout.blockCol[v];
    for (let i = 0; i < b * b; i++) {
      const w = values[v * b * b + i];
      sums[n] += w * w;
      counts[n]++;
      maxAbs[n] = Math.max(maxAbs[n], Math.abs(w));
    }
  }
  return sums.map((s, n) => ({std: Math.sqrt(s / counts[n]), maxAbs: maxAbs[n]}));
}

describe('layers: extras', () => {
  it('the default kernel initializer uses each column\'s real fan-in', async () => {
    // Column 0 keeps all 8 blocks (fan-in 64), column 1 two (fan-in 16).
    const mask = Array.from({length: 8}, (_, k) => [1, k < 2 ? 1 : 0]);
    const layout = BlockLayout.fromMask(mask, 8);
    const layer = blockSparseDense({units: 16, layout});
    layer.apply(tf.zeros([1, 64]));
    const [dense, sparse] = await columnStats(layer);
    // Uniform with variance 1 / fanIn: limit sqrt(3 / fanIn), std 1/sqrt(fanIn).
    expect(dense.maxAbs).to.be.at.most(Math.sqrt(3 / 64) + 1e-6);
    expect(sparse.maxAbs).to.be.at.most(Math.sqrt(3 / 16) + 1e-6);
    expect(dense.std).to.be.closeTo(1 / 8, 0.015);
    expect(sparse.std).to.be.closeTo(1 / 4, 0.03);
  });

  it('a tfjs initializer sees the dense [K, N] matrix', async () => {
    const layout = BlockLayout.dense(16, 16, 8);
    const sparse = blockSparseDense(
        {units: 16, layout, kernelInitializer: tf.initializers.glorotUniform({seed: 3})});
    const dense = tf.layers.dense(
        {units: 16, kernelInitializer: tf.initializers.glorotUniform({seed: 3})});
    const x = tf.zeros([1, 16]);
    sparse.apply(x);
    dense.apply(x);
    const [kernel] = denseWeights(sparse);
    await expectClose(kernel, dense.getWeights()[0], 0, 'initial kernel');
    tf.dispose([x, kernel]);
  });

  it('layer.layout and density, and the summary shows them', () => {
    const model = tf.sequential({
      layers: [
        blockSparseDense(
            {inputShape: [64], units: 64, blockSize: 16, density: 0.25,
             name: 'sparse_fc'}),
      ]
    });
    const layer = model.layers[0] as BlockSparseDense;
    expect(layer.layout!.nnzBlocks).to.equal(4);
    expect(layer.density).to.equal(0.25);
    expect(layer.countParams()).to.equal(4 * 16 * 16 + 64);
    const printed: string[] = [];
    const lines = blockSparseSummary(model, line => printed.push(line));
    expect(lines).to.deep.equal(printed);
    const text = lines.join('\n');
    expect(text).to.contain('sparse_fc (BlockSparseDense 25.0%)');
    expect(text).to.contain(String(4 * 16 * 16 + 64));  // the Param # column
    expect(text).to.match(/sparse_fc\/kernel\s+\[64,64\]\s+16\s+4\/16\s+0\.2500\s+1024 \/ 4096/);
    // The class name is only patched while printing.
    expect(layer.getClassName()).to.equal('BlockSparseDense');
  });

  it('the LSTM shows both kernels in the summary', () => {
    const model = tf.sequential({
      layers: [blockSparseLSTM({
        inputShape: [5, 16], units: 16, blockSize: 8, kernelDensity: 0.5,
        recurrentDensity: 0.25, name: 'rnn'
      })]
    });
    const text = blockSparseSummary(model, () => {}).join('\n');
    expect(text).to.match(/rnn\/kernel\s+\[16,64\]\s+8\s+8\/16/);
    expect(text).to.match(/rnn\/recurrent_kernel\s+\[16,64\]\s+8\s+4\/16/);
  });

  it('pruneDense keeps the strongest blocks of a trained dense layer', async () => {
    const dense = tf.layers.dense({units: 16, inputShape: [32], activation: 'relu'});
    const model = tf.sequential({layers: [dense]});
    // Make two blocks clearly the strongest.
    const kernel = tf.tidy(() => {
      const base = tf.mul(seededNormal([32, 16], 1), 0.01);
      const strong = tf.pad(tf.ones([8, 8]), [[8, 16], [8, 0]]);
      const strong2 = tf.pad(tf.ones([8, 8]), [[24, 0], [0, 8]]);
      return tf.add(base, tf.add(strong, strong2));
    });
    dense.setWeights([kernel, seededNormal([16], 2)]);
    const sparse = await pruneDense(dense, {blockSize: 8, density: 2 / 8});
    const pruned = tf.sequential(
        {layers: [tf.layers.inputLayer({inputShape: [32]}), sparse]});
    expect(sparse.layout!.toMaskArray()).to.deep.equal(
        [[0, 0], [0, 1], [0, 0], [1, 0]]);
    // Same function as the dense layer with its kernel zeroed off the layout.
    const masked = denseWeights(sparse);
    dense.setWeights(masked);
    const x = seededNormal([4, 32], 3);
    await expectClose(
        pruned.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor, 1e-5);
    tf.dispose([kernel, x, ...masked]);
  });

  it('the package exports layers and initializers in tfjs style', () => {
    expect(tfbs.layers.blockSparseDense).to.be.a('function');
    expect(tfbs.layers.blockSparseLSTM).to.be.a('function');
    expect(tfbs.layers.blockSparseLSTMCell).to.be.a('function');
    expect(tfbs.initializers.blockVarianceScaling).to.be.a('function');
    expect(new tfbs.BlockSparseDense({units: 8, blockSize: 8, density: 1}))
        .to.be.instanceOf(tf.layers.Layer);
    expect(tfbs.BlockSparseDense.className).to.equal('BlockSparseDense');
  });
});
