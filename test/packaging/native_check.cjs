// Copied into a scratch project and run there with node: loads tfjs-node
// (or -node-gpu), then the installed tfjs-blocksparse through `require` or
// `import`, runs block-sparse products and their gradients on 'tensorflow'
// and again on 'cpu' from the same inputs, and prints one JSON line: what
// nativeKernels() said, which backend ran, and the largest differences.
//
//   node native_check.cjs <@tensorflow/tfjs-node|@tensorflow/tfjs-node-gpu> <require|import> [package]
'use strict';

async function main() {
  const [tfjsNode, loadWith, packageName = 'tfjs-blocksparse'] = process.argv.slice(2);
  process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL || '2';
  const tf = require(tfjsNode);
  const tfbs = loadWith === 'import' ? await import(packageName) : require(packageName);
  const nativeKernels = tfbs.nativeKernels();

  // Odd sizes and a layout with empty block rows and columns.
  const blockSize = 16;
  const mask = [];
  for (let row = 0; row < 6; ++row) {
    mask.push([0, 1, 2, 3, 4].map(col => (row !== 2 && col !== 3 && (row * 7 + col * 3) % 4 !== 0) ? 1 : 0));
  }
  const layout = tfbs.BlockLayout.fromMask(mask, blockSize);
  const xValues = tf.randomNormal([37, layout.inputSize], 0, 1, 'float32', 11).arraySync();
  const wValues = tf.randomNormal(layout.weightShape, 0, 1, 'float32', 12).arraySync();
  const dyValues = tf.randomNormal([37, layout.outputSize], 0, 1, 'float32', 13).arraySync();

  function compute() {
    return tf.tidy(() => {
      const x = tf.tensor(xValues), w = tf.tensor(wValues), dy = tf.tensor(dyValues);
      const y = tfbs.blockSparseMatMul(x, w, layout);
      const xt = tfbs.blockSparseMatMul(dy, w, layout, {transposeW: true});
      const [dx, dw] = tf.grads((a, b) => tfbs.blockSparseMatMul(a, b, layout))([x, w], dy);
      return [y, xt, dx, dw].map(t => t.arraySync());
    });
  }
  const backend = tf.getBackend();
  const onTensorflow = compute();
  await tf.setBackend('cpu');
  const onCpu = compute();
  const flat = values => [values].flat(Infinity);
  const maxErrors = onTensorflow.map((values, i) => {
    const a = flat(values), b = flat(onCpu[i]);
    const scale = Math.max(1, ...b.map(Math.abs));
    return a.length === b.length ? Math.max(...a.map((v, j) => Math.abs(v - b[j]))) / scale : Infinity;
  });
  console.log(JSON.stringify({backend, nativeKernels, maxErrors, tfVersion: tf.version['tfjs-core'],
                              libtensorflow: tf.engine().findBackend('tensorflow').binding.TF_Version}));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
