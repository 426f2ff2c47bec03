/**
 * BlockSparseDense computes tf.layers.dense's function: with a dense layout
 * exactly, and with a sparse layout the function of the dense layer whose
 * kernel is zero off the layout. Outputs and gradients (input, kernel, bias)
 * agree within 1e-5.
 */
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import {blocksToDense, BlockLayout, randomLayout} from '../../src/index';
import {BlockSparseDense, blockSparseDense, denseWeights, setDenseWeights} from '../../src/layers/exports';

import {expectClose, gradientsOf, seededNormal} from './helpers';

async function checkAgainstDense(
    sparse: BlockSparseDense, activation: 'linear'|'relu'|'tanh',
    inputShape: number[], useBias = true): Promise<void> {
  const units = sparse.units;
  const dense = tf.layers.dense({units, activation, useBias});
  const x = seededNormal(inputShape, 1);
  sparse.apply(x);
  dense.apply(x);
  // Random dense weights, then the sparse layer takes its blocks and the
  // dense layer the same values with zeros off the layout.
  setDenseWeights(sparse, dense.getWeights());
  const masked = denseWeights(sparse);
  dense.setWeights(masked);

  await expectClose(
      sparse.apply(x) as tf.Tensor, dense.apply(x) as tf.Tensor, 1e-5,
      'outputs');

  const probe = seededNormal([...inputShape.slice(0, -1), units], 2);
  const s = gradientsOf(sparse, x, probe);
  const d = gradientsOf(dense, x, probe);
  await expectClose(s.dx, d.dx, 1e-5, 'input gradient');
  // The sparse kernel gradient is the dense one restricted to the layout.
  await expectClose(
      blocksToDense(s.dVars[0], sparse.layout!),
      tf.mul(d.dVars[0], blocksToDense(tf.onesLike(s.dVars[0]), sparse.layout!)),
      1e-5, 'kernel gradient');
  if (useBias) await expectClose(s.dVars[1], d.dVars[1], 1e-5, 'bias gradient');
  tf.dispose([x, probe, s.dx, d.dx, ...s.dVars, ...d.dVars, ...masked]);
}

describe('layers: blockSparseDense equals tf.layers.dense', () => {
  it('with a dense layout (outputs and gradients within 1e-5)', async () => {
    const layer = blockSparseDense(
        {units: 48, layout: BlockLayout.dense(32, 48, 16), activation: 'tanh'});
    await checkAgainstDense(layer, 'tanh', [5, 32]);
  });

  it('with a sparse layout, against the masked dense kernel', async () => {
    const layout = randomLayout(
        {inputSize: 64, outputSize: 32, blockSize: 8, density: 0.3, seed: 5});
    const layer = blockSparseDense({units: 32, layout, activation: 'relu'});
    await checkAgainstDense(layer, 'relu', [7, 64]);
  });

  it('on rank-3 inputs and without bias', async () => {
    const layer = blockSparseDense(
        {units: 16, blockSize: 8, density: 0.5, useBias: false, seed: 3});
    await checkAgainstDense(layer, 'linear', [2, 3, 24], false);
    expect(layer.getWeights().length).to.equal(1);
  });

  it('denseWeights exports the kernel as a dense [K, N] matrix', async () => {
    const layer = blockSparseDense({units: 16, blockSize: 8, density: 0.5});
    layer.apply(tf.zeros([1, 16]));
    const [kernel, bias] = denseWeights(layer);
    expect(kernel.shape).to.deep.equal([16, 16]);
    expect(bias.shape).to.deep.equal([16]);
    // Zero exactly where the layout has no block.
    const values = await kernel.data();
    const layout = layer.layout!;
    for (let i = 0; i < 16; i++) {
      for (let j = 0; j < 16; j++) {
        if (!layout.has(Math.floor(i / 8), Math.floor(j / 8))) {
          expect(values[i * 16 + j]).to.equal(0);
        }
      }
    }
    tf.dispose([kernel, bias]);
  });
});
