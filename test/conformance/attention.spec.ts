/**
 * blockSparseAttention against float64 masked dense attention, forward and
 * backward (tf.grads in q, k and v), over block sizes with odd S/b x layouts
 * (one block, an empty block row and column, ~1/2, dense, generated; lower
 * triangles when causal) x key masks (none; random padding with a batch
 * entry whose keys are all padding), [batch, heads] = [2, 3].
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseAttention} from '../../ops/block_sparse_attention';
import {BlockLayout} from '../../src/layout/block_layout';
import {attentionTestLayouts} from '../util/attention_layouts';
import {attention64} from '../util/attention_reference';
import {createRng, freshSeed, randomNormal, Rng} from '../util/random';
import {relativeError} from '../util/reference';

import {ATTENTION_GRIDS, gradsOf, keyMasks, LEAD, SLICES} from './attention_cases';
import {TOLERANCE} from './cases';

const DEPTH = 6;
const VALUE_DEPTH = 5;

interface Case {
  layout: BlockLayout;
  causal: boolean;
  keyMask: Float32Array|null;
  /** undefined: the op's default 1 / sqrt(d). */
  scale: number|undefined;
}

async function checkAttention({layout, causal, keyMask, scale}: Case, rng: Rng) {
  const S = layout.inputSize;
  const q = randomNormal(SLICES * S * DEPTH, rng), k = randomNormal(SLICES * S * DEPTH, rng);
  const v = randomNormal(SLICES * S * VALUE_DEPTH, rng), r = randomNormal(SLICES * S * VALUE_DEPTH, rng);
  const tensors = [
    tf.tensor(q, [...LEAD, S, DEPTH]), tf.tensor(k, [...LEAD, S, DEPTH]),
    tf.tensor(v, [...LEAD, S, VALUE_DEPTH]),
  ];
  const rt = tf.tensor(r, [...LEAD, S, VALUE_DEPTH]);
  const maskTensor = keyMask == null ? undefined : tf.tensor2d(keyMask, [LEAD[0]!, S], 'int32');
  const options = {causal, scale, keyMask: maskTensor};
  const attend = (qt: tf.Tensor, kt: tf.Tensor, vt: tf.Tensor) =>
      blockSparseAttention(qt, kt, vt, layout, options);

  const out = attend(tensors[0]!, tensors[1]!, tensors[2]!);
  expect(out.shape).to.deep.equal([...LEAD, S, VALUE_DEPTH]);
  const expected = attention64({
    q, k, v, layout, causal, keyMask, heads: LEAD[1]!, slices: SLICES, depth: DEPTH,
    valueDepth: VALUE_DEPTH, scale: scale ?? 1 / Math.sqrt(DEPTH),
  }, r);
  const outValues = await out.data();
  expect(relativeError(outValues, expected.out), 'output').to.be.below(TOLERANCE);
  const [dq, dk, dv] = await gradsOf((qt, kt, vt) => tf.sum(tf.mul(attend(qt, kt, vt), rt)), tensors);
  expect(relativeError(dq!, expected.dq!), 'dq').to.be.below(TOLERANCE);
  expect(relativeError(dk!, expected.dk!), 'dk').to.be.below(TOLERANCE);
  expect(relativeError(dv!, expected.dv!), 'dv').to.be.below(TOLERANCE);
  if (keyMask != null) {
    // Batch entry 1 has every key padded: its heads give exact zeros and zero gradients.
    const entry = LEAD[1]! * S;
    for (const [what, values, width] of [['output', outValues, VALUE_DEPTH], ['dq', dq!, DEPTH],
                                         ['dk', dk!, DEPTH], ['dv', dv!, VALUE_DEPTH]] as const) {
      const masked = values.subarray(entry * width);
      expect(masked.every(x => x === 0), `${what} of the fully masked batch entry is all 0`).to.equal(true);
    }
  }
  tf.dispose([...tensors, rt, out]);
  maskTensor?.dispose();
}

describe(`blockSparseAttention on ${process.env.TFJS_BACKEND ?? 'cpu'}`, () => {
  for (const {blockSize, blocks} of ATTENTION_GRIDS) {
    for (const causal of [false, true]) {
      const seed = freshSeed();
      const rng = createRng(seed);
      for (const {name, layout} of attentionTestLayouts(blocks, blockSize, causal, rng)) {
        for (const {name: maskName, values} of keyMasks(layout.inputSize, rng)) {
          // The default scale with no mask, a given one with the mask.
          const scale = values == null ? undefined : 0.2 + rng.next();
          const label = `b=${blockSize} S/b=${blocks}${causal ? ' causal' : ''} ${name}, ${maskName}, scale ${
              scale == null ? 'default' : scale.toFixed(3)} (${layout.nnzBlocks} blocks, seed ${seed})`;
          it(`matches float64 masked dense attention, forward and backward: ${label}`,
             () => checkAttention({layout, causal, keyMask: values, scale}, rng));
        }
      }
    }
  }

  const seed = freshSeed();
  it(`gradients agree with central differences through tanh, causal with padding (seed ${seed})`,
     () => checkFiniteDifferences(createRng(seed)));
});

/** Checks the gradients (and so the reference's formulas) against the loss itself. */
async function checkFiniteDifferences(rng: Rng) {
  const layout = BlockLayout.fromMask([[1, 0, 0], [1, 1, 0], [0, 1, 1]], 8);
  const S = layout.inputSize, shape = [1, 2, S, 4];
  const mask = tf.tensor2d([Array.from({length: S}, (_, j) => (j % 7 === 3 ? 0 : 1))]);
  const r = tf.tensor(randomNormal(2 * S * 4, rng), shape);
  const loss = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(
      tf.tanh(blockSparseAttention(q, k, v, layout, {causal: true, keyMask: mask})), r));
  const values = [0, 1, 2].map(() => randomNormal(2 * S * 4, rng));
  const lossAt = async (inputs: Float32Array[]) => {
    const l = tf.tidy(() => loss(...inputs.map(x => tf.tensor(x, shape)) as [tf.Tensor, tf.Tensor, tf.Tensor]));
    const value = (await l.data())[0]!;
    l.dispose();
    return value;
  };
  const inputs = values.map(x => tf.tensor(x, shape));
  const analytic = await gradsOf(loss, inputs);
  const eps = 1e-2;
  for (let which = 0; which < 3; which++) {
    for (let trial = 0; trial < 6; trial++) {
      const i = rng.int(values[which]!.length);
      const shifted = (delta: number) => values.map((x, w) => {
        if (w !== which) return x;
        const copy = x.slice();
        copy[i] += delta;
        return copy;
      });
      const numeric = ((await lossAt(shifted(eps))) - (await lossAt(shifted(-eps)))) / (2 * eps);
      const exact = analytic[which]![i]!;
      expect(Math.abs(numeric - exact), `input ${which} index ${i}: numeric ${numeric} analytic ${exact}`)
          .to.be.below(2e-3 + 1e-2 * Math.abs(exact));
    }
  }
  tf.dispose([...inputs, mask, r]);
}
