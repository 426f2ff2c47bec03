/**
 * On the `tensorflow` backend, every block-sparse kernel call of the whole
 * run is checked to have taken the path the BLOCKSPARSE_TENSORFLOW_NATIVE
 * flag asks for: the native op when true (the default) and TensorFlow
 * computes on the CPU, the composed TensorFlow ops when false or on a GPU
 * device (tfjs-node-gpu on a CUDA machine). TFJS_BLOCKSPARSE_TEST_PATH=composed
 * runs the whole suite with the flag off. A call that silently took the
 * other path (an addon that failed to load, say) fails its test.
 */
import * as tf from '@tensorflow/tfjs-core';

import {BlockSparseMatMul, BlockSparseSampledMatMul} from '../../src/kernel_names';
import {NATIVE_FLAG} from '../../src/kernels/tensorflow/flags';
import type {TFNodeBackend} from '../../src/kernels/tensorflow/tf_ops';
import type {BlockLayout} from '../../src/layout/block_layout';
import {NATIVE_OPS, opsRunBy} from '../util/tensorflow_ops';

export type TensorflowPath = 'native'|'composed';

function onGpuDevice(): boolean {
  return (tf.backend() as unknown as TFNodeBackend).isUsingGpuDevice;
}

/**
 * TFJS_BLOCKSPARSE_TEST_DEVICE=gpu (`npm run test:tensorflow:cuda`) asks for
 * TensorFlow's GPU device: a run that finds no CUDA device fails rather than
 * passing on the CPU, where the composed GPU route would go untested.
 */
function checkRequestedDevice(): void {
  const device = process.env.TFJS_BLOCKSPARSE_TEST_DEVICE;
  if (device == null) return;
  if (device !== 'gpu' && device !== 'cpu') {
    throw new Error(`TFJS_BLOCKSPARSE_TEST_DEVICE must be 'gpu' or 'cpu', but got '${device}'.`);
  }
  if ((device === 'gpu') !== onGpuDevice()) {
    throw new Error(`TFJS_BLOCKSPARSE_TEST_DEVICE is '${device}', but TensorFlow computes on the ${
        onGpuDevice() ? 'GPU' : 'CPU'} (tfjs-node-gpu uses a GPU only when libtensorflow finds CUDA).`);
  }
}

/**
 * The path the run as a whole is about: TFJS_BLOCKSPARSE_TEST_PATH (default
 * native), and always composed on a GPU device.
 */
export function runTensorflowPath(): TensorflowPath {
  checkRequestedDevice();
  const path = process.env.TFJS_BLOCKSPARSE_TEST_PATH ?? 'native';
  if (path !== 'native' && path !== 'composed') {
    throw new Error(`TFJS_BLOCKSPARSE_TEST_PATH must be 'native' or 'composed', but got '${path}'.`);
  }
  return onGpuDevice() ? 'composed' : path;
}

/** Kernel calls per path taken (calls with no rows or no blocks take neither). */
export const tensorflowPathCalls: Record<TensorflowPath, number> = {native: 0, composed: 0};

/** Sets the flag for the run and re-registers the kernels wrapped in the check. */
export function checkTensorflowPathOnEveryCall(): void {
  tf.env().set(NATIVE_FLAG, runTensorflowPath() === 'native');
  for (const kernelName of [BlockSparseMatMul, BlockSparseSampledMatMul]) {
    const config = tf.getKernel(kernelName, 'tensorflow');
    if (config == null) throw new Error(`${kernelName} is not registered for 'tensorflow'.`);
    const original = config.kernelFunc;
    tf.unregisterKernel(kernelName, 'tensorflow');
    tf.registerKernel({
      ...config,
      kernelFunc: args => {
        const expected: TensorflowPath =
            tf.env().getBool(NATIVE_FLAG) && !onGpuDevice() ? 'native' : 'composed';
        const {result, ops} = opsRunBy(() => original(args));
        const layout = (args.attrs as unknown as {layout: BlockLayout}).layout;
        const firstInput = Object.values(args.inputs)[0]!;
        if (layout.nnzBlocks > 0 && firstInput.shape[0] > 0) {
          const taken = ops.some(op => NATIVE_OPS.includes(op)) ? 'native' : 'composed';
          if (taken !== expected) {
            throw new Error(`${kernelName} on 'tensorflow' was expected to take the ${
                expected} path but ran the ops [${ops.join(', ')}].`);
          }
          tensorflowPathCalls[taken]++;
        }
        return result;
      },
    });
  }
}

/** After the run: the path it is about really ran, and the other did not when composed. */
export function checkTensorflowPathRan(): string {
  const path = runTensorflowPath();
  const {native, composed} = tensorflowPathCalls;
  if (tensorflowPathCalls[path] === 0) throw new Error(`no tensorflow kernel call took the ${path} path`);
  if (path === 'composed' && native > 0) {
    throw new Error(`${native} tensorflow kernel calls took the native path in a composed run`);
  }
  return `tensorflow kernel calls: ${native} native, ${composed} composed`;
}
