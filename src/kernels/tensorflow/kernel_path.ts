/**
 * Which path a `tensorflow` kernel takes: the native CPU ops when the addon
 * is built and the backend computes on the CPU, else TensorFlow ops composed
 * by plans.ts. Under tfjs-node-gpu on a GPU device the composed path stays:
 * the C kernel API cannot reach the CUDA stream of TensorFlow's GPU device.
 * The choice is announced once per distinct reason, at first use.
 */
import * as tf from '@tensorflow/tfjs-core';

import {NATIVE_FLAG} from './flags';
import {BUILD_NATIVE_COMMAND, loadNativeAddon, NativeAddon} from './native_addon';
import type {TFNodeBackend} from './tf_ops';

const announced = new Set<string>();

function announce(message: string, warn = false): void {
  if (announced.has(message)) return;
  announced.add(message);
  (warn ? console.warn : console.info)(`tfjs-blocksparse: ${message}`);
}

/** The native addon to run on `backend`, or null for the composed path. */
export function nativeAddonFor(backend: TFNodeBackend): NativeAddon|null {
  if (!tf.env().getBool(NATIVE_FLAG)) {
    announce(`block-sparse products on 'tensorflow' run composed TensorFlow ops (${
        NATIVE_FLAG} is false).`);
    return null;
  }
  if (backend.isUsingGpuDevice) {
    announce(`block-sparse products on 'tensorflow' run composed TensorFlow ops on the GPU ` +
             `(the native kernels are CPU-only).`);
    return null;
  }
  const load = loadNativeAddon();
  if (load.addon == null) {
    announce(`block-sparse products on 'tensorflow' run composed TensorFlow ops, slower than ` +
             `the native kernels: ${load.reason}. Build them with: ${BUILD_NATIVE_COMMAND}`,
             true);
    return null;
  }
  const {instructionSet, numThreads} = load.addon;
  announce(`block-sparse products on 'tensorflow' run the native CPU kernels (${
      instructionSet}, ${numThreads} thread${numThreads === 1 ? '' : 's'}).`);
  return load.addon;
}
