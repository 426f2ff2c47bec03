/**
 * The three attention ops (blockSparseSDD, blockSparseSoftmax,
 * blockSparseDSD) against the float64 dense reference, forward and backward
 * (tf.grads of sum(op * r)), over block sizes with odd S/b x layouts (one
 * block, an empty block row and column, ~1/2, dense, generated; lower
 * triangles for causal) x key masks, with leading dims [2, 3].
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseDSD} from '../../ops/block_sparse_dsd';
import {blockSparseSDD} from '../../ops/block_sparse_sdd';
import {blockSparseSoftmax} from '../../ops/block_sparse_softmax';
import {BlockLayout} from '../../src/layout/block_layout';
import {attentionTestLayouts} from '../util/attention_layouts';
import {allowedMatrix, concat64, maskedSoftmax64, maskedSoftmaxGrad64, sliceOf} from '../util/attention_reference';
import {createRng, freshSeed, randomNormal, Rng} from '../util/random';
import {blocksFromDense, denseFromBlocks, matMul64, relativeError} from '../util/reference';

import {ATTENTION_GRIDS, gradsOf, keyMasks, LEAD, SLICES} from './attention_cases';
import {TOLERANCE} from './cases';

const DEPTH = 5;
const VALUE_DEPTH = 7;

/** Per-slice float64 results, concatenated. */
function perSlice(build: (s: number) => ArrayLike<number>): Float64Array {
  return concat64(Array.from({length: SLICES}, (_, s) => build(s)));
}

function blockTensor(values: Float32Array, layout: BlockLayout): tf.Tensor {
  return tf.tensor(values, [...LEAD, ...layout.weightShape]);
}

async function checkSDD(layout: BlockLayout, rng: Rng) {
  const S = layout.inputSize, blockValues = layout.nnzBlocks * layout.blockSize ** 2;
  const a = randomNormal(SLICES * S * DEPTH, rng), b = randomNormal(SLICES * S * DEPTH, rng);
  const r = randomNormal(SLICES * blockValues, rng);
  const [at, bt, rt] = [tf.tensor(a, [...LEAD, S, DEPTH]), tf.tensor(b, [...LEAD, S, DEPTH]), blockTensor(r, layout)];
  const out = blockSparseSDD(at, bt, layout);
  expect(out.shape).to.deep.equal([...LEAD, ...layout.weightShape]);
  const expected = perSlice(s => blocksFromDense(
      matMul64(sliceOf(a, s, S * DEPTH), [S, DEPTH], sliceOf(b, s, S * DEPTH), [S, DEPTH], false, true), layout));
  expect(relativeError(await out.data(), expected), 'a . b^T').to.be.below(TOLERANCE);
  const [da, db] = await gradsOf((x, y) => tf.sum(tf.mul(blockSparseSDD(x, y, layout), rt)), [at, bt]);
  const upstream = (s: number) => denseFromBlocks(sliceOf(r, s, blockValues), layout);
  expect(relativeError(da, perSlice(s => matMul64(upstream(s), [S, S], sliceOf(b, s, S * DEPTH), [S, DEPTH]))), 'da')
      .to.be.below(TOLERANCE);
  expect(relativeError(db, perSlice(s => matMul64(upstream(s), [S, S], sliceOf(a, s, S * DEPTH), [S, DEPTH], true))),
         'db')
      .to.be.below(TOLERANCE);
  tf.dispose([at, bt, rt, out]);
}

async function checkDSD(layout: BlockLayout, transposeP: boolean, rng: Rng) {
  const S = layout.inputSize, blockValues = layout.nnzBlocks * layout.blockSize ** 2;
  const p = randomNormal(SLICES * blockValues, rng), v = randomNormal(SLICES * S * VALUE_DEPTH, rng);
  const r = randomNormal(SLICES * S * VALUE_DEPTH, rng);
  const [pt, vt, rt] = [blockTensor(p, layout), tf.tensor(v, [...LEAD, S, VALUE_DEPTH]), tf.tensor(r, [...LEAD, S, VALUE_DEPTH])];
  const out = blockSparseDSD(pt, vt, layout, {transposeP});
  expect(out.shape).to.deep.equal([...LEAD, S, VALUE_DEPTH]);
  const dense = (s: number) => denseFromBlocks(sliceOf(p, s, blockValues), layout);
  const vAt = (s: number) => sliceOf(v, s, S * VALUE_DEPTH), rAt = (s: number) => sliceOf(r, s, S * VALUE_DEPTH);
  const expected = perSlice(s => matMul64(dense(s), [S, S], vAt(s), [S, VALUE_DEPTH], transposeP));
  expect(relativeError(await out.data(), expected), 'P . v').to.be.below(TOLERANCE);
  const [dp, dv] = await gradsOf(
      (x, y) => tf.sum(tf.mul(blockSparseDSD(x, y, layout, {transposeP}), rt)), [pt, vt]);
  const dDense = (s: number) => transposeP ?
      matMul64(vAt(s), [S, VALUE_DEPTH], rAt(s), [S, VALUE_DEPTH], false, true) :
      matMul64(rAt(s), [S, VALUE_DEPTH], vAt(s), [S, VALUE_DEPTH], false, true);
  expect(relativeError(dp, perSlice(s => blocksFromDense(dDense(s), layout))), 'dp').to.be.below(TOLERANCE);
  expect(relativeError(dv, perSlice(s => matMul64(dense(s), [S, S], rAt(s), [S, VALUE_DEPTH], !transposeP))), 'dv')
      .to.be.below(TOLERANCE);
  tf.dispose([pt, vt, rt, out]);
}

async function checkSoftmax(
    layout: BlockLayout, causal: boolean, keyMask: Float32Array|null, rng: Rng) {
  const S = layout.inputSize, blockValues = layout.nnzBlocks * layout.blockSize ** 2;
  const scale = 0.3 + rng.next();
  // Scores spread wide enough that the softmax is far from uniform.
  const scores = randomNormal(SLICES * blockValues, rng).map(x => 3 * x);
  const r = randomNormal(SLICES * blockValues, rng);
  const [st, rt] = [blockTensor(scores, layout), blockTensor(r, layout)];
  const maskTensor = keyMask == null ? undefined : tf.tensor2d(keyMask, [LEAD[0]!, S]);
  const options = {scale, causal, keyMask: maskTensor};
  const out = blockSparseSoftmax(st, layout, options);
  expect(out.shape).to.deep.equal(st.shape);
  const masking = {layout, causal, keyMask, heads: LEAD[1]!};
  const probs = (s: number) =>
      maskedSoftmax64(denseFromBlocks(sliceOf(scores, s, blockValues), layout), allowedMatrix(masking, s), S, scale);
  expect(relativeError(await out.data(), perSlice(s => blocksFromDense(probs(s), layout))), 'P')
      .to.be.below(TOLERANCE);
  const [dScores] = await gradsOf(x => tf.sum(tf.mul(blockSparseSoftmax(x, layout, options), rt)), [st]);
  const expected = perSlice(s => blocksFromDense(
      maskedSoftmaxGrad64(probs(s), denseFromBlocks(sliceOf(r, s, blockValues), layout), S, scale), layout));
  expect(relativeError(dScores!, expected), 'dScores').to.be.below(TOLERANCE);
  tf.dispose([st, rt, out]);
  maskTensor?.dispose();
}

describe(`attention ops on ${process.env.TFJS_BACKEND ?? 'cpu'}`, () => {
  for (const {blockSize, blocks} of ATTENTION_GRIDS) {
    for (const causal of [false, true]) {
      const seed = freshSeed();
      const rng = createRng(seed);
      for (const {name, layout} of attentionTestLayouts(blocks, blockSize, causal, rng)) {
        const label = `b=${blockSize} S/b=${blocks} ${name} (${layout.nnzBlocks} blocks, seed ${seed})`;
        if (!causal) {
          it(`blockSparseSDD and its gradients: ${label}`, () => checkSDD(layout, rng));
          for (const transposeP of [false, true]) {
            it(`blockSparseDSD${transposeP ? ' (transposeP)' : ''} and its gradients: ${label}`,
               () => checkDSD(layout, transposeP, rng));
          }
        }
        for (const {name: maskName, values} of keyMasks(layout.inputSize, rng)) {
          it(`blockSparseSoftmax${causal ? ' causal' : ''}, ${maskName}, and its gradient: ${label}`,
             () => checkSoftmax(layout, causal, values, rng));
        }
      }
    }
  }
});
