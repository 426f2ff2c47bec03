/**
 * The composed path of the tensorflow kernels (GPU devices, no addon): every
 * plan, forced through the tf.env() flags, matches the reference on layouts
 * with empty groups and uneven group lengths (one bucket and several), index
 * tables are built once per layout, and repeated calls leak neither engine
 * tensors, backend data ids nor TF handles.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {FORWARD_BASELINES} from '../../bench/baselines';
import {blockSparseMatMul} from '../../ops/block_sparse_mat_mul';
import {blockSparseSampledMatMul} from '../../ops/block_sparse_sampled_mat_mul';
import {BUCKET_SLOTS_FLAG, CHUNK_BYTES_FLAG, NATIVE_FLAG, PLAN_FLAG, TENSORFLOW_PLANS, TensorflowPlan} from '../../src/kernels/tensorflow/flags';
import type {TFNodeBackend} from '../../src/kernels/tensorflow/tf_ops';
import {BlockLayout} from '../../src/layout/block_layout';
import {barabasiAlbertLayout} from '../../src/layout/generators';
import {blocksFromDense, denseFromBlocks, matMul64, relativeError} from '../util/reference';
import {createRng, freshSeed, randomNormal} from '../util/random';
import {opsRunBy} from '../util/tensorflow_ops';

function layouts(): Array<{name: string, layout: BlockLayout}> {
  return [
    {
      // Column lengths 3, 1, 0, 2 and row lengths 2, 1, 3: padding, an empty
      // column and several buckets.
      name: 'uneven with an empty column',
      layout: BlockLayout.fromMask([[1, 0, 0, 1], [1, 0, 0, 0], [1, 1, 0, 1]], 8),
    },
    {
      name: 'barabasiAlbert 64 blocks',
      layout: barabasiAlbertLayout({inputSize: 128, outputSize: 256, blockSize: 16, density: 0.3, seed: 5}),
    },
    {name: 'dense', layout: BlockLayout.dense(64, 96, 32)},
  ];
}

/** Whether the ops of a forward product are the ones `plan` runs. */
function forwardOpsMatch(plan: TensorflowPlan, ops: string[]): boolean {
  switch (plan) {
    case 'dense':
      return ops.includes('MatMul') && !ops.includes('BatchMatMulV2');
    case 'grouped':
      return ops.includes('BatchMatMulV2') && !ops.includes('UnsortedSegmentSum');
    case 'blockwise':
      return ops.includes('UnsortedSegmentSum');
  }
}

/** Runs `body` on the composed path with `flags` set, then restores them. */
function withFlags(flags: Record<string, number|string|boolean>, body: () => void): void {
  const saved = Object.keys(flags).map(name => [name, tf.env().get(name)] as const);
  try {
    Object.entries(flags).forEach(([name, value]) => tf.env().set(name, value));
    body();
  } finally {
    saved.forEach(([name, value]) => tf.env().set(name, value));
  }
}

// Loaded only by the tensorflow runs (npm run test:tensorflow and its variants).
describe('tensorflow composed plans', () => {
  for (const plan of TENSORFLOW_PLANS) {
    const variants: Array<{name: string, bucketOverheadSlots?: number, chunkBytes?: number}> =
        plan !== 'grouped' ? [{name: ''}] : [
          {name: ' (a bucket per length)', bucketOverheadSlots: 1},
          {name: ' (one bucket)', bucketOverheadSlots: 1e9},
          {name: ' (row chunks)', bucketOverheadSlots: 1, chunkBytes: 1},
        ];
    for (const {name: variant, ...options} of variants) {
      for (const {name, layout} of layouts()) {
        it(`${plan}${variant}: x . W, x . W^T and a^T . b on ${name}`, async () => {
          const seed = freshSeed();
          const rng = createRng(seed);
          const {inputSize: K, outputSize: N, blockSize: b} = layout;
          const w = randomNormal(layout.nnzBlocks * b * b, rng);
          const dense = denseFromBlocks(w, layout);
          for (const rows of [1, 19]) {
            const x = randomNormal(rows * K, rng), dy = randomNormal(rows * N, rng);
            const wT = tf.tensor3d(w, layout.weightShape);
            let y!: tf.Tensor, dx!: tf.Tensor, dw!: tf.Tensor;
            withFlags({
              [NATIVE_FLAG]: false,
              [PLAN_FLAG]: plan,
              [BUCKET_SLOTS_FLAG]: options.bucketOverheadSlots ?? 0,
              [CHUNK_BYTES_FLAG]: options.chunkBytes ?? 0,
            }, () => {
              const forward = opsRunBy(() => blockSparseMatMul(tf.tensor2d(x, [rows, K]), wT, layout));
              y = forward.result;
              expect(forwardOpsMatch(plan, forward.ops), `ops ${forward.ops}`).to.equal(true);
              dx = blockSparseMatMul(tf.tensor2d(dy, [rows, N]), wT, layout, {transposeW: true});
              dw = blockSparseSampledMatMul(tf.tensor2d(x, [rows, K]), tf.tensor2d(dy, [rows, N]), layout);
            });
            const where = `${name}, M=${rows}, seed ${seed}`;
            expect(relativeError(await y.data(), matMul64(x, [rows, K], dense, [K, N])), where)
                .to.be.below(1e-5);
            expect(relativeError(await dx.data(), matMul64(dy, [rows, N], dense, [K, N], false, true)), where)
                .to.be.below(1e-5);
            const full = matMul64(x, [rows, K], dy, [rows, N], true, false);
            expect(relativeError(await dw.data(), blocksFromDense(full, layout)), where).to.be.below(1e-5);
            tf.dispose([y, dx, dw, wT]);
          }
        });
      }
    }
  }

  it('builds index tables once per layout and leaks nothing across calls', async () => {
    const backend = tf.backend() as TFNodeBackend;
    const layout = barabasiAlbertLayout({inputSize: 128, outputSize: 128, blockSize: 16, density: 0.25, seed: 2});
    const x = tf.randomNormal([9, 128]) as tf.Tensor2D;
    const w = tf.randomNormal(layout.weightShape) as tf.Tensor3D;
    const all = () => tf.tidy(() => {
      for (const plan of TENSORFLOW_PLANS) {
        withFlags({[NATIVE_FLAG]: false, [PLAN_FLAG]: plan}, () => {
          blockSparseMatMul(x, w, layout);
          blockSparseMatMul(x, w, layout, {transposeW: true});
          blockSparseSampledMatMul(x, x, layout);
        });
      }
      return blockSparseMatMul(x, w, layout);
    });
    (await all()).dispose();  // builds the tables
    const tables = layout.cachedByteLength();
    expect(tables).to.be.above(0);
    const tensors = tf.memory().numTensors;
    const dataIds = backend.numDataIds();
    const handles = backend.binding.getNumOfTensors();
    for (let i = 0; i < 5; i++) {
      const y = all();
      await y.data();
      y.dispose();
    }
    expect(layout.cachedByteLength(), 'tables rebuilt').to.equal(tables);
    expect(tf.memory().numTensors, 'engine tensors').to.equal(tensors);
    expect(backend.numDataIds(), 'backend data ids').to.equal(dataIds);
    expect(backend.binding.getNumOfTensors(), 'TF handles').to.equal(handles);
    layout.dispose();
    expect(backend.numDataIds(), 'tables freed by layout.dispose()').to.be.below(dataIds);
    tf.dispose([x, w]);
  });

  it('the SparseTensorDenseMatMul benchmark baseline holds the same nonzeros', async () => {
    const baseline = FORWARD_BASELINES.find(b => b.name === 'SparseTensorDenseMatMul')!;
    const layout = barabasiAlbertLayout({inputSize: 128, outputSize: 64, blockSize: 16, density: 0.3, seed: 4});
    const x = tf.randomNormal([7, 128]) as tf.Tensor2D;
    const w = tf.randomNormal(layout.weightShape) as tf.Tensor3D;
    const prepared = baseline.prepare(layout, w);
    const y = prepared.run(x), expected = blockSparseMatMul(x, w, layout);
    expect(y.shape).to.deep.equal([7, 64]);
    expect(relativeError(await y.data(), await expected.data())).to.be.below(1e-5);
    prepared.dispose();
    tf.dispose([x, w, y, expected]);
    layout.dispose();
  });
});
