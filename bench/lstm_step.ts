/**
 * `npm run bench:lstm -- --backend tensorflow`: one training step (forward,
 * backward, Adam) of a blockSparseLSTM against tf.layers.lstm, on one
 * backend in one run, timed in interleaved pairs (interleaved_pairs.ts) so
 * both see the same machine load. Prints the min and median of the pairs
 * and their ratio against the target, writes
 * <out>/lstm-<backend>[-<label>].json and an SVG of every pair.
 *
 * Two comparisons (issue 10's targets):
 * - same hidden size (the default: --hidden 1024 --density 1/8): the sparse
 *   step costs at most density + 0.1 times the dense one;
 * - equal recurrent parameters (`npm run bench:lstm:equal`: sparse 1024
 *   units at density 1/8 against dense 362 units, batch 64, 30 timesteps,
 *   input 128): the sparse step costs at most the dense one.
 *
 * Options: --hidden 1024 --dense-hidden <hidden> --density 1/8
 *   --kernel-density <density> --block-size 32 --batch 32 --steps 40
 *   --input <hidden> --pairs 7 --out bench-results --label ''
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

import {flagSpecs, parseFlags, parseNumber} from '../scripts/lib/command_flags';
import {startCommandBackend} from '../scripts/lib/node_backends';
import * as tfbs from '../src/index';

import {logLogPlot} from '../scripts/lib/svg_plot';
import {pairRatios, timeInterleavedPairs} from './interleaved_pairs';
import {runMetadata} from '../scripts/lib/run_metadata';
import {median} from './timing';
import {compiledForSteps, trainingStepMs} from './training_steps';

// --dense-hidden defaults to --hidden, --input to the hidden size and
// --kernel-density (the input kernel's) to --density.
const FLAGS = flagSpecs({
  backend: 'cpu', hidden: '1024', 'dense-hidden': null, density: '1/8', 'kernel-density': null,
  'block-size': '32', batch: '32', steps: '40', input: null, pairs: '7', out: 'bench-results', label: '',
});

interface Contender {
  name: string;
  model: tf.LayersModel;
  y: tf.Tensor;
}

function stepMs({model, y}: Contender, x: tf.Tensor): Promise<number> {
  return trainingStepMs(model, x, y);
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const backend = await startCommandBackend(flags.backend);
  if (backend === undefined) return;  // a child process ran the command (TensorFlow's log lines filtered)
  const hidden = parseNumber(flags.hidden, '--hidden');
  const denseHidden = flags['dense-hidden'] == null ? hidden : parseNumber(flags['dense-hidden'], '--dense-hidden');
  const density = parseNumber(flags.density, '--density');
  const kernelDensity = flags['kernel-density'] == null ? density :
                                                        parseNumber(flags['kernel-density'], '--kernel-density');
  const blockSize = parseNumber(flags['block-size'], '--block-size');
  const batch = parseNumber(flags.batch, '--batch');
  const steps = parseNumber(flags.steps, '--steps');
  const input = flags.input == null ? hidden : parseNumber(flags.input, '--input');
  const pairs = parseNumber(flags.pairs, '--pairs');
  const metadata = runMetadata(backend);
  const load = metadata.loadAverageAtStart;
  const x = tf.randomNormal([batch, steps, input]);

  const sparse: Contender = {
    name: `blockSparseLSTM ${hidden} (recurrent density ${density}, input kernel ${kernelDensity}, b=${blockSize})`,
    model: compiledForSteps(tf.sequential({layers: [tfbs.layers.blockSparseLSTM({
      inputShape: [steps, input], units: hidden, blockSize, kernelDensity, recurrentDensity: density, seed: 1})]})),
    y: tf.randomNormal([batch, hidden]),
  };
  // glorotUniform rather than the default orthogonal recurrent initializer:
  // tfjs's orthogonal init runs Gram-Schmidt as thousands of small ops, which
  // on webgpu takes minutes and tens of GB at hidden 1024. Init cost is not
  // part of a training step.
  const dense: Contender = {
    name: `tf.layers.lstm ${denseHidden} (dense)`,
    model: compiledForSteps(tf.sequential({layers: [tf.layers.lstm({inputShape: [steps, input], units: denseHidden,
      recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform'})]})),
    y: tf.randomNormal([batch, denseHidden]),
  };
  // Warm-up: shaders, tables, optimizer slots.
  await stepMs(sparse, x);
  await stepMs(dense, x);
  const {sparseMs, denseMs} =
      await timeInterleavedPairs(() => stepMs(dense, x), () => stepMs(sparse, x), pairs);
  const ratios = pairRatios(sparseMs, denseMs).ratios;
  const sameHidden = denseHidden === hidden;
  const targetRatio = sameHidden ? density + 0.1 : 1;
  const ratio = median(ratios);
  const row = {
    metadata, hidden, denseHidden, density, kernelDensity, blockSize, batch, steps,
    input, pairs, sparseMs, denseMs,
    sparseMinMs: Math.min(...sparseMs), sparseMedianMs: median(sparseMs),
    denseMinMs: Math.min(...denseMs), denseMedianMs: median(denseMs),
    ratioOfPairsMin: Math.min(...ratios), ratioOfPairsMedian: ratio,
    targetRatio, meetsTarget: ratio <= targetRatio,
    sparseParams: sparse.model.countParams(), denseParams: dense.model.countParams(),
  };
  const ms = (v: number) => v.toFixed(0).padStart(6);
  console.log(`One training step (Adam), batch ${batch} x ${steps} timesteps, input ${input}, on '${backend}', ` +
              `${pairs} interleaved pairs, load average ${load} at the start:`);
  console.log(`  ${'model'.padEnd(76)}   min ms  median ms  parameters`);
  for (const [c, times] of [[sparse, sparseMs], [dense, denseMs]] as const) {
    console.log(`  ${c.name.padEnd(76)} ${ms(Math.min(...times))}   ${ms(median(times))}     ${c.model.countParams()}`);
  }
  console.log(`  sparse / dense per pair: min ${row.ratioOfPairsMin.toFixed(3)}, median ${ratio.toFixed(3)} ` +
              `(target <= ${targetRatio.toFixed(3)}${sameHidden ? ' = density + 0.1' : ', equal recurrent parameters'}): ` +
              `${row.meetsTarget ? 'met' : 'missed'}`);
  const outDir = flags.out;
  fs.mkdirSync(outDir, {recursive: true});
  const base = path.join(outDir, `lstm-${backend}${flags.label ? `-${flags.label}` : ''}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(row, null, 1));
  fs.writeFileSync(`${base}.svg`, logLogPlot(
      `LSTM training step on ${backend}, pair by pair`, 'pair', 'ms per training step', [
        {label: `sparse ${hidden}`, points: sparseMs.map((y, i) => ({x: i + 1, y}))},
        {label: `dense ${denseHidden}`, points: denseMs.map((y, i) => ({x: i + 1, y}))},
      ]));
  console.log(`  wrote ${base}.json and ${base}.svg`);
  tf.dispose([x, sparse.y, dense.y]);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
