/**
 * WebGPU-only checks beyond the conformance suite: every shader variant
 * compiles and runs with a clean validation error scope, split (load-balanced)
 * tables and M-chunked sampled products are right, and a second call neither
 * compiles a pipeline nor uploads a table.
 *
 * Loaded only by npm run test:webgpu (TFJS_BACKEND=webgpu), where the root hooks
 * fail loudly when no WebGPU adapter can be created.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseMatMul} from '../../ops/block_sparse_mat_mul';
import {blockSparseSampledMatMul} from '../../ops/block_sparse_sampled_mat_mul';
import {layoutTables} from '../../src/kernels/webgpu/gpu_tables';
import {BlockLayout} from '../../src/layout/block_layout';
import {balancedRandomLayout} from '../../src/layout/generators';
import {blocksFromDense, denseFromBlocks, matMul64, relativeError} from '../util/reference';
import {createRng, freshSeed, Rng, randomNormal} from '../util/random';

import {backend, expectNoGpuErrors} from './gpu_checks';

async function checkProducts(layout: BlockLayout, rows: number, rng: Rng) {
  const {inputSize: K, outputSize: N, blockSize: b} = layout;
  const w = randomNormal(layout.nnzBlocks * b * b, rng);
  const dense = denseFromBlocks(w, layout);
  const wT = tf.tensor3d(w, layout.weightShape);
  const x = randomNormal(rows * K, rng), dy = randomNormal(rows * N, rng);
  const [y, dx, dw] = await expectNoGpuErrors(() => [
    blockSparseMatMul(tf.tensor2d(x, [rows, K]), wT, layout),
    blockSparseMatMul(tf.tensor2d(dy, [rows, N]), wT, layout, {transposeW: true}),
    blockSparseSampledMatMul(tf.tensor2d(x, [rows, K]), tf.tensor2d(dy, [rows, N]), layout),
  ]);
  const what = `${layout} M=${rows}`;
  expect(relativeError(await y.data(), matMul64(x, [rows, K], dense, [K, N])), `x . W ${what}`)
      .to.be.below(1e-5);
  expect(relativeError(await dx.data(), matMul64(dy, [rows, N], dense, [K, N], false, true)),
         `dy . W^T ${what}`).to.be.below(1e-5);
  const full = matMul64(x, [rows, K], dy, [rows, N], true, false);
  expect(relativeError(await dw.data(), blocksFromDense(full, layout)), `x^T . dy ${what}`)
      .to.be.below(1e-5);
  tf.dispose([y, dx, dw, wT]);
}

/** One block column holding every block row, the others one block each. */
function heavyColumnLayout(blockRows: number, blockCols: number, blockSize: number): BlockLayout {
  const mask = Array.from({length: blockRows}, (_, k) =>
      Array.from({length: blockCols}, (_, n) => (n === 1 || n === k % blockCols ? 1 : 0)));
  return BlockLayout.fromMask(mask, blockSize);
}

describe('webgpu kernels', () => {
  before(() => expect(tf.getBackend()).to.equal('webgpu'));

  for (const blockSize of [8, 16, 32, 64]) {
    it(`b=${blockSize}: M = 1, 5, 130 match the reference with no GPU errors`, async () => {
      const rng = createRng(freshSeed());
      const layout = balancedRandomLayout(
          {inputSize: 4 * blockSize, outputSize: 3 * blockSize, blockSize, density: 0.5, seed: 7});
      for (const rows of [1, 5, 130]) await checkProducts(layout, rows, rng);
      layout.dispose();
    });
  }

  it('a heavy block column is split into segments and summed back', async () => {
    const rng = createRng(freshSeed());
    const layout = heavyColumnLayout(24, 6, 8);
    const tables = layoutTables(backend(), layout);
    expect(tables.columns.split, 'forward table is split').to.equal(true);
    expect(tables.rows.split, 'row table is not split').to.equal(false);
    for (const rows of [3, 70]) await checkProducts(layout, rows, rng);
    // A full block row: the transposed product's table splits it.
    const heavyRow = BlockLayout.fromMask(
        Array.from({length: 6}, (_, k) => Array.from({length: 24}, (_, n) => (k === 2 || n % 6 === k ? 1 : 0))), 16);
    expect(layoutTables(backend(), heavyRow).rows.split, 'row table is split').to.equal(true);
    await checkProducts(heavyRow, 9, rng);
    layout.dispose();
    heavyRow.dispose();
  });

  it('the sampled product splits a long M over chunks when there are few blocks', async () => {
    const rng = createRng(freshSeed());
    const layout = BlockLayout.fromMask([[0, 1], [0, 0]], 32);
    await checkProducts(layout, 1000, rng);
    layout.dispose();
  });

  it('a second call compiles nothing and uploads no table', async () => {
    const layout = balancedRandomLayout(
        {inputSize: 256, outputSize: 128, blockSize: 32, density: 0.25, seed: 2});
    const w = tf.randomNormal(layout.weightShape);
    const x = tf.randomNormal([64, 256]), dy = tf.randomNormal([64, 128]);
    const run = async () => {
      const outs = [
        blockSparseMatMul(x, w, layout),
        blockSparseMatMul(dy, w, layout, {transposeW: true}),
        blockSparseSampledMatMul(x, dy, layout),
      ];
      for (const out of outs) await out.data();
      tf.dispose(outs);
    };
    await run();
    const pipelines = Object.keys(backend().pipelineCache).length;
    const tableBytes = layout.cachedByteLength();
    const dataIds = backend().tensorMap.numDataIds();
    const tensors = tf.memory().numTensors;
    expect(tableBytes).to.be.above(0);
    await run();
    await run();
    expect(Object.keys(backend().pipelineCache).length, 'pipelines').to.equal(pipelines);
    expect(layout.cachedByteLength(), 'table bytes').to.equal(tableBytes);
    expect(backend().tensorMap.numDataIds(), 'backend buffers').to.equal(dataIds);
    expect(tf.memory().numTensors, 'engine tensors').to.equal(tensors);
    layout.dispose();
    expect(layout.cachedByteLength()).to.equal(0);
    expect(backend().tensorMap.numDataIds(), 'tables freed').to.be.below(dataIds);
    tf.dispose([w, x, dy]);
  });
});
