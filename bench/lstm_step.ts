/**
 * `npm run bench:lstm -- --backend webgpu`: one training step (forward,
 * backward, Adam) of a blockSparseLSTM against tf.layers.lstm of the same
 * hidden size, on one backend in one run. Prints medians and the ratio to
 * the target (density + 0.2) x dense, writes bench-results/lstm-<backend>.json.
 *
 * Options: --hidden 1024 --density 1/8 --block-size 32 --batch 32 --steps 40
 *   --input 1024 --samples 5 --out bench-results
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

import {flagSpecs, parseFlags, parseNumber} from '../scripts/lib/command_flags';
import {startCommandBackend} from '../scripts/lib/node_backends';
import * as tfbs from '../src/index';

import {median} from './timing';

// --input defaults to the hidden size.
const FLAGS = flagSpecs({
  backend: 'cpu', hidden: '1024', density: '1/8', 'block-size': '32', batch: '32', steps: '40', input: null,
  samples: '5', out: 'bench-results',
});

async function stepTimes(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, samples: number): Promise<number[]> {
  model.compile({optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError'});
  await model.trainOnBatch(x, y);  // warm-up: shaders, tables, optimizer slots
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await model.trainOnBatch(x, y);  // resolves after the loss is read back
    times.push(performance.now() - start);
  }
  return times;
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const backend = await startCommandBackend(flags.backend);
  if (backend === undefined) return;  // a child process ran the command (TensorFlow's log lines filtered)
  const hidden = parseNumber(flags.hidden, '--hidden');
  const density = parseNumber(flags.density, '--density');
  const blockSize = parseNumber(flags['block-size'], '--block-size');
  const batch = parseNumber(flags.batch, '--batch');
  const steps = parseNumber(flags.steps, '--steps');
  const input = flags.input == null ? hidden : parseNumber(flags.input, '--input');
  const samples = parseNumber(flags.samples, '--samples');
  const x = tf.randomNormal([batch, steps, input]);
  const y = tf.randomNormal([batch, hidden]);

  const sparse = tf.sequential({layers: [tfbs.layers.blockSparseLSTM({
    inputShape: [steps, input], units: hidden, blockSize, kernelDensity: density, recurrentDensity: density, seed: 1})]});
  // glorotUniform rather than the default orthogonal recurrent initializer:
  // tfjs's orthogonal init runs Gram-Schmidt as thousands of small ops, which
  // on webgpu takes minutes and tens of GB at hidden 1024. Init cost is not
  // part of a training step.
  const dense = tf.sequential({layers: [tf.layers.lstm({inputShape: [steps, input], units: hidden,
    recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform'})]});
  const sparseMs = median(await stepTimes(sparse, x, y, samples));
  const denseMs = median(await stepTimes(dense, x, y, samples));
  const target = (density + 0.2) * denseMs;
  const row = {backend, hidden, density, blockSize, batch, steps, input, samples, sparseMs, denseMs,
    ratio: sparseMs / denseMs, targetRatio: density + 0.2, meetsTarget: sparseMs <= target,
    sparseParams: sparse.countParams(), denseParams: dense.countParams()};
  console.log(`One training step, batch ${batch} x ${steps} steps, input ${input}, hidden ${hidden} on '${backend}' (median of ${samples}):`);
  console.log(`  blockSparseLSTM (density ${density}, b=${blockSize}): ${sparseMs.toFixed(0)} ms, ${row.sparseParams} parameters`);
  console.log(`  tf.layers.lstm (dense):                  ${denseMs.toFixed(0)} ms, ${row.denseParams} parameters`);
  console.log(`  ratio ${row.ratio.toFixed(3)} (target <= ${row.targetRatio.toFixed(3)}): ${row.meetsTarget ? 'met' : 'missed'}`);
  const outDir = flags.out;
  fs.mkdirSync(outDir, {recursive: true});
  fs.writeFileSync(path.join(outDir, `lstm-${backend}.json`), JSON.stringify(row, null, 1));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
