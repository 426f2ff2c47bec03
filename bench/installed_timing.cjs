// Copied into a scratch project by bench/installed.ts and run there: times
// the installed tfjs-blocksparse, loaded through `require` or `import`,
// against dense tf.matMul on tfjs-node, in interleaved pairs (which side
// goes first alternates), and prints one JSON line of raw times.
//
//   node installed_timing.cjs <require|import> <pairs> <m> <b> <density>...
'use strict';

async function main() {
  const [loadWith, pairsText, mText, blockText, ...densityTexts] = process.argv.slice(2);
  process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL || '2';
  const tf = require('@tensorflow/tfjs-node');
  const tfbs = loadWith === 'import' ? await import('tfjs-blocksparse') : require('tfjs-blocksparse');
  const pairs = Number(pairsText), size = Number(mText), blockSize = Number(blockText);
  // tfjs-node runs eager ops synchronously: the op is complete when the call returns.
  const time = run => {
    const start = process.hrtime.bigint();
    const out = run();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    out.dispose();
    return ms;
  };
  const rows = [];
  for (const densityText of densityTexts) {
    const [numerator, denominator] = densityText.split('/').map(Number);
    const density = denominator ? numerator / denominator : numerator;
    // Independent blocks: block rows get unequal numbers of blocks, as in trained layouts.
    const layout = tfbs.randomLayout({inputSize: size, outputSize: size, blockSize, density, seed: 7});
    const x = tf.randomNormal([size, size], 0, 1, 'float32', 1);
    const w = tf.randomNormal(layout.weightShape, 0, 1, 'float32', 2);
    const wDense = tfbs.blocksToDense(w, layout);
    const dense = () => tf.matMul(x, wDense);
    const sparse = () => tfbs.blockSparseMatMul(x, w, layout);
    for (let i = 0; i < 3; ++i) time(dense), time(sparse);  // warm-up: tables, thread pools, caches
    const denseMs = [], sparseMs = [];
    for (let pair = 0; pair < pairs; ++pair) {
      if (pair % 2 === 0) {
        denseMs.push(time(dense));
        sparseMs.push(time(sparse));
      } else {
        sparseMs.push(time(sparse));
        denseMs.push(time(dense));
      }
    }
    rows.push({density: densityText, nnzBlocks: layout.nnzBlocks, denseMs, sparseMs});
    tf.dispose([x, w, wDense]);
  }
  console.log(JSON.stringify({
    loadWith,
    nativeKernels: tfbs.nativeKernels(),
    versions: {
      tfjsBlocksparse: tfbs.version,
      tfjsCore: tf.version['tfjs-core'],
      tfjsNode: tf.version['tfjs-node'],
      libtensorflow: tf.backend().binding.TF_Version,
      node: process.versions.node,
    },
    rows,
  }));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
