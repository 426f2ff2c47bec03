/**
 * `npm run bench:sparsity -- --backend tensorflow`: what learning a layout
 * costs and saves in training. A blockSparseLSTM starts with a dense
 * recurrent layout and is pruned on a schedule to --final-density; then
 * RigL moves its blocks at that density. Measured in one run:
 *
 * - a training step (Adam) at the start (dense layout) and at the end of the
 *   schedule, each against tf.layers.lstm of the same size in interleaved
 *   pairs: the work falls as the density falls;
 * - each pruning update and each RigL update against the median step, the
 *   cost a schedule adds (a RigL update includes its gradient probe: one
 *   forward and backward on the dense grid).
 *
 * Options: --backend cpu --hidden 512 --input 64 --batch 32 --steps 20
 *   --block-size 32 --final-density 1/16 --prune-steps 40 --frequency 10
 *   --rigl-updates 4 --pairs 5 --out bench-results
 * Writes <out>/sparsity-<backend>.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

import {flagSpecs, parseFlags, parseNumber} from '../scripts/lib/command_flags';
import {startCommandBackend} from '../scripts/lib/node_backends';
import {runMetadata} from '../scripts/lib/run_metadata';
import * as tfbs from '../src/index';

import {pairRatios, timeInterleavedPairs} from './interleaved_pairs';
import {median} from './timing';
import {compiledForSteps, trainingStepMs} from './training_steps';

const FLAGS = flagSpecs({
  backend: 'cpu', hidden: '512', input: '64', batch: '32', steps: '20', 'block-size': '32', 'final-density': '1/16',
  'prune-steps': '40', frequency: '10', 'rigl-updates': '4', pairs: '5', out: 'bench-results',
});

const stepMs = trainingStepMs;

/** Sparse and dense steps in interleaved pairs: medians and the ratio of pairs. */
async function stepAgainstDense(sparse: tf.LayersModel, dense: tf.LayersModel, x: tf.Tensor, y: tf.Tensor,
                                pairs: number) {
  await stepMs(sparse, x, y);
  const {sparseMs, denseMs} =
      await timeInterleavedPairs(() => stepMs(dense, x, y), () => stepMs(sparse, x, y), pairs);
  const ratios = pairRatios(sparseMs, denseMs);
  return {sparseMsMedian: median(sparseMs), denseMsMedian: median(denseMs), ratioMedian: ratios.median,
          ratioMin: ratios.min};
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const backend = await startCommandBackend(flags.backend);
  if (backend === undefined) return;  // a child process ran the command (TensorFlow's log lines filtered)
  const hidden = parseNumber(flags.hidden, '--hidden'), input = parseNumber(flags.input, '--input');
  const batch = parseNumber(flags.batch, '--batch'), steps = parseNumber(flags.steps, '--steps');
  const blockSize = parseNumber(flags['block-size'], '--block-size');
  const finalDensity = parseNumber(flags['final-density'], '--final-density');
  const pruneSteps = parseNumber(flags['prune-steps'], '--prune-steps');
  const frequency = parseNumber(flags.frequency, '--frequency');
  const riglUpdates = parseNumber(flags['rigl-updates'], '--rigl-updates');
  const pairs = parseNumber(flags.pairs, '--pairs');
  const metadata = runMetadata(backend);
  const x = tf.randomNormal([batch, steps, input]), y = tf.randomNormal([batch, hidden]);
  const sparse = compiledForSteps(tf.sequential({layers: [tfbs.layers.blockSparseLSTM({
    inputShape: [steps, input], units: hidden, blockSize, seed: 1,
    recurrentLayout: tfbs.BlockLayout.dense(hidden, 4 * hidden, blockSize)})]}));
  // glorotUniform: tfjs's orthogonal initializer is slow at this size, and init is not timed.
  const dense = compiledForSteps(tf.sequential({layers: [tf.layers.lstm({inputShape: [steps, input], units: hidden,
    recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform'})]}));
  await stepMs(dense, x, y);
  console.log(`Learning a layout on '${backend}': blockSparseLSTM ${hidden} units (b = ${blockSize}), batch ${
      batch} x ${steps} timesteps, input ${input}; load average ${metadata.loadAverageAtStart} at the start`);

  const atStart = await stepAgainstDense(sparse, dense, x, y, pairs);
  const pruning = tfbs.sparsity.blockPruning({finalDensity, endStep: pruneSteps, frequency});
  const pruneStepMs: number[] = [];
  for (let step = 0; step <= pruneSteps; step++) {
    if (step > 0) pruneStepMs.push(await stepMs(sparse, x, y));
    await pruning.update(sparse, step);
  }
  const atEnd = await stepAgainstDense(sparse, dense, x, y, pairs);
  const rigl = tfbs.sparsity.rigl({updateEvery: 1, dropFraction: 0.3, endStep: riglUpdates + 1});
  const riglStepMs: number[] = [];
  for (let step = 1; step <= riglUpdates; step++) {
    riglStepMs.push(await stepMs(sparse, x, y));
    await rigl.update(sparse, step, x, y);
  }
  const record = {
    metadata, settings: {hidden, input, batch, steps, blockSize, finalDensity, pruneSteps, frequency, riglUpdates,
                         pairs},
    atStart, atEnd,
    density: {start: 1, end: pruning.history[pruning.history.length - 1].weights[0].density},
    pruning: {updates: pruning.history.length, updateMs: pruning.history.map(u => u.ms),
              updateMsMedian: median(pruning.history.map(u => u.ms)), stepMsMedian: median(pruneStepMs)},
    rigl: {updates: rigl.history.length, updateMs: rigl.history.map(u => u.ms),
           updateMsMedian: median(rigl.history.map(u => u.ms)), stepMsMedian: median(riglStepMs),
           changedBlocks: rigl.history.map(u => u.weights.map(w => w.changedBlocks))},
  };
  const ms = (v: number) => v.toFixed(1);
  console.log(`| when | density | sparse step ms | dense step ms | sparse / dense (min) |\n|---|---|---|---|---|`);
  for (const [when, r, d] of [['start', atStart, 1], ['end of the schedule', atEnd, record.density.end]] as const) {
    console.log(`| ${when} | ${d} | ${ms(r.sparseMsMedian)} | ${ms(r.denseMsMedian)} | ${r.ratioMedian.toFixed(3)} (${
        r.ratioMin.toFixed(3)}) |`);
  }
  console.log(`pruning: ${record.pruning.updates} updates, median ${ms(record.pruning.updateMsMedian)} ms against a ` +
              `median step of ${ms(record.pruning.stepMsMedian)} ms`);
  console.log(`RigL: ${record.rigl.updates} updates, median ${ms(record.rigl.updateMsMedian)} ms against a ` +
              `median step of ${ms(record.rigl.stepMsMedian)} ms`);
  fs.mkdirSync(flags.out, {recursive: true});
  const file = path.join(flags.out, `sparsity-${backend}.json`);
  fs.writeFileSync(file, JSON.stringify(record, null, 1));
  console.log(`wrote ${file}`);
  tf.dispose([x, y]);
  sparse.dispose();
  dense.dispose();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
