/**
 * On the `tensorflow` backend, every block-sparse kernel call of the whole
 * run is checked to have taken the path the BLOCKSPARSE_TENSORFLOW_NATIVE
 * flag asks for: the native op when true (the default) and TensorFlow
 * computes on the CPU, the composed TensorFlow ops when false or on a GPU
 * device (tfjs-node-gpu on a CUDA machine). The fused LSTM step kernels
 * and the attention kernels must run exactly one op, their own, on the
 * native path.
 * TFJS_BLOCKSPARSE_TEST_PATH=composed runs the whole suite with the flag
 * off. A call that silently took the other path (an addon that failed to
 * load, say) fails its test.
 */
import * as tf from '@tensorflow/tfjs-core';

import {BlockSparseAttention, BlockSparseAttentionBackward, BlockSparseDSD, BlockSparseLSTMStep, BlockSparseLSTMStepBackward, BlockSparseMatMul, BlockSparseSampledMatMul, BlockSparseSDD, BlockSparseSoftmax, BlockSparseSoftmaxBackward} from '../../src/kernel_names';
import {NATIVE_FLAG} from '../../src/kernels/tensorflow/flags';
import {loadNativeAddon, NativeOpKey} from '../../src/kernels/tensorflow/native_addon';
import type {TFNodeBackend} from '../../src/kernels/tensorflow/tf_ops';
import type {BlockLayout} from '../../src/layout/block_layout';
import {nativeOpNames, opsRunBy} from '../util/tensorflow_ops';

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
/** The same per kernel, for the summary. */
const callsByKernel = new Map<string, Record<TensorflowPath, number>>();

/** The products: native when any native op ran, and nothing to check without rows or blocks. */
const PRODUCT_KERNELS = [BlockSparseMatMul, BlockSparseSampledMatMul];
/**
 * The fused LSTM step and the attention kernels: native means exactly one op
 * call, their own, whatever the shapes.
 */
const FUSED_NATIVE_OP: Record<string, NativeOpKey> = {
  [BlockSparseLSTMStep]: 'lstmStep',
  [BlockSparseLSTMStepBackward]: 'lstmStepBackward',
  [BlockSparseSDD]: 'sdd',
  [BlockSparseSoftmax]: 'softmax',
  [BlockSparseSoftmaxBackward]: 'softmaxBackward',
  [BlockSparseDSD]: 'dsd',
  [BlockSparseAttention]: 'attention',
  [BlockSparseAttentionBackward]: 'attentionBackward',
};

/** The path the ops of one call show, or null when there is nothing to tell. */
function pathOf(kernelName: string, ops: string[], args: {attrs?: unknown, inputs: tf.NamedTensorInfoMap}):
    TensorflowPath|null {
  const nativeOps = nativeOpNames();
  const ranNative = ops.some(op => nativeOps.includes(op));
  const fusedOpKey = FUSED_NATIVE_OP[kernelName];
  if (fusedOpKey == null) {
    const layout = (args.attrs as {layout: BlockLayout}).layout;
    const firstInput = Object.values(args.inputs)[0]!;
    if (layout.nnzBlocks === 0 || firstInput.shape[0] === 0) return null;
    return ranNative ? 'native' : 'composed';
  }
  const fusedOp = loadNativeAddon().addon?.ops[fusedOpKey];
  if (ops.length === 1 && ops[0] === fusedOp) return 'native';
  if (!ranNative) return 'composed';
  throw new Error(`${kernelName} on 'tensorflow' ran the ops [${ops.join(', ')}]: neither its one native op ${
      fusedOp} nor composed ops alone.`);
}

/** Sets the flag for the run and re-registers the kernels wrapped in the check. */
export function checkTensorflowPathOnEveryCall(): void {
  tf.env().set(NATIVE_FLAG, runTensorflowPath() === 'native');
  for (const kernelName of [...PRODUCT_KERNELS, ...Object.keys(FUSED_NATIVE_OP)]) {
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
        const taken = pathOf(kernelName, ops, args);
        if (taken == null) return result;
        if (taken !== expected) {
          throw new Error(`${kernelName} on 'tensorflow' was expected to take the ${
              expected} path but ran the ops [${ops.join(', ')}].`);
        }
        tensorflowPathCalls[taken]++;
        if (!callsByKernel.has(kernelName)) callsByKernel.set(kernelName, {native: 0, composed: 0});
        callsByKernel.get(kernelName)![taken]++;
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
  const byKernel = [...callsByKernel].map(
      ([kernelName, calls]) => `${kernelName} ${calls.native}/${calls.composed}`);
  return `tensorflow kernel calls: ${native} native, ${composed} composed (native/composed: ${
      byKernel.join(', ')})`;
}
