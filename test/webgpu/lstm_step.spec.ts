/**
 * WebGPU-only checks of the fused LSTM step beyond the conformance suite:
 * how many programs one step and its backward dispatch (one per output, one
 * more where the layout's table is split), the gate epilogue after the
 * segment sum of a split table, and activations that stay finite and
 * accurate for pre-activations from 1e-30 to 3e38.
 *
 * Loaded only by npm run test:webgpu (TFJS_BACKEND=webgpu).
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {BlockSparseLSTMStep, BlockSparseLSTMStepBackward} from '../../src/kernel_names';
import {toNamedAttrMap} from '../../src/kernels/define_kernel';
import {layoutTables} from '../../src/kernels/webgpu/gpu_tables';
import {BlockLayout} from '../../src/layout/block_layout';
import {balancedRandomLayout} from '../../src/layout/generators';
import {lstmStep64, lstmStepGradients64, maskedLSTMStep64, maskedLSTMStepGradients64} from '../util/lstm_reference';
import {randomRowMask, randomStep, StepCase, stepTensors} from '../util/lstm_steps';
import {createRng, freshSeed, randomNormal, Rng} from '../util/random';
import {relativeError} from '../util/reference';

import {backend, expectNoGpuErrors, programsRunBy} from './gpu_checks';

const TOLERANCE = 1e-5;

/** [h, c, gates] of the forward kernel and [dz, dhPrev, dcPrev] of the backward, as arrays. */
interface KernelRun {
  forward: Float32Array[];
  backward: Float32Array[];
  forwardPrograms: string[];
  backwardPrograms: string[];
}

/** Both kernels of one step, called directly (upstream gradients dh, dc), on a clean error scope. */
async function runKernels(
    s: StepCase, dh: Float32Array, dc: Float32Array, mask?: Float32Array): Promise<KernelRun> {
  const {batch, units, layout} = s;
  const [z, hPrev, cPrev, w] = stepTensors(s);
  const dhT = tf.tensor2d(dh, [batch, units]), dcT = tf.tensor2d(dc, [batch, units]);
  const maskInput: tf.NamedTensorMap = mask == null ? {} : {mask: tf.tensor2d(mask, [batch, 1])};
  const forward = await expectNoGpuErrors(() => programsRunBy(() => tf.engine().runKernel(
      BlockSparseLSTMStep, {z, hPrev, cPrev, w, ...maskInput},
      toNamedAttrMap(BlockSparseLSTMStep, {layout})) as tf.Tensor[]));
  const [, c, gates] = forward.result;
  const backward = await expectNoGpuErrors(() => programsRunBy(() => tf.engine().runKernel(
      BlockSparseLSTMStepBackward, {dh: dhT, dc: dcT, c, gates, cPrev, w, ...maskInput},
      toNamedAttrMap(BlockSparseLSTMStepBackward, {layout})) as tf.Tensor[]));
  const outputs = [...forward.result, ...backward.result];
  const values = await Promise.all(outputs.map(t => t.data() as Promise<Float32Array>));
  tf.dispose([z, hPrev, cPrev, w, dhT, dcT, ...Object.values(maskInput), ...outputs]);
  return {
    forward: values.slice(0, 3),
    backward: values.slice(3),
    forwardPrograms: forward.programs,
    backwardPrograms: backward.programs,
  };
}

/** Every output of both kernels against the float64 reference (norm-wise). */
async function checkStep(s: StepCase, rng: Rng): Promise<KernelRun> {
  const dh = randomNormal(s.batch * s.units, rng), dc = randomNormal(s.batch * s.units, rng);
  const run = await runKernels(s, dh, dc);
  const expected = lstmStep64(s), gradients = lstmStepGradients64(s, dh, dc);
  const what = `${s.layout} batch ${s.batch}`;
  const pairs: Array<[string, ArrayLike<number>, ArrayLike<number>]> = [
    ['h', run.forward[0], expected.h], ['c', run.forward[1], expected.c],
    ['gates', run.forward[2], expected.gates], ['dz', run.backward[0], gradients.dz],
    ['dhPrev', run.backward[1], gradients.dhPrev], ['dcPrev', run.backward[2], gradients.dcPrev],
  ];
  for (const [name, actual, reference] of pairs) {
    expect(relativeError(actual, reference), `${name}, ${what}`).to.be.below(TOLERANCE);
  }
  return run;
}

/** Blocks on the diagonal of each gate plus block column `heavy` full: its list splits. */
function heavyColumnLayout(blockRows: number, heavy: number, blockSize: number): BlockLayout {
  return BlockLayout.fromMask(Array.from({length: blockRows}, (_, k) => Array.from(
      {length: 4 * blockRows}, (_, n) => (n === heavy || n % blockRows === k ? 1 : 0))), blockSize);
}

/** One full block row (`heavy`) and the diagonal of each gate: the transposed product's list splits. */
function heavyRowLayout(blockRows: number, heavy: number, blockSize: number): BlockLayout {
  return BlockLayout.fromMask(Array.from({length: blockRows}, (_, k) => Array.from(
      {length: 4 * blockRows}, (_, n) => (k === heavy || n % blockRows === k ? 1 : 0))), blockSize);
}

/**
 * Pre-activations across the range, each with both signs: zero, tiny ones
 * (where tanh's polynomial runs), both sides of its switch at 0.625, the
 * sigmoid's tails, and past where exp(|x|) and exp(2|x|) overflow.
 */
function preActivations(): number[] {
  const tiny = Array.from({length: 24}, (_, i) => 10 ** (-7 + 7 * i / 23));
  const magnitudes = [
    0, 1e-30, ...tiny, 0.6, 0.624, 0.625, 0.626, 0.7, 1.5, 3, 5, 10, 15, 20, 30, 45, 60, 87, 88,
    89, 100, 1e4, 1e30, 3e38,
  ];
  return magnitudes.flatMap(m => [m, -m]);
}

const sigmoid64 = (x: number) => 1 / (1 + Math.exp(-x));

/** Each |actual[i] - expected[i]| at most bound(i), and each actual[i] finite. */
function expectCloseEach(
    actual: ArrayLike<number>, expected: ArrayLike<number>, bound: (i: number) => number,
    what: (i: number) => string) {
  for (let i = 0; i < expected.length; i++) {
    expect(Number.isFinite(actual[i]), `${what(i)}: got ${actual[i]}`).to.equal(true);
    expect(Math.abs(actual[i] - expected[i]), `${what(i)}: got ${actual[i]}, expected ${expected[i]}`)
        .to.be.at.most(bound(i));
  }
}

/** Relative to each value, with room for the rounding of f32 terms of size up to 1 that cancel. */
const cellBound = (expected: ArrayLike<number>) => (i: number) => 1e-5 * Math.abs(expected[i]) + 1e-6;

describe('webgpu: fused LSTM step', () => {
  before(() => expect(tf.getBackend()).to.equal('webgpu'));

  it('one program per output: three forward, three backward, all outputs right', async () => {
    const rng = createRng(freshSeed());
    for (const blockSize of [8, 32]) {
      const layout = balancedRandomLayout(
          {inputSize: 2 * blockSize, outputSize: 8 * blockSize, blockSize, density: 0.5, seed: 5});
      const tables = layoutTables(backend(), layout);
      expect(tables.columns.split || tables.rows.split, 'no split table').to.equal(false);
      for (const batch of [1, 37]) {
        const run = await checkStep(randomStep(layout, batch, rng), rng);
        expect(run.forwardPrograms, 'forward').to.deep.equal(
            ['BlockSparseMatMulProgram', 'LSTMCellProgram', 'LSTMHiddenProgram']);
        expect(run.backwardPrograms, 'backward').to.deep.equal(
            ['LSTMGateGradientsProgram', 'LSTMCellGradientProgram', 'BlockSparseMatMulProgram']);
      }
      layout.dispose();
    }
  });

  it('with a timestep mask: the same programs forward, one more backward for dhPrev', async () => {
    const rng = createRng(freshSeed());
    const layout = balancedRandomLayout({inputSize: 32, outputSize: 128, blockSize: 16, density: 0.5, seed: 3});
    const s = randomStep(layout, 11, rng), mask = randomRowMask(11, rng);
    const dh = randomNormal(11 * 32, rng), dc = randomNormal(11 * 32, rng);
    const run = await runKernels(s, dh, dc, mask);
    expect(run.forwardPrograms, 'forward').to.deep.equal(
        ['BlockSparseMatMulProgram', 'LSTMCellProgram', 'LSTMHiddenProgram']);
    expect(run.backwardPrograms, 'backward').to.deep.equal([
      'LSTMGateGradientsProgram', 'LSTMCellGradientProgram', 'BlockSparseMatMulProgram',
      'MaskedRowsProgram',
    ]);
    const expected = maskedLSTMStep64(s, mask), gradients = maskedLSTMStepGradients64(s, mask, dh, dc);
    expect(relativeError(run.forward[0], expected.h), 'h').to.be.below(TOLERANCE);
    expect(relativeError(run.backward[1], gradients.dhPrev), 'dhPrev').to.be.below(TOLERANCE);
    layout.dispose();
  });

  it('a heavy block column: the gate epilogue runs after the segment sum', async () => {
    const rng = createRng(freshSeed());
    const layout = heavyColumnLayout(6, 14, 8);
    expect(layoutTables(backend(), layout).columns.split, 'forward table is split').to.equal(true);
    for (const batch of [3, 70]) {
      const run = await checkStep(randomStep(layout, batch, rng), rng);
      expect(run.forwardPrograms).to.deep.equal(
          ['BlockSparseMatMulProgram', 'SegmentSumProgram', 'LSTMCellProgram', 'LSTMHiddenProgram']);
    }
    layout.dispose();
  });

  it('a heavy block row: dhPrev is summed over segments', async () => {
    const rng = createRng(freshSeed());
    const layout = heavyRowLayout(6, 2, 16);
    expect(layoutTables(backend(), layout).rows.split, 'row table is split').to.equal(true);
    const run = await checkStep(randomStep(layout, 9, rng), rng);
    expect(run.backwardPrograms).to.deep.equal([
      'LSTMGateGradientsProgram', 'LSTMCellGradientProgram', 'BlockSparseMatMulProgram',
      'SegmentSumProgram',
    ]);
    layout.dispose();
  });

  it('gate activations are accurate for each pre-activation from 1e-30 to 3e38', async () => {
    const values = preActivations();
    const units = 16, batch = Math.ceil(values.length / units);
    const layout = balancedRandomLayout({inputSize: units, outputSize: 4 * units, blockSize: 8, density: 0.5, seed: 1});
    // hPrev = 0: the product adds exact zeros, so the gates see z itself.
    // Every unit's four gates get the same value: sigmoid and tanh each see all of them.
    const z = new Float32Array(batch * 4 * units);
    for (let m = 0; m < batch; m++) {
      for (let gate = 0; gate < 4; gate++) {
        for (let u = 0; u < units; u++) z[(m * 4 + gate) * units + u] = values[(m * units + u) % values.length];
      }
    }
    const s: StepCase = {
      z, hPrev: new Float32Array(batch * units), cPrev: new Float32Array(batch * units),
      w: randomNormal(layout.nnzBlocks * 64, createRng(freshSeed())), layout, batch, units, u: [],
    };
    const run = await runKernels(s, new Float32Array(batch * units), new Float32Array(batch * units));
    const expected = Array.from(z, (x, i) => (Math.floor(i / units) % 4 === 2 ? Math.tanh(x) : sigmoid64(x)));
    // A float32 exp(x) is off by about |x| * 6e-8 relative (the rounding of
    // x * log2(e) it starts from), which the sigmoid's far tail inherits;
    // below 1e-30 values may be flushed to zero (denormals).
    const bound = (i: number) => Math.max((2e-6 + 2e-7 * Math.abs(z[i])) * Math.abs(expected[i]), 1e-30);
    expectCloseEach(run.forward[2], expected, bound,
                    i => `${Math.floor(i / units) % 4 === 2 ? 'tanh' : 'sigmoid'}(${z[i]})`);
    layout.dispose();
  });

  it('saturated gates and a huge cell: h and c accurate, the backward finite', async () => {
    const rng = createRng(freshSeed());
    const values = preActivations();
    const layout = balancedRandomLayout({inputSize: 32, outputSize: 128, blockSize: 16, density: 0.5, seed: 3});
    const s = randomStep(layout, 6, rng);
    s.hPrev = new Float32Array(s.hPrev.length);  // the gates see z itself
    s.z = Float32Array.from(s.z, (_, i) => values[(i * 7) % values.length]);
    // Every third cell is huge: tanh(c) must saturate to +-1, not NaN.
    s.cPrev = Float32Array.from(s.cPrev, (v, i) => (i % 3 === 0 ? Math.sign(v) * 1e30 : v));
    const dh = randomNormal(s.cPrev.length, rng), dc = randomNormal(s.cPrev.length, rng);
    const run = await runKernels(s, dh, dc);
    const expected = lstmStep64(s);
    expectCloseEach(run.forward[1], expected.c, cellBound(expected.c), i => `c[${i}]`);
    expectCloseEach(run.forward[0], expected.h, cellBound(expected.h), i => `h[${i}]`);
    ['dz', 'dhPrev', 'dcPrev'].forEach((name, k) => run.backward[k].forEach((v, i) => {
      expect(Number.isFinite(v), `${name}[${i}] = ${v}`).to.equal(true);
    }));
    layout.dispose();
  });

  it('saturated gates: the backward matches the reference', async () => {
    const rng = createRng(freshSeed());
    const values = preActivations();
    const layout = balancedRandomLayout({inputSize: 32, outputSize: 128, blockSize: 16, density: 0.5, seed: 4});
    const s = randomStep(layout, 6, rng);
    // Half the pre-activations from the extreme range, half moderate.
    s.z = Float32Array.from(s.z, (v, i) => (i % 2 === 0 ? values[(i * 7) % values.length] : v));
    s.hPrev = new Float32Array(s.hPrev.length);
    await checkStep(s, rng);
    layout.dispose();
  });
});
