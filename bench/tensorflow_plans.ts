/**
 * `npx ts-node --transpile-only bench/tensorflow_plans.ts --m 2048 --b 32
 * --densities 1,1/4,1/32`: every composed tensorflow plan forced, per
 * product, next to dense tf.matMul, the cost model's choice ('auto') and the
 * native kernel; the measurements behind the cost model in
 * src/kernels/tensorflow/plans.ts (the path of GPU devices).
 */
import * as tf from '@tensorflow/tfjs';

import {flagSpecs, parseFlags, parseNumber, parseNumberList} from '../scripts/lib/command_flags';
import {startNodeBackend} from '../scripts/lib/node_backends';
import * as tfbs from '../src/index';
import {CHUNK_BYTES_FLAG, NATIVE_FLAG, PLAN_FLAG, TENSORFLOW_PLANS} from '../src/kernels/tensorflow/flags';

import {formatDensity, PRODUCTS} from './products';
import {timeOp as timeMedian, TimingOptions} from './timing';

// --chunk-bytes given: time the grouped plan at each of these chunk sizes instead of every plan.
const FLAGS = flagSpecs({
  m: '2048', b: '32', densities: '1,1/2,1/4,1/8,1/16,1/32,1/64', size: '2048', samples: '3', 'chunk-bytes': null,
});

// Min of the samples: the machine is shared, and the minimum is the least
// disturbed run of each contender.
async function timeOp(run: () => tf.Tensor, options: TimingOptions) {
  const t = await timeMedian(run, options);
  return {medianMs: Math.min(...t.samplesMs)};
}

/** The composed path with `plan` ('auto' for the cost model) and chunk size. */
function composed(plan: string, chunkBytes = 0): void {
  tf.env().set(NATIVE_FLAG, false);
  tf.env().set(PLAN_FLAG, plan);
  tf.env().set(CHUNK_BYTES_FLAG, chunkBytes);
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  await startNodeBackend('tensorflow');
  const ms = parseNumberList(flags.m, '--m');
  const blockSizes = parseNumberList(flags.b, '--b');
  const densities = parseNumberList(flags.densities, '--densities');
  const size = parseNumber(flags.size, '--size');
  const timing = {samples: parseNumber(flags.samples, '--samples'), budgetMs: 3000};
  const chunkBytes = flags['chunk-bytes'] == null ? [] : parseNumberList(flags['chunk-bytes'], '--chunk-bytes');
  if (chunkBytes.length > 0) {
    console.log(['M', 'b', 'density', 'product', 'dense', ...chunkBytes.map(c => `grouped chunk ${c}`)].join('\t'));
  } else console.log(['M', 'b', 'density', 'product', 'dense', ...TENSORFLOW_PLANS, 'auto', 'native'].join('\t'));
  for (const M of ms) {
    const x = tf.randomNormal([M, size]) as tf.Tensor2D;
    const dy = tf.randomNormal([M, size]) as tf.Tensor2D;
    const wDense = tf.randomNormal([size, size]) as tf.Tensor2D;
    const dense = {
      forward: (await timeOp(() => tf.matMul(x, wDense), timing)).medianMs,
      transposed: (await timeOp(() => tf.matMul(dy, wDense, false, true), timing)).medianMs,
      sampled: (await timeOp(() => tf.matMul(x, dy, true, false), timing)).medianMs,
    };
    for (const b of blockSizes) {
      for (const density of densities) {
        const layout = density === 1 ? tfbs.BlockLayout.dense(size, size, b) :
            tfbs.balancedRandomLayout({inputSize: size, outputSize: size, blockSize: b, density, seed: 1});
        const w = tf.randomNormal(layout.weightShape) as tf.Tensor3D;
        const run = {
          forward: () => tfbs.blockSparseMatMul(x, w, layout),
          transposed: () => tfbs.blockSparseMatMul(dy, w, layout, {transposeW: true}),
          sampled: () => tfbs.blockSparseSampledMatMul(x, dy, layout),
        };
        for (const product of PRODUCTS) {
          if (chunkBytes.length > 0) {
            if (product === 'sampled') continue;
            const cells: string[] = [];
            for (const c of chunkBytes) {
              composed('grouped', c);
              cells.push((await timeOp(run[product], timing)).medianMs.toFixed(1));
            }
            console.log([M, b, formatDensity(layout.density), product, dense[product].toFixed(1), ...cells].join('\t'));
            continue;
          }
          const cells: string[] = [];
          for (const plan of [...TENSORFLOW_PLANS, 'auto']) {
            composed(plan);
            cells.push((await timeOp(run[product], timing)).medianMs.toFixed(1));
          }
          tf.env().set(NATIVE_FLAG, true);
          cells.push((await timeOp(run[product], timing)).medianMs.toFixed(1));
          console.log([M, b, formatDensity(layout.density), product, dense[product].toFixed(1),
            ...cells].join('\t'));
        }
        w.dispose();
        layout.dispose();
      }
    }
    tf.dispose([x, dy, wDense]);
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
