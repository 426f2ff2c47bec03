/**
 * Paired timing of block-sparse products against dense tf.matMul, for a
 * shared, noisy machine: each pair times the dense call and the sparse call
 * back to back (alternating which goes first), and the speedup is reported
 * as the min and the median of the per-pair ratios, so load that drifts over
 * minutes hits both sides alike. Effective GFLOP/s count the useful flops
 * only (2 * M * nnz * b * b for block-sparse, 2 * M * K * N for dense).
 *
 *   npx ts-node --transpile-only bench/paired.ts --backend tensorflow --m 2048 \
 *       --b 32 --densities 1,1/2,1/4,1/8,1/16,1/32 --pairs 5 --out bench-results/paired
 *
 * Prints the machine's load average first (numbers for the README are taken
 * below 1), then a markdown table; writes paired-<backend>.json and a
 * speedup-vs-density SVG into --out. On `tensorflow`, --baseline adds
 * TensorFlow's element-sparse SparseTensorDenseMatMul holding the same
 * nonzeros (forward only), timed in the same pairs. --calls N times each
 * side of a pair over N back-to-back calls (ms per call), as a loop over
 * the same weights makes them (an LSTM's time steps); with the default 1,
 * every sparse call follows a dense one, which leaves the caches and the
 * op dispatch path cold.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

import {flagSpecs, parseFlags, parseList, parseNumber, parseNumberList} from '../scripts/lib/command_flags';
import {startCommandBackend} from '../scripts/lib/node_backends';
import * as tfbs from '../src/index';

import {FORWARD_BASELINES} from './baselines';
import {formatDensity, MeasuredCase, Product, PRODUCTS} from './products';
import {logLogPlot, Series} from '../scripts/lib/svg_plot';
import {pairRatios, timeInterleavedPairs} from './interleaved_pairs';
import {RunMetadata, runMetadata} from '../scripts/lib/run_metadata';
import {median, timeCalls, timeOnce} from './timing';

interface PairedRow extends MeasuredCase {
  product: Product;
  denseMsMedian: number;
  sparseMsMedian: number;
  speedupMin: number;
  speedupMedian: number;
  efficiency: number;
  denseGflops: number;
  sparseGflops: number;
  /** SparseTensorDenseMatMul time / block-sparse time, median of pairs. */
  vsElementSparse?: number;
}

const FLAGS = flagSpecs({
  backend: 'cpu', m: '2048', k: '2048', n: '2048', b: '32', densities: '1,1/8', products: PRODUCTS.join(','),
  pairs: '5', calls: '1', layout: 'balanced', baseline: false, out: 'bench-results/paired',
});

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const backend = await startCommandBackend(flags.backend);
  if (backend === undefined) return;  // a child process ran the command (TensorFlow's log lines filtered)
  const K = parseNumber(flags.k, '--k'), N = parseNumber(flags.n, '--n');
  const ms = parseNumberList(flags.m, '--m');
  const blockSizes = parseNumberList(flags.b, '--b');
  const densities = parseNumberList(flags.densities, '--densities');
  const products = parseList(flags.products) as Product[];
  const unknown = products.filter(p => !PRODUCTS.includes(p));
  if (unknown.length > 0) {
    throw new Error(`--products must list ${PRODUCTS.join(', ')}, but got '${unknown.join(', ')}'.`);
  }
  const pairs = parseNumber(flags.pairs, '--pairs');
  const calls = parseNumber(flags.calls, '--calls');
  const metadata = runMetadata(backend);
  const load = metadata.loadAverageAtStart;
  console.log(`Paired timing on '${backend}', ${os.cpus().length} cores, load average ${
      load.toFixed(2)}${load >= 1 ? ' (busy: repeat below 1 before quoting)' : ''}; K=${K} N=${
      N}; min and median over ${pairs} (dense, sparse) pairs${
      calls > 1 ? `, each side timed over ${calls} back-to-back calls` : ''}`);
  console.log('| b | M | density | product | dense ms | sparse ms | speedup min | speedup median | efficiency | dense GFLOP/s | sparse GFLOP/s |' +
              (flags.baseline ? ' vs SparseTensorDenseMatMul |' : ''));
  console.log('|---|---|---|---|---|---|---|---|---|---|---|' + (flags.baseline ? '---|' : ''));
  const rows: PairedRow[] = [];
  for (const M of ms) {
    const x = tf.randomNormal([M, K]) as tf.Tensor2D;
    const dy = tf.randomNormal([M, N]) as tf.Tensor2D;
    const wDense = tf.randomNormal([K, N]) as tf.Tensor2D;
    const dense: Record<Product, () => tf.Tensor> = {
      forward: () => tf.matMul(x, wDense),
      transposed: () => tf.matMul(dy, wDense, false, true),
      sampled: () => tf.matMul(x, dy, true, false),
    };
    for (const product of products) await timeOnce(dense[product]);
    for (const blockSize of blockSizes) {
      for (const density of densities) {
        const layout = makeLayout(flags.layout, K, N, blockSize, density);
        const w = tf.randomNormal(layout.weightShape) as tf.Tensor3D;
        const sparse: Record<Product, () => tf.Tensor> = {
          forward: () => tfbs.blockSparseMatMul(x, w, layout),
          transposed: () => tfbs.blockSparseMatMul(dy, w, layout, {transposeW: true}),
          sampled: () => tfbs.blockSparseSampledMatMul(x, dy, layout),
        };
        for (const product of products) {
          const baseline = flags.baseline && product === 'forward' ?
              FORWARD_BASELINES.find(b => b.backends.includes(backend))?.prepare(layout, w) :
              undefined;
          const row = await timePairs(
              dense[product], sparse[product], baseline && (() => baseline.run(x)), pairs, calls);
          baseline?.dispose();
          const denseFlops = 2 * M * K * N;
          const sparseFlops = 2 * M * layout.nnzBlocks * blockSize * blockSize;
          const result: PairedRow = {
            backend, product, M, K, N, blockSize, density: layout.density,
            nnzBlocks: layout.nnzBlocks,
            denseMsMedian: row.denseMs, sparseMsMedian: row.sparseMs,
            speedupMin: row.speedupMin, speedupMedian: row.speedupMedian,
            efficiency: row.speedupMedian * layout.density,
            denseGflops: denseFlops / row.denseMs / 1e6,
            sparseGflops: sparseFlops / row.sparseMs / 1e6,
            vsElementSparse: row.baselineRatio,
          };
          rows.push(result);
          printRow(result, flags.baseline);
        }
        w.dispose();
        layout.dispose();
      }
    }
    tf.dispose([x, dy, wDense]);
  }
  writeResults(flags.out, backend, rows, metadata, calls);
}

function makeLayout(kind: string, K: number, N: number, blockSize: number, density: number) {
  if (density === 1) return tfbs.BlockLayout.dense(K, N, blockSize);
  const spec = {inputSize: K, outputSize: N, blockSize, density, seed: 1};
  switch (kind) {
    case 'balanced':
      return tfbs.balancedRandomLayout(spec);
    case 'random':
      return tfbs.randomLayout(spec);
    default:
      throw new Error(`--layout must be 'balanced' or 'random', but got '${kind}'.`);
  }
}

async function timePairs(
    dense: () => tf.Tensor, sparse: () => tf.Tensor, baseline: (() => tf.Tensor)|undefined,
    pairs: number, calls: number) {
  await timeOnce(sparse);  // builds and uploads lookup tables
  if (baseline) await timeOnce(baseline);
  const baselineMs: number[] = [];
  const samples = await timeInterleavedPairs(
      () => timeCalls(dense, calls), () => timeCalls(sparse, calls), pairs,
      async () => { if (baseline) baselineMs.push(await timeCalls(baseline, calls)); });
  const speedup = pairRatios(samples.denseMs, samples.sparseMs);
  return {
    denseMs: median(samples.denseMs),
    sparseMs: median(samples.sparseMs),
    speedupMin: speedup.min,
    speedupMedian: speedup.median,
    baselineRatio: baseline ? pairRatios(baselineMs, samples.sparseMs).median : undefined,
  };
}

function printRow(r: PairedRow, withBaseline: boolean): void {
  const cells = [
    r.blockSize, r.M, formatDensity(r.density), r.product, r.denseMsMedian.toFixed(1),
    r.sparseMsMedian.toFixed(2), `${r.speedupMin.toFixed(2)}x`, `${r.speedupMedian.toFixed(2)}x`,
    r.efficiency.toFixed(2), r.denseGflops.toFixed(0), r.sparseGflops.toFixed(0),
  ];
  if (r.vsElementSparse !== undefined) cells.push(`${r.vsElementSparse.toFixed(1)}x`);
  else if (withBaseline) cells.push('');
  console.log(`| ${cells.join(' | ')} |`);
}

function writeResults(
    outDir: string, backend: string, rows: PairedRow[], metadata: RunMetadata, calls: number): void {
  fs.mkdirSync(outDir, {recursive: true});
  const json = path.join(outDir, `paired-${backend}.json`);
  fs.writeFileSync(json, JSON.stringify({metadata, callsPerSample: calls, rows}, null, 2));
  const series: Series[] = [];
  for (const product of PRODUCTS) {
    for (const b of [...new Set(rows.map(r => r.blockSize))]) {
      for (const M of [...new Set(rows.map(r => r.M))]) {
        const points = rows.filter(r => r.product === product && r.blockSize === b && r.M === M)
                           .map(r => ({x: r.density, y: r.speedupMedian}));
        if (points.length > 0) series.push({label: `${product} b=${b} M=${M}`, points});
      }
    }
  }
  const densities = [...new Set(rows.map(r => r.density))];
  series.push({label: 'ideal 1/density', points: densities.map(d => ({x: d, y: 1 / d}))});
  const svg = path.join(outDir, `paired-${backend}.svg`);
  fs.writeFileSync(svg, logLogPlot(
      `Block-sparse vs dense tf.matMul on '${backend}' (median of pairs)`, 'density',
      'speedup over dense', series));
  console.log(`wrote ${json} and ${svg}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
