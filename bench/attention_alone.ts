/**
 * `npx ts-node --transpile-only bench/attention_alone.ts --backend tensorflow`:
 * blockSparseAttention forward plus backward (the output gradient and layout
 * of bench/attention.ts) called in a loop of its own, with no dense attention
 * in the process, to tell the kernels' own time from what bench/attention.ts
 * measures right after a dense call. Prints the min, median and 90th
 * percentile of --calls calls, the minor page faults per call (Linux), and
 * the time per kernel of one more call (tf.profile).
 *
 * Options: --backend tensorflow --length 8192 --heads 4 --depth 64
 *   --block-size 32 --stride 52 --calls 40
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';

import {flagSpecs, parseFlags, parseNumber} from '../scripts/lib/command_flags';
import {startCommandBackend} from '../scripts/lib/node_backends';
import * as tfbs from '../src/index';

import {localStridedLayout} from './attention_layout';

const FLAGS = flagSpecs({
  backend: 'tensorflow', length: '8192', heads: '4', depth: '64', 'block-size': '32', stride: '52', calls: '40',
});

/** Minor page faults of this process so far, or undefined off Linux. */
function minorFaults(): number|undefined {
  try {
    return Number(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[7]);
  } catch {
    return undefined;
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const backend = await startCommandBackend(flags.backend);
  if (backend === undefined) return;  // a child process ran the command (TensorFlow's log lines filtered)
  const [S, heads, depth, blockSize, stride, calls] =
      (['length', 'heads', 'depth', 'block-size', 'stride', 'calls'] as const)
          .map(name => parseNumber(flags[name], `--${name}`));
  const {layout} = localStridedLayout({
    sequenceLength: S!, blockSize: blockSize!, windowBlocks: 1, causal: true, targetDensity: 1 / 16,
    strideBlocks: stride,
  });
  const shape = [1, heads!, S!, depth!];
  const [q, k, v, upstream] = [0, 1, 2, 3].map(() => tf.randomNormal(shape));
  const attention = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
      tfbs.blockSparseAttention(q, k, v, layout, {causal: true});
  const gradients = () => tf.grads(attention)([q!, k!, v!], upstream);
  tf.dispose(gradients());  // warm-up: lookup tables, first allocations

  const ms: number[] = [], faults: number[] = [];
  for (let i = 0; i < calls!; i++) {
    const faultsBefore = minorFaults(), start = performance.now();
    const grads = gradients();
    if (backend !== 'tensorflow' && backend !== 'cpu') await Promise.all(grads.map(g => g.data()));
    ms.push(performance.now() - start);
    const faultsAfter = minorFaults();
    if (faultsBefore !== undefined && faultsAfter !== undefined) faults.push(faultsAfter - faultsBefore);
    tf.dispose(grads);
  }
  ms.sort((a, b) => a - b);
  console.log(`'${backend}', S=${S} heads=${heads} d=${depth} b=${blockSize}, ${layout}: forward + backward alone, ${
      calls} calls: min ${ms[0]!.toFixed(1)} ms, median ${percentile(ms, 0.5).toFixed(1)} ms, 90th percentile ${
      percentile(ms, 0.9).toFixed(1)} ms` +
      (faults.length ? `; minor page faults per call ${Math.min(...faults)}-${Math.max(...faults)}` : ''));

  const profile = await tf.profile(() => tf.dispose(gradients()));
  const perKernel = new Map<string, number>();
  for (const kernel of profile.kernels) {
    perKernel.set(kernel.name, (perKernel.get(kernel.name) ?? 0) + Number(kernel.kernelTimeMs));
  }
  console.log('one more call, ms per kernel (tf.profile): ' +
              [...perKernel].sort((a, b) => b[1] - a[1]).map(([name, t]) => `${name} ${t.toFixed(1)}`).join(', '));
  tf.dispose([q!, k!, v!, upstream!]);
  layout.dispose();
}

main();
