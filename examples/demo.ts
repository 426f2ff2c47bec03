/**
 * `npm run demo`: what a new user sees first. Builds a layout, checks the op
 * against the dense product, then trains block-sparse weights to fit a
 * block-sparse teacher on synthetic data and prints the loss as it falls.
 *
 * Runs on the cpu backend by default; pass `--backend webgpu|tensorflow` once
 * those are set up (see README).
 */
import * as tf from '@tensorflow/tfjs';

import {flagSpecs, parseFlags} from '../scripts/lib/command_flags';
import {startCommandBackend} from '../scripts/lib/node_backends';
import * as tfbs from '../src/index';

async function main() {
  const flags = parseFlags(process.argv.slice(2), flagSpecs({backend: 'cpu'}));
  const backend = await startCommandBackend(flags.backend);
  if (backend === undefined) return;  // a child process ran the command (TensorFlow's log lines filtered)
  console.log(`tfjs-blocksparse ${tfbs.version} on backend '${backend}'\n`);

  const layout = tfbs.balancedRandomLayout(
      {inputSize: 256, outputSize: 256, blockSize: 32, density: 1 / 4, seed: 42});
  console.log(`1. Layout: ${layout}`);
  console.log(layout.toMaskArray().map(row => '   ' + row.map(v => (v ? '#' : '.')).join('')).join('\n'));

  const x = tf.randomNormal([64, 256], 0, 1, 'float32', 1);
  const w = tf.randomNormal(layout.weightShape, 0, 0.1, 'float32', 2);
  const sparse = tfbs.blockSparseMatMul(x, w, layout);
  const dense = tf.matMul(x, tfbs.blocksToDense(w, layout));
  const maxDiff = (await tf.max(tf.abs(tf.sub(sparse, dense))).data())[0];
  console.log(`\n2. blockSparseMatMul(x[64,256], w${JSON.stringify(layout.weightShape)}) -> [${sparse.shape}]`);
  console.log(`   max |sparse - dense matMul| = ${maxDiff.toExponential(2)}`);

  console.log('\n3. Training block-sparse weights to fit a block-sparse teacher (Adam, 200 steps):');
  const teacher = tf.randomNormal(layout.weightShape, 0, 0.1, 'float32', 3);
  const student = tf.variable(tf.zeros(layout.weightShape));
  const optimizer = tf.train.adam(0.01);
  const start = Date.now();
  for (let step = 0; step <= 200; step++) {
    const loss = optimizer.minimize(() => tf.tidy(() => {
      const inputs = tf.randomNormal([128, 256]);
      const target = tfbs.blockSparseMatMul(inputs, teacher, layout);
      return tf.losses.meanSquaredError(target, tfbs.blockSparseMatMul(inputs, student, layout));
    }), true)!;
    if (step % 50 === 0) console.log(`   step ${String(step).padStart(3)}  loss ${(await loss.data())[0].toFixed(5)}`);
    loss.dispose();
  }
  const weightError = (await tf.norm(tf.sub(student, teacher)).div(tf.norm(teacher)).data())[0];
  console.log(`   relative weight error after training: ${weightError.toFixed(4)} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  console.log(`   parameters: ${layout.nnzBlocks * 32 * 32} block-sparse vs ${256 * 256} dense`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
