/**
 * `npm run bench -- --backend webgpu`: block-sparse products against the
 * dense tf.matMul doing the same job, on one backend in one run.
 *
 * For every M, shape, block size and density: median time of the forward
 * (x . W), transposed (dy . W^T) and sampled (x^T . dy on the layout)
 * products and of the dense equivalents, speedup, ideal speedup 1/density,
 * efficiency = speedup x density, and memory of the weights. Prints a table,
 * writes bench-results/matmul-<backend>.json and a speedup-vs-density SVG.
 *
 * Options: --backend cpu|webgpu|tensorflow|wasm  --m 32,256,2048  --b 8,16,32,64
 *   --densities 1,1/2,...  --shapes square,nonsquare  --samples 5
 *   --budget-ms 4000  --quick (a small subset for CI)  --out DIR
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

import {flagSpecs, parseFlags, parseList, parseNumber, parseNumberList} from '../scripts/lib/command_flags';
import {startCommandBackend} from '../scripts/lib/node_backends';
import * as tfbs from '../src/index';

import {FORWARD_BASELINES} from './baselines';
import {formatDensity, MeasuredCase, Product, PRODUCTS} from './products';
import {RunMetadata, runMetadata} from '../scripts/lib/run_metadata';
import {logLogPlot, Series} from '../scripts/lib/svg_plot';
import {timeOp, TimingOptions} from './timing';

interface Shape {
  name: string;
  inputSize: number;
  outputSize: number;
}
const SHAPES: Record<string, Shape> = {
  square: {name: 'square', inputSize: 2048, outputSize: 2048},
  // An LSTM-style projection: K inputs to 4 gates of K/2 units.
  nonsquare: {name: 'nonsquare', inputSize: 1024, outputSize: 4096},
};

export interface BenchRow extends MeasuredCase {
  /** A product, or 'forward vs <baseline>'. */
  product: Product|string;
  sparseMs: number;
  denseMs: number;
  speedup: number;
  idealSpeedup: number;
  efficiency: number;
  weightBytes: number;
  tableBytes: number;
  denseBytes: number;
}

// Without a value, a list flag takes the full sweep, or a small subset with --quick (CI).
const FLAGS = flagSpecs({
  backend: 'cpu', quick: false, m: null, b: null, densities: null, shapes: null, samples: null,
  'budget-ms': '4000', out: 'bench-results',
});

function shapeNamed(name: string): Shape {
  const shape = SHAPES[name];
  if (shape == null) throw new Error(`--shapes must list ${Object.keys(SHAPES).join(', ')}, but got '${name}'.`);
  return shape;
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const backend = await startCommandBackend(flags.backend);
  if (backend === undefined) return;  // a child process ran the command (TensorFlow's log lines filtered)
  const metadata = runMetadata(backend);
  const quick = flags.quick;
  const ms = parseNumberList(flags.m ?? (quick ? '256' : '32,256,2048'), '--m');
  const blockSizes = parseNumberList(flags.b ?? (quick ? '32' : '8,16,32,64'), '--b');
  const densities = parseNumberList(flags.densities ?? (quick ? '1,1/8,1/64' : '1,1/2,1/4,1/8,1/16,1/32,1/64'), '--densities');
  const shapes = parseList(flags.shapes ?? (quick ? 'square' : 'square,nonsquare')).map(shapeNamed);
  const timing: TimingOptions = {
    samples: parseNumber(flags.samples ?? (quick ? '3' : '5'), '--samples'),
    budgetMs: parseNumber(flags['budget-ms'], '--budget-ms'),
  };
  const outDir = flags.out;

  console.log(`Block-sparse matmul benchmark on '${backend}' (median of up to ${timing.samples} samples, ` +
      `each one call plus read-back of its result)\n`);
  const rows: BenchRow[] = [];
  for (const shape of shapes) {
    const {inputSize: K, outputSize: N} = shape;
    for (const M of ms) {
      const x = tf.randomNormal([M, K]) as tf.Tensor2D;
      const dy = tf.randomNormal([M, N]) as tf.Tensor2D;
      const wDense = tf.randomNormal([K, N]) as tf.Tensor2D;
      const dense: Record<Product, number> = {
        forward: (await timeOp(() => tf.matMul(x, wDense), timing)).medianMs,
        transposed: (await timeOp(() => tf.matMul(dy, wDense, false, true), timing)).medianMs,
        sampled: (await timeOp(() => tf.matMul(x, dy, true, false), timing)).medianMs,
      };
      console.log(`M=${M} K=${K} N=${N}: dense forward ${dense.forward.toFixed(1)} ms, ` +
          `transposed ${dense.transposed.toFixed(1)} ms, weight-gradient ${dense.sampled.toFixed(1)} ms`);
      for (const blockSize of blockSizes) {
        for (const density of densities) {
          const layout = density === 1 ? tfbs.BlockLayout.dense(K, N, blockSize) :
              tfbs.balancedRandomLayout({inputSize: K, outputSize: N, blockSize, density, seed: 1});
          const w = tf.randomNormal(layout.weightShape) as tf.Tensor3D;
          const sparse: Record<Product, number> = {
            forward: (await timeOp(() => tfbs.blockSparseMatMul(x, w, layout), timing)).medianMs,
            transposed: (await timeOp(() => tfbs.blockSparseMatMul(dy, w, layout, {transposeW: true}), timing)).medianMs,
            sampled: (await timeOp(() => tfbs.blockSparseSampledMatMul(x, dy, layout), timing)).medianMs,
          };
          const base = {
            backend, M, K, N, blockSize, density: layout.density, nnzBlocks: layout.nnzBlocks,
            weightBytes: layout.nnzBlocks * blockSize * blockSize * 4,
            tableBytes: layout.cachedByteLength(), denseBytes: K * N * 4,
          };
          for (const product of PRODUCTS) {
            const speedup = dense[product] / sparse[product];
            rows.push({...base, product, sparseMs: sparse[product], denseMs: dense[product], speedup,
              idealSpeedup: 1 / layout.density, efficiency: speedup * layout.density});
          }
          for (const baseline of FORWARD_BASELINES.filter(b => b.backends.includes(backend))) {
            const prepared = baseline.prepare(layout, w);
            const t = (await timeOp(() => prepared.run(x), timing)).medianMs;
            prepared.dispose();
            rows.push({...base, product: `forward vs ${baseline.name}`, sparseMs: sparse.forward, denseMs: t,
              speedup: t / sparse.forward, idealSpeedup: NaN, efficiency: NaN});
          }
          printRows(rows.filter(r => r.M === M && r.K === K && r.N === N && r.blockSize === blockSize &&
              r.nnzBlocks === layout.nnzBlocks));
          w.dispose();
          layout.dispose();
        }
      }
      tf.dispose([x, dy, wDense]);
    }
  }
  writeResults(outDir, backend, rows, metadata);
}

let headerPrinted = false;
function printRows(rows: BenchRow[]) {
  const cols = ['product', 'M', 'K', 'N', 'b', 'density', 'sparse ms', 'dense ms', 'speedup', 'ideal', 'efficiency', 'weights+tables / dense bytes'];
  const widths = [26, 5, 5, 5, 3, 8, 10, 10, 8, 6, 10, 28];
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join(' ');
  if (!headerPrinted) {
    console.log(line(cols));
    headerPrinted = true;
  }
  for (const r of rows) {
    const memory = `${((r.weightBytes + r.tableBytes) / r.denseBytes * 100).toFixed(2)}%`;
    console.log(line([String(r.product), String(r.M), String(r.K), String(r.N), String(r.blockSize),
      formatDensity(r.density), r.sparseMs.toFixed(2), r.denseMs.toFixed(2), r.speedup.toFixed(2) + 'x',
      Number.isNaN(r.idealSpeedup) ? '' : r.idealSpeedup.toFixed(0),
      Number.isNaN(r.efficiency) ? '' : r.efficiency.toFixed(2), memory]));
  }
}

function writeResults(outDir: string, backend: string, rows: BenchRow[], metadata: RunMetadata) {
  fs.mkdirSync(outDir, {recursive: true});
  const jsonPath = path.join(outDir, `matmul-${backend}.json`);
  fs.writeFileSync(jsonPath, JSON.stringify({metadata, rows}, null, 1));
  const series: Series[] = [];
  const forward = rows.filter(r => r.product === 'forward');
  const keys = [...new Set(forward.map(r => `b=${r.blockSize} M=${r.M} ${r.K}x${r.N}`))];
  for (const key of keys) {
    series.push({label: key, points: forward.filter(r => `b=${r.blockSize} M=${r.M} ${r.K}x${r.N}` === key)
        .map(r => ({x: r.density, y: r.speedup}))});
  }
  const densities = [...new Set(forward.map(r => r.density))];
  series.push({label: 'ideal 1/density', points: densities.map(d => ({x: d, y: 1 / d}))});
  const svgPath = path.join(outDir, `matmul-${backend}.svg`);
  fs.writeFileSync(svgPath, logLogPlot(`Block-sparse forward speedup over dense tf.matMul (${backend})`, 'density (blocks kept)', 'speedup', series));
  console.log(`\nWrote ${jsonPath} and ${svgPath}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
