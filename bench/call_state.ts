/**
 * `npx ts-node --transpile-only bench/call_state.ts --backend tensorflow`:
 * how long one block-sparse forward product takes depending on what ran
 * just before it, at an LSTM step's shapes (M = 32, K = 1024, N = 4096,
 * density 1/8, b = 32 by default). Three settings, median of each:
 *
 *  - alone: the product in a loop of itself (warm caches, busy threads);
 *  - after dense: right after a dense tf.matMul of the same shapes (what
 *    bench/paired.ts measures, and what a training step looks like);
 *  - after idle: 5 ms after a dense tf.matMul (an event-loop pause);
 *  - after a sweep: right after JavaScript wrote one float in every 64-byte
 *    line of a 32 MB array (the size of this machine's last-level cache),
 *    which evicts the product's data as the dense weights (16 MB) do, but
 *    runs no TensorFlow op and leaves the pool's second thread as it was.
 *
 * The same three of the settings for a tf.add of four floats tell what the
 * op's dispatch path (tfjs, tfjs-node, TensorFlow's eager runtime) costs
 * in each state, apart from any product's arithmetic.
 *
 * TFJS_BLOCKSPARSE_NUM_THREADS=1 runs the native kernels on one thread, to
 * tell the cost of waking their thread pool from the machine's cold state.
 *
 * Options: --m 32 --k 1024 --n 4096 --density 1/8 --block-size 32 --calls 200
 */
import * as tf from '@tensorflow/tfjs';

import {flagSpecs, parseFlags, parseNumber} from '../scripts/lib/command_flags';
import {startCommandBackend} from '../scripts/lib/node_backends';
import * as tfbs from '../src/index';

import {median, timeOnce} from './timing';

const FLAGS = flagSpecs({
  backend: 'tensorflow', m: '32', k: '1024', n: '4096', density: '1/8', 'block-size': '32', calls: '200',
});

const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const backend = await startCommandBackend(flags.backend);
  if (backend === undefined) return;  // a child process ran the command (TensorFlow's log lines filtered)
  const [M, K, N] = [flags.m, flags.k, flags.n].map((text, i) => parseNumber(text, ['--m', '--k', '--n'][i]));
  const calls = parseNumber(flags.calls, '--calls');
  const layout = tfbs.balancedRandomLayout({
    inputSize: K, outputSize: N, blockSize: parseNumber(flags['block-size'], '--block-size'),
    density: parseNumber(flags.density, '--density'), seed: 1,
  });
  const w = tf.randomNormal(layout.weightShape), wDense = tf.randomNormal([K, N]), x = tf.randomNormal([M, K]);
  const sparse = () => tfbs.blockSparseMatMul(x, w, layout);
  const dense = () => tf.matMul(x, wDense);
  const [a4, b4] = [tf.randomNormal([4]), tf.randomNormal([4])];
  const tiny = () => tf.add(a4, b4);
  for (let i = 0; i < 20; i++) {
    await timeOnce(sparse);
    await timeOnce(dense);
  }
  const alone: number[] = [], afterDense: number[] = [], afterIdle: number[] = [], denseMs: number[] = [];
  for (let i = 0; i < calls; i++) alone.push(await timeOnce(sparse));
  for (let i = 0; i < calls; i++) {
    denseMs.push(await timeOnce(dense));
    afterDense.push(await timeOnce(sparse));
  }
  for (let i = 0; i < calls / 4; i++) {
    await timeOnce(dense);
    await pause(5);
    afterIdle.push(await timeOnce(sparse));
  }
  const sweep = new Float32Array(8 << 20), afterSweep: number[] = [];
  const sweepCaches = () => {
    for (let j = 0; j < sweep.length; j += 16) sweep[j] += 1;
  };
  for (let i = 0; i < calls; i++) {
    sweepCaches();
    afterSweep.push(await timeOnce(sparse));
  }
  const tinyAlone: number[] = [], tinyAfterDense: number[] = [], tinyAfterSweep: number[] = [];
  for (let i = 0; i < calls; i++) tinyAlone.push(await timeOnce(tiny));
  for (let i = 0; i < calls; i++) {
    await timeOnce(dense);
    tinyAfterDense.push(await timeOnce(tiny));
    sweepCaches();
    tinyAfterSweep.push(await timeOnce(tiny));
  }
  const ms = (values: number[]) => `${median(values).toFixed(3)} ms`;
  console.log(`'${backend}', M=${M} K=${K} N=${N}, ${layout}: block-sparse forward alone ${ms(alone)}, ` +
              `right after a dense matMul ${ms(afterDense)}, 5 ms after one ${ms(afterIdle)}, ` +
              `right after a 32 MB sweep ${ms(afterSweep)}; ` +
              `dense matMul ${ms(denseMs)}`);
  console.log(`a tf.add of 4 floats: alone ${ms(tinyAlone)}, right after a dense matMul ${
      ms(tinyAfterDense)}, right after a 32 MB sweep ${ms(tinyAfterSweep)}`);
  tf.dispose([w, wDense, x, a4, b4]);
  layout.dispose();
}

main();
