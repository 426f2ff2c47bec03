/**
 * The native LSTM step ops beyond the conformance suite's shapes: batches
 * large enough for the kernel's other task split, sigmoid and tanh accurate
 * to float32 over the whole input range, empty shapes, and every malformed
 * input of the raw ops coming back as a TensorFlow error naming the input
 * (never a crash or an out-of-bounds read) that leaks nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseLSTMStep} from '../../ops/block_sparse_lstm_step';
import {BlockLayout} from '../../src/layout/block_layout';
import {TOLERANCE} from '../conformance/cases';
import {conformanceLayouts} from '../util/layouts';
import {lstmStep64, lstmStepGradients64} from '../util/lstm_reference';
import {randomStep, StepCase, stepTensors} from '../util/lstm_steps';
import {createRng, freshSeed, randomNormal, Rng} from '../util/random';
import {errorOfRawOp, nativeAddon, runRawOp} from '../util/raw_ops';
import {blocksFromDense, relativeError} from '../util/reference';

/** Rows of one task of the native product (block_products_impl.h, kTaskRows). */
const TASK_ROWS = 48;
/** Row tasks per thread from which each task runs all output columns (kRowTasksPerThread). */
const ROW_TASKS_PER_THREAD = 4;

/** The ops' "no mask": a float32 [0] (TF ops have no optional inputs). */
function noMask(): tf.Tensor {
  return tf.zeros([0]);
}

/** Forward and all four gradients of sum(h * rh + c * rc) against the float64 reference. */
async function expectStepMatchesReference(s: StepCase, rng: Rng, at: string): Promise<void> {
  const inputs = stepTensors(s);
  const [h, c] = blockSparseLSTMStep(inputs[0], inputs[1], inputs[2], inputs[3], s.layout);
  const expected = lstmStep64(s);
  expect(relativeError(await h.data(), expected.h), `h, ${at}`).to.be.below(TOLERANCE);
  expect(relativeError(await c.data(), expected.c), `c, ${at}`).to.be.below(TOLERANCE);
  const rh = randomNormal(s.batch * s.units, rng), rc = randomNormal(s.batch * s.units, rng);
  const rhT = tf.tensor2d(rh, [s.batch, s.units]), rcT = tf.tensor2d(rc, [s.batch, s.units]);
  const grads = tf.grads((z, hPrev, cPrev, w) => {
    const [hNew, cNew] = blockSparseLSTMStep(z, hPrev, cPrev, w, s.layout);
    return tf.add(tf.sum(tf.mul(hNew, rhT)), tf.sum(tf.mul(cNew, rcT)));
  })(inputs);
  const [dz, dh, dc, dw] = await Promise.all(grads.map(g => g.data()));
  const gradients = lstmStepGradients64(s, rh, rc);
  expect(relativeError(dz, gradients.dz), `dz, ${at}`).to.be.below(TOLERANCE);
  expect(relativeError(dh, gradients.dhPrev), `dhPrev, ${at}`).to.be.below(TOLERANCE);
  expect(relativeError(dc, gradients.dcPrev), `dcPrev, ${at}`).to.be.below(TOLERANCE);
  expect(relativeError(dw, blocksFromDense(gradients.du, s.layout)), `dw, ${at}`)
      .to.be.below(TOLERANCE);
  tf.dispose([...inputs, h, c, ...grads, rhT, rcT]);
}

const int = (values: ArrayLike<number>) => tf.tensor1d(Array.from(values), 'int32');

/** Table of the layout as the raw ops take it: ptr, other, block. */
function tableTensors(table: {ptr: Int32Array, other: Int32Array, block: Int32Array}): tf.Tensor[] {
  return [int(table.ptr), int(table.other), int(table.block)];
}

describe('tensorflow native LSTM step', () => {
  // Enough rows that each thread gets ROW_TASKS_PER_THREAD row tasks: then
  // every task computes all units of its rows (the other split of the
  // product and its gate epilogue), and the backward's elementwise pass is
  // shared out (more than 128K floats of dz); 29 rows end in a partial panel.
  for (const blockSize of [8, 32]) {
    it(`a batch of many row tasks matches the float64 reference, forward and backward (b=${
        blockSize})`, async () => {
      const seed = freshSeed();
      const rng = createRng(seed);
      const rowTasks = 2 * ROW_TASKS_PER_THREAD * nativeAddon().numThreads;
      const batch = Math.max(rowTasks * TASK_ROWS, 300) + 29;
      const units = 128;
      const layouts = conformanceLayouts(units / blockSize, 4 * units / blockSize, blockSize, rng);
      for (const {name, layout} of [layouts[1], layouts[2]]) {
        await expectStepMatchesReference(
            randomStep(layout, batch, rng), rng, `batch ${batch}, ${name} (seed ${seed})`);
      }
    });
  }

  it('a table without entries: only z drives the gates (raw ops; the public op refuses such layouts)',
     async () => {
       const seed = freshSeed();
       const rng = createRng(seed);
       const empty = BlockLayout.fromMask([[0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]], 8);
       const s = randomStep(empty, 5, rng);
       const [z, hPrev, cPrev, w] = stepTensors(s);
       const forwardIn = [z, hPrev, cPrev, w, noMask(), ...tableTensors(empty.columnTable)];
       const [h, c, gates] = runRawOp(nativeAddon().ops.lstmStep, [], forwardIn, 3);
       const expected = lstmStep64(s);
       expect(relativeError(await h.data(), expected.h), `h (seed ${seed})`).to.be.below(TOLERANCE);
       expect(relativeError(await c.data(), expected.c), `c (seed ${seed})`).to.be.below(TOLERANCE);
       const rh = randomNormal(5 * 16, rng), rc = randomNormal(5 * 16, rng);
       const backwardIn = [
         tf.tensor2d(rh, [5, 16]), tf.tensor2d(rc, [5, 16]), c, gates, cPrev, w, noMask(),
         ...tableTensors(empty.rowTable)
       ];
       const [dz, dhPrev, dcPrev] = runRawOp(nativeAddon().ops.lstmStepBackward, [], backwardIn, 3);
       const gradients = lstmStepGradients64(s, rh, rc);
       expect(relativeError(await dz.data(), gradients.dz), `dz (seed ${seed})`).to.be.below(TOLERANCE);
       expect(Array.from(await dhPrev.data()), 'dhPrev').to.deep.equal(new Array(5 * 16).fill(0));
       expect(relativeError(await dcPrev.data(), gradients.dcPrev), `dcPrev (seed ${seed})`)
           .to.be.below(TOLERANCE);
       tf.dispose([...forwardIn, ...backwardIn, h, c, gates, dz, dhPrev, dcPrev]);
     });

  it('a batch of no rows', async () => {
    const layout = BlockLayout.fromMask([[1, 0, 0, 1, 0, 1, 1, 0], [0, 1, 1, 0, 1, 0, 0, 1]], 8);
    const inputs = stepTensors(randomStep(layout, 0, createRng(freshSeed())));
    const [h, c] = blockSparseLSTMStep(inputs[0], inputs[1], inputs[2], inputs[3], layout);
    expect([h.shape, c.shape]).to.deep.equal([[0, 16], [0, 16]]);
    const grads = tf.grads((z, hPrev, cPrev, w) => {
      const [hNew, cNew] = blockSparseLSTMStep(z, hPrev, cPrev, w, layout);
      return tf.add(tf.sum(hNew), tf.sum(cNew));
    })(inputs);
    expect(grads.map(g => g.shape)).to.deep.equal([[0, 64], [0, 16], [0, 16], layout.weightShape]);
    expect(Array.from(await grads[3].data()).every(v => v === 0), 'dw').to.equal(true);
    tf.dispose([...inputs, h, c, ...grads]);
  });

  it('gates are sigmoid and tanh to float32 accuracy over the whole input range', async () => {
    // hPrev = 0 leaves the gates' pre-activations z alone, so the op's gates
    // output is sigmoid / tanh of z itself. z sweeps [-30, 30] densely, plus
    // zeros, tiny and huge values, and the ends of each formula's range.
    const special = [
      0, -0, 1e-30, -1e-30, 1e-8, -1e-8, 0.6249999, -0.6249999, 0.625, -0.625, 20, -20, 44, -44,
      88, -88, 100, -100, 1e4, -1e4, 3e38, -3e38
    ];
    const units = 64, batch = 64;
    const count = batch * 4 * units;
    const z = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      z[i] = i < special.length ? special[i] : -30 + 60 * (i - special.length) / (count - special.length);
    }
    const layout = BlockLayout.fromMask([[1, 0, 0, 0, 0, 0, 0, 1], [0, 0, 1, 0, 0, 1, 0, 0]], 32);
    const rng = createRng(freshSeed());
    const cPrev = randomNormal(batch * units, rng);
    const inputs = [
      tf.tensor2d(z, [batch, 4 * units]), tf.zeros([batch, units]), tf.tensor2d(cPrev, [batch, units]),
      tf.tensor3d(randomNormal(layout.nnzBlocks * 32 * 32, rng), layout.weightShape), noMask(),
      ...tableTensors(layout.columnTable)
    ];
    const outputs = runRawOp(nativeAddon().ops.lstmStep, [], inputs, 3);
    const [h, c, gates] = await Promise.all(outputs.map(t => t.data()));
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    let worstGate = 0, worstState = 0, worstAt = '';
    for (let m = 0; m < batch; m++) {
      for (let j = 0; j < units; j++) {
        const at = (gate: number) => m * 4 * units + gate * units + j;
        const expected = [sigmoid(z[at(0)]), sigmoid(z[at(1)]), Math.tanh(z[at(2)]), sigmoid(z[at(3)])];
        expected.forEach((value, gate) => {
          const error = Math.abs(gates[at(gate)] - value);
          if (error > worstGate) [worstGate, worstAt] = [error, `gate ${gate} at z = ${z[at(gate)]}`];
        });
        const [i, f, g, o] = expected;
        const cExpected = f * cPrev[m * units + j] + i * g;
        const hExpected = o * Math.tanh(cExpected);
        worstState = Math.max(
            worstState, Math.abs(c[m * units + j] - cExpected), Math.abs(h[m * units + j] - hExpected));
      }
    }
    expect(worstGate, worstAt).to.be.below(1e-6);
    expect(worstState, 'h and c').to.be.below(2e-6);
    tf.dispose([...inputs, ...outputs]);
  });

  // A valid call, from which each case below changes one input: units = 16,
  // b = 8, batch 3; U [16, 64] has one block in each of its 8 block columns.
  const layout = BlockLayout.fromMask([[1, 0, 0, 1, 0, 1, 1, 0], [0, 1, 1, 0, 1, 0, 0, 1]], 8);
  const column = layout.columnTable, row = layout.rowTable;
  const list = (values: Int32Array) => Array.from(values);

  describe('TfjsBlockSparseLSTMStep rejects', () => {
    interface StepInputShapes {
      z?: number[], h?: number[], c?: number[], w?: number[], mask?: number[], ptr?: number[],
      other?: number[], block?: number[], zDtype?: 'float32'|'int32'
    }
    const step = (bad: StepInputShapes) => errorOfRawOp(nativeAddon().ops.lstmStep, [], () => [
      tf.zeros(bad.z ?? [3, 64], bad.zDtype ?? 'float32'), tf.zeros(bad.h ?? [3, 16]),
      tf.zeros(bad.c ?? [3, 16]), tf.zeros(bad.w ?? [8, 8, 8]), tf.zeros(bad.mask ?? [0]),
      int(bad.ptr ?? list(column.ptr)), int(bad.other ?? list(column.other)),
      int(bad.block ?? list(column.block))
    ], 3);

    it('nothing in the valid calls the cases start from (without a mask and with one)', () => {
      for (const mask of [noMask(), tf.ones([3, 1])]) {
        const inputs = [
          tf.zeros([3, 64]), tf.zeros([3, 16]), tf.zeros([3, 16]), tf.zeros([8, 8, 8]), mask,
          ...tableTensors(column)
        ];
        const outputs = runRawOp(nativeAddon().ops.lstmStep, [], inputs, 3);
        expect(outputs.map(t => t.shape)).to.deep.equal([[3, 16], [3, 16], [3, 64]]);
        tf.dispose([...inputs, ...outputs]);
      }
    });
    it('a mask that is neither [batch, 1] nor [0]', () => {
      expect(step({mask: [3]})).to.match(/input 'mask' must have rank 2, but got shape \[3\]/);
      expect(step({mask: [2, 1]}))
          .to.match(/input 'mask' must have shape \[3,1\] \(one value per row, or \[0\] for no mask\), but got \[2,1\]/);
      expect(step({mask: [3, 2]})).to.match(/input 'mask' must have shape \[3,1\]/);
    });
    it('a rank-1 h_prev', () => {
      expect(step({h: [16]})).to.match(/input 'h_prev' must have rank 2, but got shape \[16\]/);
    });
    it('an unsupported block size', () => {
      expect(step({w: [8, 12, 12]}))
          .to.match(/input 'w' must have shape \[nnz, b, b\] with b in \{8, 16, 32, 64\}, but got \[8,12,12\]/);
    });
    it('units that are not a multiple of b', () => {
      expect(step({h: [3, 12], c: [3, 12], z: [3, 48]}))
          .to.match(/input 'h_prev' must have a multiple of the block size 8 columns \(units\), but got shape \[3,12\]/);
    });
    it('a c_prev unlike h_prev', () => {
      expect(step({c: [2, 16]})).to.match(/input 'c_prev' must have shape \[3,16\] \(like h_prev\), but got \[2,16\]/);
    });
    it('a z that is not [batch, 4 * units]', () => {
      expect(step({z: [3, 48]})).to.match(/input 'z' must have shape \[3,64\] .*but got \[3,48\]/);
      expect(step({z: [4, 64]})).to.match(/input 'z' must have shape \[3,64\] .*but got \[4,64\]/);
    });
    it('the row table (a ptr of the wrong length)', () => {
      expect(step({ptr: list(row.ptr), other: list(row.other), block: list(row.block)}))
          .to.match(/input 'ptr' must have 9 offsets \(one per block column of U .*, but got shape \[3\]/);
    });
    it('a ptr that decreases', () => {
      expect(step({ptr: [0, 1, 2, 1, 4, 5, 6, 7, 8]})).to.match(/input 'ptr' must rise from 0 to 8.*ptr\[3\] is 1/);
    });
    it('other and block of different lengths', () => {
      expect(step({block: [0, 1, 2]})).to.match(/'other' and 'block' must have the same length/);
    });
    it('a block row of U past h_prev', () => {
      const other = list(column.other);
      other[5] = 2;
      expect(step({other})).to.match(/input 'other'\[5\] must be a block row of U .* in \[0, 2\), but got 2/);
    });
    it('a negative block of w', () => {
      const block = list(column.block);
      block[7] = -1;
      expect(step({block})).to.match(/input 'block'\[7\] must be a block of w in \[0, 8\), but got -1/);
    });
    it('fewer blocks in w than the table names', () => {
      expect(step({w: [4, 8, 8]})).to.match(/input 'block'\[\d\] must be a block of w in \[0, 4\), but got [4-7]/);
    });
    it('an int32 z (the op definition types its inputs)', () => {
      expect(step({zDtype: 'int32'})).to.match(/int32|float|type/i);
    });
  });

  describe('TfjsBlockSparseLSTMStepBackward rejects', () => {
    interface BackwardInputShapes {
      dh?: number[], dc?: number[], c?: number[], gates?: number[], cPrev?: number[], w?: number[],
      mask?: number[], ptr?: number[], other?: number[], block?: number[]
    }
    const backward = (bad: BackwardInputShapes) =>
        errorOfRawOp(nativeAddon().ops.lstmStepBackward, [], () => [
          tf.zeros(bad.dh ?? [3, 16]), tf.zeros(bad.dc ?? [3, 16]), tf.zeros(bad.c ?? [3, 16]),
          tf.zeros(bad.gates ?? [3, 64]), tf.zeros(bad.cPrev ?? [3, 16]), tf.zeros(bad.w ?? [8, 8, 8]),
          tf.zeros(bad.mask ?? [0]), int(bad.ptr ?? list(row.ptr)), int(bad.other ?? list(row.other)),
          int(bad.block ?? list(row.block))
        ], 3);

    it('nothing in the valid calls the cases start from (without a mask and with one)', () => {
      for (const mask of [noMask(), tf.ones([3, 1])]) {
        const inputs = [
          tf.zeros([3, 16]), tf.zeros([3, 16]), tf.zeros([3, 16]), tf.zeros([3, 64]), tf.zeros([3, 16]),
          tf.zeros([8, 8, 8]), mask, ...tableTensors(row)
        ];
        const outputs = runRawOp(nativeAddon().ops.lstmStepBackward, [], inputs, 3);
        expect(outputs.map(t => t.shape)).to.deep.equal([[3, 64], [3, 16], [3, 16]]);
        tf.dispose([...inputs, ...outputs]);
      }
    });
    it('a mask that is not [batch, 1] (nor [0])', () => {
      expect(backward({mask: [1, 3]}))
          .to.match(/input 'mask' must have shape \[3,1\] \(one value per row, or \[0\] for no mask\), but got \[1,3\]/);
    });
    it('a rank-3 dh', () => {
      expect(backward({dh: [1, 3, 16]})).to.match(/input 'dh' must have rank 2, but got shape \[1,3,16\]/);
    });
    it('dc, c or c_prev unlike dh', () => {
      expect(backward({dc: [3, 8]})).to.match(/input 'dc' must have shape \[3,16\] \(like dh\), but got \[3,8\]/);
      expect(backward({c: [16]})).to.match(/input 'c' must have rank 2/);
      expect(backward({cPrev: [4, 16]})).to.match(/input 'c_prev' must have shape \[3,16\] \(like dh\), but got \[4,16\]/);
    });
    it('gates that are not [batch, 4 * units]', () => {
      expect(backward({gates: [3, 16]})).to.match(/input 'gates' must have shape \[3,64\] .*but got \[3,16\]/);
    });
    it('non-square blocks', () => {
      expect(backward({w: [8, 8, 16]})).to.match(/input 'w' must have shape \[nnz, b, b\]/);
    });
    it('the column table (a ptr of the wrong length)', () => {
      expect(backward({ptr: list(column.ptr), other: list(column.other), block: list(column.block)}))
          .to.match(/input 'ptr' must have 3 offsets \(one per block row of U .*, but got shape \[9\]/);
    });
    it('a ptr that does not end at the entry count', () => {
      expect(backward({ptr: [0, 4, 7]})).to.match(/input 'ptr' must rise from 0 to 8.*ptr\[2\] is 7/);
    });
    it('a block column of U past dz', () => {
      const other = list(row.other);
      other[0] = 8;
      expect(backward({other})).to.match(/input 'other'\[0\] must be a block column of U .* in \[0, 8\), but got 8/);
    });
    it('a block of w past its end', () => {
      const block = list(row.block);
      block[3] = 8;
      expect(backward({block})).to.match(/input 'block'\[3\] must be a block of w in \[0, 8\), but got 8/);
    });
  });
});
