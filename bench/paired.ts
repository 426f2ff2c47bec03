/**
 * Paired timing of block-sparse products against dense tf.matMul, for a
 * shared, noisy machine: each sample times the dense call and then the
 * sparse call back to back, and the speedup reported is the median of the
 * per-pair ratios, so load that drifts over minutes hits both sides alike
 * (bench/matmul.ts times the dense baseline once per M, minutes before some
 * sparse runs).
 *
 *   npx ts-node --transpile-only bench/paired.ts --backend webgpu --m 2048 \
 *       --b 32 --densities 1,1/2,1/4,1/8,1/16,1/32 --products forward --pairs 3
 */
import * as tf from '@tensorflow/tfjs';

import * as tfbs from '../src/index';
import {selectBackend} from '../examples/select_backend';
import {listArg, parseFraction} from './args';
import {timeOnce} from './timing';

async function main() {
  const argv = process.argv.slice(2);
  const backend = await selectBackend(argv);
  const M = Number(listArg(argv, '--m', '2048')[0]);
  const K = Number(listArg(argv, '--k', '2048')[0]);
  const N = Number(listArg(argv, '--n', '2048')[0]);
  const blockSizes = listArg(argv, '--b', '32').map(Number);
  const densities = listArg(argv, '--densities', '1,1/8').map(parseFraction);
  const products = listArg(argv, '--products', 'forward,transposed,sampled');
  const pairs = Number(listArg(argv, '--pairs', '3')[0]);
  const x = tf.randomNormal([M, K]) as tf.Tensor2D;
  const dy = tf.randomNormal([M, N]) as tf.Tensor2D;
  const wDense = tf.randomNormal([K, N]) as tf.Tensor2D;
  const dense: Record<string, () => tf.Tensor> = {
    forward: () => tf.matMul(x, wDense),
    transposed: () => tf.matMul(dy, wDense, false, true),
    sampled: () => tf.matMul(x, dy, true, false),
  };
  console.log(`Paired timing on '${backend}', M=${M} K=${K} N=${N}, median of ${pairs} (dense, sparse) pairs`);
  console.log('| b | density | product | dense ms | sparse ms | speedup | efficiency |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const product of products) await timeOnce(dense[product]);
  for (const blockSize of blockSizes) {
    for (const density of densities) {
      const layout = density === 1 ? tfbs.BlockLayout.dense(K, N, blockSize) :
          tfbs.balancedRandomLayout({inputSize: K, outputSize: N, blockSize, density, seed: 1});
      const w = tf.randomNormal(layout.weightShape) as tf.Tensor3D;
      const sparse: Record<string, () => tf.Tensor> = {
        forward: () => tfbs.blockSparseMatMul(x, w, layout),
        transposed: () => tfbs.blockSparseMatMul(dy, w, layout, {transposeW: true}),
        sampled: () => tfbs.blockSparseSampledMatMul(x, dy, layout),
      };
      for (const product of products) {
        await timeOnce(sparse[product]);  // compile and upload tables
        const samples: Array<{d: number, s: number}> = [];
        for (let i = 0; i < pairs; i++) {
          samples.push({d: await timeOnce(dense[product]), s: await timeOnce(sparse[product])});
        }
        samples.sort((p, q) => p.d / p.s - q.d / q.s);
        const mid = samples[samples.length >> 1];
        const speedup = mid.d / mid.s;
        const label = density === 1 ? '1' : `1/${Math.round(1 / layout.density)}`;
        console.log(`| ${blockSize} | ${label} | ${product} | ${mid.d.toFixed(0)} | ${mid.s.toFixed(0)} | ${
            speedup.toFixed(2)}x | ${(speedup * layout.density).toFixed(2)} |`);
      }
      w.dispose();
      layout.dispose();
    }
  }
  tf.dispose([x, dy, wDense]);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
