/**
 * The native attention ops beyond the conformance suite's shapes: depths
 * that run the vector paths (multiples of 8 and 16, with a tail) on enough
 * slices and block rows to be shared over the threads, the softmax's
 * exponential to float32 accuracy over a wide range of scores, the fused
 * attention op (TfjsBlockSparseAttention and its backward) on such shapes
 * with and without causal masking (whose diagonal blocks it multiplies
 * half of), and every
 * malformed input of the raw ops coming back as a TensorFlow error naming
 * the input (never a crash or an out-of-bounds read) that leaks nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseAttention} from '../../ops/block_sparse_attention';
import {blockSparseDSD} from '../../ops/block_sparse_dsd';
import {blockSparseSDD} from '../../ops/block_sparse_sdd';
import {blockSparseSoftmax} from '../../ops/block_sparse_softmax';
import {BlockLayout} from '../../src/layout/block_layout';
import type {TFEOpAttr} from '../../src/kernels/tensorflow/tf_ops';
import {TOLERANCE} from '../conformance/cases';
import {attentionTestLayouts} from '../util/attention_layouts';
import {allowedMatrix, attention64, concat64, maskedSoftmax64, maskedSoftmaxGrad64, sliceOf} from '../util/attention_reference';
import {createRng, freshSeed, randomNormal, Rng} from '../util/random';
import {errorOfRawOp, nativeAddon, runRawOp, tfNodeBackend} from '../util/raw_ops';
import {blocksFromDense, denseFromBlocks, matMul64, relativeError} from '../util/reference';

/** [batch, heads]: with S = 256 and d = 64 every op touches more than 128K floats (threaded). */
const BATCH = 2, HEADS = 2, SLICES = BATCH * HEADS;

function perSlice(build: (s: number) => ArrayLike<number>): Float64Array {
  return concat64(Array.from({length: SLICES}, (_, s) => build(s)));
}

/** A layout with an empty block row and column, and one of density ~1/2; S = 256. */
function largeLayouts(blockSize: number, causal: boolean, rng: Rng) {
  const named = attentionTestLayouts(256 / blockSize, blockSize, causal, rng)
                    .filter(({name}) => /empty|1\/2/i.test(name));
  // Guards against a renamed layout silently leaving nothing to test.
  expect(named.map(({name}) => name), 'large layouts').to.have.length(2);
  return named;
}

async function checkProducts(layout: BlockLayout, depth: number, rng: Rng, at: string) {
  const S = layout.inputSize, blockValues = layout.nnzBlocks * layout.blockSize ** 2;
  const lead = [BATCH, HEADS];
  const q = randomNormal(SLICES * S * depth, rng), k = randomNormal(SLICES * S * depth, rng);
  const p = randomNormal(SLICES * blockValues, rng);
  const [qt, kt, pt] = [
    tf.tensor(q, [...lead, S, depth]), tf.tensor(k, [...lead, S, depth]),
    tf.tensor(p, [...lead, ...layout.weightShape])
  ];
  const scores = blockSparseSDD(qt, kt, layout);
  const expectedScores = perSlice(s => blocksFromDense(
      matMul64(sliceOf(q, s, S * depth), [S, depth], sliceOf(k, s, S * depth), [S, depth], false, true),
      layout));
  expect(relativeError(await scores.data(), expectedScores), `sdd, ${at}`).to.be.below(TOLERANCE);
  for (const transposeP of [false, true]) {
    const out = blockSparseDSD(pt, kt, layout, {transposeP});
    const expected = perSlice(
        s => matMul64(denseFromBlocks(sliceOf(p, s, blockValues), layout), [S, S],
                      sliceOf(k, s, S * depth), [S, depth], transposeP));
    expect(relativeError(await out.data(), expected), `dsd transposeP=${transposeP}, ${at}`)
        .to.be.below(TOLERANCE);
    out.dispose();
  }
  tf.dispose([qt, kt, pt, scores]);
}

async function checkSoftmax(layout: BlockLayout, causal: boolean, rng: Rng, at: string) {
  const S = layout.inputSize, blockValues = layout.nnzBlocks * layout.blockSize ** 2;
  const scale = 0.3;
  const keyMask = new Float32Array(BATCH * S).map(() => (rng.next() < 0.7 ? 1 : 0));
  const s = randomNormal(SLICES * blockValues, rng).map(x => 4 * x);
  const r = randomNormal(SLICES * blockValues, rng);
  const [st, rt, mt] = [
    tf.tensor(s, [BATCH, HEADS, ...layout.weightShape]),
    tf.tensor(r, [BATCH, HEADS, ...layout.weightShape]), tf.tensor2d(keyMask, [BATCH, S])
  ];
  const masking = {layout, causal, keyMask, heads: HEADS};
  const probs = perSlice(slice => maskedSoftmax64(
      denseFromBlocks(sliceOf(s, slice, blockValues), layout), allowedMatrix(masking, slice), S, scale));
  const p = blockSparseSoftmax(st, layout, {scale, causal, keyMask: mt});
  expect(relativeError(await p.data(), perSlice(slice => blocksFromDense(sliceOf(probs, slice, S * S), layout))),
         `softmax, ${at}`)
      .to.be.below(TOLERANCE);
  const [ds] = tf.grads(x => tf.sum(tf.mul(blockSparseSoftmax(x, layout, {scale, causal, keyMask: mt}), rt)))([st]);
  const expected = perSlice(slice => blocksFromDense(
      maskedSoftmaxGrad64(sliceOf(probs, slice, S * S), denseFromBlocks(sliceOf(r, slice, blockValues), layout), S,
                          scale),
      layout));
  expect(relativeError(await ds!.data(), expected), `softmax backward, ${at}`).to.be.below(TOLERANCE);
  tf.dispose([st, rt, mt, p, ds!]);
}

/** blockSparseAttention (the fused native ops) and its gradients against float64. */
async function checkFusedAttention(
    layout: BlockLayout, causal: boolean, depth: number, valueDepth: number, rng: Rng, at: string) {
  const S = layout.inputSize, scale = 0.3;
  const q = randomNormal(SLICES * S * depth, rng), k = randomNormal(SLICES * S * depth, rng);
  const v = randomNormal(SLICES * S * valueDepth, rng), r = randomNormal(SLICES * S * valueDepth, rng);
  const keyMask = new Float32Array(BATCH * S).map(() => (rng.next() < 0.8 ? 1 : 0));
  const lead = [BATCH, HEADS];
  const [qt, kt, vt, rt, mt] = [
    tf.tensor(q, [...lead, S, depth]), tf.tensor(k, [...lead, S, depth]), tf.tensor(v, [...lead, S, valueDepth]),
    tf.tensor(r, [...lead, S, valueDepth]), tf.tensor2d(keyMask, [BATCH, S])
  ];
  const attend = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      blockSparseAttention(a, b, c, layout, {causal, scale, keyMask: mt});
  const expected = attention64(
      {q, k, v, layout, causal, keyMask, heads: HEADS, slices: SLICES, depth, valueDepth, scale}, r);
  const out = attend(qt, kt, vt);
  expect(relativeError(await out.data(), expected.out), `output, ${at}`).to.be.below(TOLERANCE);
  const grads = tf.grads((a, b, c) => attend(a, b, c))([qt, kt, vt], rt);
  for (const [i, name] of ['dq', 'dk', 'dv'].entries()) {
    const reference = expected[name as 'dq' | 'dk' | 'dv']!;
    expect(relativeError(await grads[i]!.data(), reference), `${name}, ${at}`).to.be.below(TOLERANCE);
  }
  tf.dispose([qt, kt, vt, rt, mt, out, ...grads]);
}

const int = (values: ArrayLike<number>) => tf.tensor1d(Array.from(values), 'int32');

describe('tensorflow native attention', () => {
  for (const blockSize of [8, 32]) {
    // 8 and 64 are whole vectors (one and two strips), 29 ends in a tail of 5.
    for (const depth of [8, 29, 64]) {
      it(`sdd and dsd match the float64 reference on threaded shapes (b=${blockSize}, d=${depth})`,
         async () => {
           const seed = freshSeed();
           const rng = createRng(seed);
           for (const {name, layout} of largeLayouts(blockSize, false, rng)) {
             await checkProducts(layout, depth, rng, `${name} (seed ${seed})`);
           }
         });
    }
    for (const causal of [false, true]) {
      it(`softmax and its backward match the float64 reference on threaded shapes (b=${blockSize}, ${
             causal ? 'causal' : 'bidirectional'}, key mask)`,
         async () => {
           const seed = freshSeed();
           const rng = createRng(seed);
           for (const {name, layout} of largeLayouts(blockSize, causal, rng)) {
             await checkSoftmax(layout, causal, rng, `${name} (seed ${seed})`);
           }
         });
    }
  }

  for (const blockSize of [8, 32]) {
    for (const causal of [false, true]) {
      it(`fused attention and its backward match the float64 reference on threaded shapes (b=${
             blockSize}, ${causal ? 'causal' : 'bidirectional'}, key mask)`,
         async () => {
           const seed = freshSeed();
           const rng = createRng(seed);
           // d = 64 and dv = 29: whole vectors for the scores, a tail for the products.
           for (const {name, layout} of largeLayouts(blockSize, causal, rng)) {
             await checkFusedAttention(layout, causal, 64, 29, rng, `${name} (seed ${seed})`);
           }
         });
    }
  }

  it('softmax probabilities are float32-accurate over scores spread across [-80, 80]', async () => {
    // Scores on a 1/1024 grid, so score - max is exact in float32 and only
    // the exponential, the sum and the division can err (a few ulp).
    const seed = freshSeed();
    const rng = createRng(seed);
    const layout = BlockLayout.dense(32, 32, 8);
    const S = 32, count = layout.nnzBlocks * 64;
    const spread = [80, 20, 1];
    const scores = new Float32Array(spread.length * count);
    for (let i = 0; i < scores.length; i++) {
      const range = spread[Math.floor(i / count)]!;
      scores[i] = Math.round((rng.next() * 2 - 1) * range * 1024) / 1024;
    }
    const st = tf.tensor(scores, [spread.length, 1, ...layout.weightShape]);
    const p = await blockSparseSoftmax(st, layout, {scale: 1}).data();
    const masking = {layout, causal: false, keyMask: null, heads: 1};
    let worst = 0, worstAt = '';
    for (let slice = 0; slice < spread.length; slice++) {
      const expected = blocksFromDense(
          maskedSoftmax64(denseFromBlocks(sliceOf(scores, slice, count), layout), allowedMatrix(masking, slice), S, 1),
          layout);
      for (let i = 0; i < count; i++) {
        // Relative error, with slack below 1e-37: e^-87 is the floor of the exponential.
        const error = Math.abs(p[slice * count + i] - expected[i]) / (expected[i] + 1e-31);
        if (error > worst) [worst, worstAt] = [error, `spread ${spread[slice]}, p = ${expected[i]}`];
      }
    }
    expect(worst, `${worstAt} (seed ${seed})`).to.be.below(1e-6);
    st.dispose();
  });

  // A valid call, from which each case below changes one input: S = 24,
  // b = 8, 5 kept blocks.
  const layout = BlockLayout.fromMask([[1, 0, 1], [0, 1, 0], [1, 1, 0]], 8);
  const row = layout.rowTable, column = layout.columnTable;
  const list = (values: Int32Array) => Array.from(values);

  interface TableInputs {
    ptr?: number[], other?: number[], block?: number[]
  }
  const table = (bad: TableInputs, of = row) => [
    int(bad.ptr ?? list(of.ptr)), int(bad.other ?? list(of.other)), int(bad.block ?? list(of.block))
  ];
  const attr = {
    int: (name: string, value: number): TFEOpAttr => ({name, type: tfNodeBackend().binding.TF_ATTR_INT, value}),
    float: (name: string, value: number): TFEOpAttr =>
        ({name, type: tfNodeBackend().binding.TF_ATTR_FLOAT, value}),
    bool: (name: string, value: boolean): TFEOpAttr =>
        ({name, type: tfNodeBackend().binding.TF_ATTR_BOOL, value}),
  };

  describe('TfjsBlockSparseSDD rejects', () => {
    interface SDDInputs extends TableInputs {
      a?: number[], b?: number[], blockSize?: number
    }
    const sdd = (bad: SDDInputs) => errorOfRawOp(
        nativeAddon().ops.sdd, [attr.int('block_size', bad.blockSize ?? 8)],
        () => [tf.zeros(bad.a ?? [2, 24, 5]), tf.zeros(bad.b ?? [2, 24, 5]), ...table(bad)]);

    it('nothing in the valid call the cases start from', () => {
      const inputs = [tf.zeros([2, 24, 5]), tf.zeros([2, 24, 5]), ...table({})];
      const [out] = runRawOp(nativeAddon().ops.sdd, [attr.int('block_size', 8)], inputs);
      expect(out!.shape).to.deep.equal([2, 5, 8, 8]);
      tf.dispose([...inputs, out!]);
    });
    it('an unsupported block_size', () => {
      expect(sdd({blockSize: 12})).to.match(/attr 'block_size' must be one of 8, 16, 32, 64, but got 12/);
    });
    it('a rank-2 a', () => {
      expect(sdd({a: [24, 5]})).to.match(/input 'a' must have rank 3, but got shape \[24,5\]/);
    });
    it('an S that is not a multiple of the block size', () => {
      expect(sdd({a: [2, 20, 5], b: [2, 20, 5]}))
          .to.match(/input 'a' must have shape \[batch, S, d\] with S a multiple of the block size 8, but got \[2,20,5\]/);
    });
    it('a b unlike a', () => {
      expect(sdd({b: [2, 24, 4]})).to.match(/inputs 'a' and 'b' must have the same shape, but got \[2,24,5\] and \[2,24,4\]/);
    });
    it('a table of another sequence length', () => {
      expect(sdd({ptr: [0, 2, 5]})).to.match(/input 'ptr' must have 4 offsets \(one per block row of the layout, plus one\), but got shape \[3\]/);
    });
    it('a ptr that decreases', () => {
      expect(sdd({ptr: [0, 3, 2, 5]})).to.match(/input 'ptr' must rise from 0 to 5.*ptr\[2\] is 2/);
    });
    it('a block column past the sequence', () => {
      const other = list(row.other);
      other[1] = 3;
      expect(sdd({other})).to.match(/input 'other'\[1\] must be a block column of the layout in \[0, 3\), but got 3/);
    });
    it('a kept block named twice', () => {
      expect(sdd({block: [0, 1, 1, 3, 4]})).to.match(/must name each kept block once, but block 1 appears again at 'block'\[2\]/);
    });
    it('a negative kept block', () => {
      expect(sdd({block: [0, 1, 2, -1, 4]})).to.match(/input 'block'\[3\] must be a kept block of the layout in \[0, 5\), but got -1/);
    });
  });

  describe('TfjsBlockSparseSoftmax rejects', () => {
    interface SoftmaxInputs extends TableInputs {
      scores?: number[], keyMask?: number[], useKeyMask?: boolean
    }
    const softmax = (bad: SoftmaxInputs) => errorOfRawOp(
        nativeAddon().ops.softmax,
        [attr.float('scale', 0.5), attr.bool('causal', false), attr.bool('use_key_mask', bad.useKeyMask ?? true)],
        () => [tf.zeros(bad.scores ?? [2, 3, 5, 8, 8]), tf.ones(bad.keyMask ?? [2, 24]), ...table(bad)]);

    it('nothing in the valid call the cases start from', () => {
      const inputs = [tf.zeros([2, 3, 5, 8, 8]), tf.ones([2, 24]), ...table({})];
      const [out] = runRawOp(
          nativeAddon().ops.softmax,
          [attr.float('scale', 0.5), attr.bool('causal', false), attr.bool('use_key_mask', true)], inputs);
      expect(out!.shape).to.deep.equal([2, 3, 5, 8, 8]);
      tf.dispose([...inputs, out!]);
    });
    it('scores of rank 4', () => {
      expect(softmax({scores: [6, 5, 8, 8]})).to.match(/input 'scores' must have rank 5, but got shape \[6,5,8,8\]/);
    });
    it('non-square blocks', () => {
      expect(softmax({scores: [2, 3, 5, 8, 16]}))
          .to.match(/input 'scores' must have shape \[batch, heads, nnz, b, b\] with b in \{8, 16, 32, 64\}, but got \[2,3,5,8,16\]/);
    });
    it('a key_mask of another sequence length or batch', () => {
      expect(softmax({keyMask: [2, 16]})).to.match(/input 'key_mask' must have shape \[2,24\] .*but got \[2,16\]/);
      expect(softmax({keyMask: [1, 24]})).to.match(/input 'key_mask' must have shape \[2,24\] .*but got \[1,24\]/);
    });
    it('fewer score blocks than the table names', () => {
      expect(softmax({scores: [2, 3, 4, 8, 8]})).to.match(/input 'block'\[4\] must be a kept block of the layout in \[0, 4\), but got 4/);
    });
    it('more score blocks than the table names', () => {
      expect(softmax({scores: [2, 3, 6, 8, 8]})).to.match(/input 'block' must name each of the 6 kept blocks once, but got shape \[5\]/);
    });
    it('an empty ptr', () => {
      expect(softmax({ptr: []})).to.match(/input 'ptr' must hold at least one offset, but got shape \[0\]/);
    });
    it('a ptr that does not end at the entry count', () => {
      expect(softmax({ptr: [0, 2, 3, 4]})).to.match(/input 'ptr' must rise from 0 to 5.*ptr\[3\] is 4/);
    });
  });

  describe('TfjsBlockSparseSoftmaxBackward rejects', () => {
    interface BackwardInputs extends TableInputs {
      p?: number[], dp?: number[]
    }
    const backward = (bad: BackwardInputs) => errorOfRawOp(
        nativeAddon().ops.softmaxBackward, [attr.float('scale', 0.5)],
        () => [tf.zeros(bad.p ?? [2, 3, 5, 8, 8]), tf.zeros(bad.dp ?? [2, 3, 5, 8, 8]), ...table(bad)]);

    it('nothing in the valid call the cases start from', () => {
      const inputs = [tf.zeros([2, 3, 5, 8, 8]), tf.zeros([2, 3, 5, 8, 8]), ...table({})];
      const [out] = runRawOp(nativeAddon().ops.softmaxBackward, [attr.float('scale', 0.5)], inputs);
      expect(out!.shape).to.deep.equal([2, 3, 5, 8, 8]);
      tf.dispose([...inputs, out!]);
    });
    it('a dp unlike p', () => {
      expect(backward({dp: [2, 1, 5, 8, 8]})).to.match(/inputs 'p' and 'dp' must have the same shape, but got \[2,3,5,8,8\] and \[2,1,5,8,8\]/);
    });
    it('blocks of an unsupported size', () => {
      expect(backward({p: [2, 3, 5, 4, 4], dp: [2, 3, 5, 4, 4]})).to.match(/input 'p' must have shape \[batch, heads, nnz, b, b\]/);
    });
    it('a block column past the sequence', () => {
      const other = list(row.other);
      other[4] = 7;
      expect(backward({other})).to.match(/input 'other'\[4\] must be a block column of the layout in \[0, 3\), but got 7/);
    });
  });

  describe('TfjsBlockSparseDSD rejects', () => {
    interface DSDInputs extends TableInputs {
      p?: number[], v?: number[], transposeP?: boolean
    }
    const dsd = (bad: DSDInputs) => errorOfRawOp(
        nativeAddon().ops.dsd, [attr.bool('transpose_p', bad.transposeP ?? false)],
        () => [tf.zeros(bad.p ?? [2, 5, 8, 8]), tf.zeros(bad.v ?? [2, 24, 7]), ...table(bad, bad.transposeP ? column : row)]);

    it('nothing in the valid calls the cases start from', () => {
      for (const transposeP of [false, true]) {
        const inputs = [tf.zeros([2, 5, 8, 8]), tf.zeros([2, 24, 7]), ...table({}, transposeP ? column : row)];
        const [out] = runRawOp(nativeAddon().ops.dsd, [attr.bool('transpose_p', transposeP)], inputs);
        expect(out!.shape).to.deep.equal([2, 24, 7]);
        tf.dispose([...inputs, out!]);
      }
    });
    it('p and v of different batches', () => {
      expect(dsd({v: [3, 24, 7]})).to.match(/inputs 'p' and 'v' must have the same batch \(dim 0\), but got shapes \[2,5,8,8\] and \[3,24,7\]/);
    });
    it('a v whose S is not a multiple of the block size', () => {
      expect(dsd({v: [2, 25, 7]})).to.match(/input 'v' must have shape \[batch, S, d\] with S a multiple of the block size 8, but got \[2,25,7\]/);
    });
    it('a rank-2 v', () => {
      expect(dsd({v: [24, 7]})).to.match(/input 'v' must have rank 3, but got shape \[24,7\]/);
    });
    it('a table of another sequence length (P^T . v)', () => {
      expect(dsd({transposeP: true, v: [2, 32, 7]}))
          .to.match(/input 'ptr' must have 5 offsets \(one per block column of the layout, plus one\), but got shape \[4\]/);
    });
    it('a block row past the sequence (P^T . v)', () => {
      const other = list(column.other);
      other[0] = 3;
      expect(dsd({transposeP: true, other})).to.match(/input 'other'\[0\] must be a block row of the layout in \[0, 3\), but got 3/);
    });
    it('more blocks in p than the table names', () => {
      expect(dsd({p: [2, 6, 8, 8]})).to.match(/input 'block' must name each of the 6 kept blocks once, but got shape \[5\]/);
    });
  });

  describe('TfjsBlockSparseAttention rejects', () => {
    interface AttentionInputs extends TableInputs {
      q?: number[], k?: number[], v?: number[], keyMask?: number[], blockSize?: number
    }
    const attrs = (blockSize = 8) => [
      attr.int('block_size', blockSize), attr.float('scale', 0.5), attr.bool('causal', false),
      attr.bool('use_key_mask', true)
    ];
    const attention = (bad: AttentionInputs) => errorOfRawOp(
        nativeAddon().ops.attention, attrs(bad.blockSize),
        () => [
          tf.zeros(bad.q ?? [2, 3, 24, 5]), tf.zeros(bad.k ?? [2, 3, 24, 5]), tf.zeros(bad.v ?? [2, 3, 24, 7]),
          tf.ones(bad.keyMask ?? [2, 24]), ...table(bad)
        ],
        2);

    it('nothing in the valid call the cases start from', () => {
      const inputs = [tf.zeros([2, 3, 24, 5]), tf.zeros([2, 3, 24, 5]), tf.zeros([2, 3, 24, 7]), tf.ones([2, 24]), ...table({})];
      const [out, probs] = runRawOp(nativeAddon().ops.attention, attrs(), inputs, 2);
      expect(out!.shape).to.deep.equal([2, 3, 24, 7]);
      expect(probs!.shape).to.deep.equal([2, 3, 5, 8, 8]);
      tf.dispose([...inputs, out!, probs!]);
    });
    it('an unsupported block_size', () => {
      expect(attention({blockSize: 6})).to.match(/attr 'block_size' must be one of 8, 16, 32, 64, but got 6/);
    });
    it('a rank-3 q', () => {
      expect(attention({q: [6, 24, 5]})).to.match(/input 'q' must have rank 4, but got shape \[6,24,5\]/);
    });
    it('an S that is not a multiple of the block size', () => {
      expect(attention({q: [2, 3, 20, 5], k: [2, 3, 20, 5], v: [2, 3, 20, 7]}))
          .to.match(/input 'q' must have shape \[batch, heads, S, d\] with S a multiple of the block size 8, but got \[2,3,20,5\]/);
    });
    it('a k unlike q', () => {
      expect(attention({k: [2, 3, 24, 4]})).to.match(/inputs 'q' and 'k' must have the same shape, but got \[2,3,24,5\] and \[2,3,24,4\]/);
    });
    it('a v of other heads', () => {
      expect(attention({v: [2, 2, 24, 7]})).to.match(/input 'v' must have the batch, heads and S of 'q' \[2,3,24,5\], but got \[2,2,24,7\]/);
    });
    it('a key_mask of another batch', () => {
      expect(attention({keyMask: [1, 24]})).to.match(/input 'key_mask' must have shape \[2,24\] .*but got \[1,24\]/);
    });
    it('a block column past the sequence', () => {
      const other = list(row.other);
      other[2] = 5;
      expect(attention({other})).to.match(/input 'other'\[2\] must be a block column of the layout in \[0, 3\), but got 5/);
    });
    it('a kept block named twice', () => {
      expect(attention({block: [0, 0, 2, 3, 4]})).to.match(/must name each kept block once, but block 0 appears again at 'block'\[1\]/);
    });
  });

  describe('TfjsBlockSparseAttentionBackward rejects', () => {
    interface BackwardInputs {
      q?: number[], v?: number[], probs?: number[], dy?: number[], rows?: TableInputs, columns?: TableInputs
    }
    const backward = (bad: BackwardInputs) => errorOfRawOp(
        nativeAddon().ops.attentionBackward, [attr.float('scale', 0.5), attr.bool('causal', false)],
        () => [
          tf.zeros(bad.q ?? [2, 3, 24, 5]), tf.zeros([2, 3, 24, 5]), tf.zeros(bad.v ?? [2, 3, 24, 7]),
          tf.zeros(bad.probs ?? [2, 3, 5, 8, 8]), tf.zeros(bad.dy ?? [2, 3, 24, 7]), ...table(bad.rows ?? {}),
          ...table(bad.columns ?? {}, column)
        ],
        3);

    it('nothing in the valid call the cases start from', () => {
      const inputs = [
        tf.zeros([2, 3, 24, 5]), tf.zeros([2, 3, 24, 5]), tf.zeros([2, 3, 24, 7]), tf.zeros([2, 3, 5, 8, 8]),
        tf.zeros([2, 3, 24, 7]), ...table({}), ...table({}, column)
      ];
      const grads = runRawOp(
          nativeAddon().ops.attentionBackward, [attr.float('scale', 0.5), attr.bool('causal', false)], inputs, 3);
      expect(grads.map(g => g.shape)).to.deep.equal([[2, 3, 24, 5], [2, 3, 24, 5], [2, 3, 24, 7]]);
      tf.dispose([...inputs, ...grads]);
    });
    it('probs of other heads than q', () => {
      expect(backward({probs: [2, 1, 5, 8, 8]})).to.match(/input 'probs' must have the batch and heads of 'q' \[2,3,24,5\], but got \[2,1,5,8,8\]/);
    });
    it('probs with non-square blocks', () => {
      expect(backward({probs: [2, 3, 5, 8, 4]})).to.match(/input 'probs' must have shape \[batch, heads, nnz, b, b\]/);
    });
    it('a dy unlike v', () => {
      expect(backward({dy: [2, 3, 24, 6]})).to.match(/inputs 'v' and 'dy' must have the same shape, but got \[2,3,24,7\] and \[2,3,24,6\]/);
    });
    it('a row table of another sequence length', () => {
      expect(backward({rows: {ptr: [0, 2, 5]}})).to.match(/input 'ptr' must have 4 offsets \(one per block row of the layout, plus one\), but got shape \[3\]/);
    });
    it('a block row past the sequence in the column table', () => {
      const other = list(column.other);
      other[0] = 4;
      expect(backward({columns: {other}})).to.match(/input 'other'\[0\] must be a block row of the layout in \[0, 3\), but got 4/);
    });
    it('fewer probs blocks than the tables name', () => {
      expect(backward({probs: [2, 3, 4, 8, 8]})).to.match(/input 'block'\[4\] must be a kept block of the layout in \[0, 4\), but got 4/);
    });
  });
});
