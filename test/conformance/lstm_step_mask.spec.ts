/**
 * The step kernels' optional timestep mask (BlockSparseLSTMStep and
 * BlockSparseLSTMStepBackward called directly, as the fused LSTM layer
 * calls them) against the float64 reference: rows whose mask is 0 keep
 * their state and pass their gradient straight back; the other rows step.
 * Over the block sizes, the conformance layouts (empty block rows and
 * columns included) and batches of 1 (stepping and kept), 7 and 53.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {BlockSparseLSTMStep, BlockSparseLSTMStepBackward} from '../../src/kernel_names';
import {toNamedAttrMap} from '../../src/kernels/define_kernel';
import {BlockLayout} from '../../src/layout/block_layout';
import {maskedLSTMStep64, maskedLSTMStepGradients64} from '../util/lstm_reference';
import {randomRowMask, randomStep, stepTensors} from '../util/lstm_steps';
import {conformanceLayouts} from '../util/layouts';
import {createRng, freshSeed, randomNormal, Rng} from '../util/random';
import {relativeError} from '../util/reference';

import {TOLERANCE} from './cases';

const GRIDS = [
  {blockSize: 8, blockRows: 3},
  {blockSize: 16, blockRows: 2},
  {blockSize: 32, blockRows: 2},
  {blockSize: 64, blockRows: 1},
];

/** Row masks: a single row stepping and kept, then mixed batches. */
function masksFor(rng: Rng): Float32Array[] {
  return [Float32Array.of(1), Float32Array.of(0), randomRowMask(7, rng), randomRowMask(53, rng)];
}

/** Both kernels with the mask; upstream gradients rh and rc. Returns [h, c, gates, dz, dhPrev, dcPrev]. */
async function runMaskedKernels(
    layout: BlockLayout, inputs: tf.Tensor[], mask: Float32Array, rh: Float32Array,
    rc: Float32Array): Promise<Float32Array[]> {
  const batch = mask.length, units = layout.inputSize;
  const [z, hPrev, cPrev, w] = inputs;
  const maskT = tf.tensor2d(mask, [batch, 1]);
  const [h, c, gates] = tf.engine().runKernel(
                            BlockSparseLSTMStep, {z, hPrev, cPrev, w, mask: maskT},
                            toNamedAttrMap(BlockSparseLSTMStep, {layout})) as tf.Tensor[];
  const dh = tf.tensor2d(rh, [batch, units]), dc = tf.tensor2d(rc, [batch, units]);
  const backward = tf.engine().runKernel(
                       BlockSparseLSTMStepBackward, {dh, dc, c, gates, cPrev, w, mask: maskT},
                       toNamedAttrMap(BlockSparseLSTMStepBackward, {layout})) as tf.Tensor[];
  const outputs = [h, c, gates, ...backward];
  const values = await Promise.all(outputs.map(t => t.data() as Promise<Float32Array>));
  tf.dispose([maskT, dh, dc, ...outputs]);
  return values;
}

describe(`fused LSTM step kernels with a timestep mask on ${process.env.TFJS_BACKEND ?? 'cpu'}`, () => {
  for (const grid of GRIDS) {
    const seed = freshSeed();
    const rng = createRng(seed);
    const units = grid.blockRows * grid.blockSize;
    for (const {name, layout} of conformanceLayouts(grid.blockRows, 4 * grid.blockRows, grid.blockSize, rng)) {
      it(`masked rows keep their state and pass their gradient back: b=${grid.blockSize} units=${units} ${
             name} (seed ${seed})`,
         async () => {
           for (const mask of masksFor(rng)) {
             const batch = mask.length;
             const s = randomStep(layout, batch, rng);
             const rh = randomNormal(batch * units, rng), rc = randomNormal(batch * units, rng);
             const inputs = stepTensors(s);
             const before = tf.memory().numTensors;
             const [h, c, gates, dz, dhPrev, dcPrev] = await runMaskedKernels(layout, inputs, mask, rh, rc);
             expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
             const forward = maskedLSTMStep64(s, mask);
             const gradients = maskedLSTMStepGradients64(s, mask, rh, rc);
             const at = `batch ${batch}, mask ${Array.from(mask).join('')}`;
             expect(relativeError(h, forward.h), `h, ${at}`).to.be.below(TOLERANCE);
             expect(relativeError(c, forward.c), `c, ${at}`).to.be.below(TOLERANCE);
             expect(relativeError(gates, forward.gates), `gates, ${at}`).to.be.below(TOLERANCE);
             expect(relativeError(dz, gradients.dz), `dz, ${at}`).to.be.below(TOLERANCE);
             expect(relativeError(dhPrev, gradients.dhPrev), `dhPrev, ${at}`).to.be.below(TOLERANCE);
             expect(relativeError(dcPrev, gradients.dcPrev), `dcPrev, ${at}`).to.be.below(TOLERANCE);
             // Exactly: a kept row's state and gradient are copied, not computed.
             for (let m = 0; m < batch; m++) {
               if (mask[m] !== 0) continue;
               const row = (values: Float32Array) => Array.from(values.subarray(m * units, (m + 1) * units));
               expect(row(h), `h of kept row ${m}, ${at}`).to.deep.equal(row(s.hPrev as Float32Array));
               expect(row(dhPrev), `dhPrev of kept row ${m}, ${at}`).to.deep.equal(row(rh));
               expect(Array.from(dz.subarray(m * 4 * units, (m + 1) * 4 * units)).every(v => v === 0),
                      `dz of kept row ${m}, ${at}`).to.equal(true);
             }
             tf.dispose(inputs);
           }
         });
    }
  }
});
