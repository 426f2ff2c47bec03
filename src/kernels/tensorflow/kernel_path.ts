/**
 * Which path a `tensorflow` kernel takes: the native CPU ops when the addon
 * loads and the backend computes on the CPU, else TensorFlow ops composed
 * by plans.ts. Under tfjs-node-gpu on a GPU device the composed path stays:
 * the C kernel API cannot reach the CUDA stream of TensorFlow's GPU device.
 * The choice is announced once per distinct reason, at first use, and
 * `nativeKernels()` reports it (src/native_kernels.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

import {NATIVE_FLAG} from './flags';
import {AddonSource, loadNativeAddon, NativeAddon} from './native_addon';
import type {TFNodeBackend} from './tf_ops';

/** Whether the native kernels run on a `tensorflow` backend, and why not. */
export interface NativeKernels {
  /** True when block-sparse kernels on `tensorflow` run the native CPU ops. */
  available: boolean;
  /** What runs instead, and why, when not available; '' when available. */
  reason: string;
  /** 'avx512', 'avx2-fma' or 'portable': the micro-kernels picked for this CPU. */
  instructionSet: string|null;
  /** Threads the native kernels use. */
  threads: number|null;
  /** The addon file loaded. */
  file: string|null;
  /** Where that file came from: the package's prebuilt binary, a local build, or the environment. */
  source: AddonSource|null;
}

interface PathChoice {
  addon: NativeAddon|null;
  status: NativeKernels;
  /** The one-line notice, and whether it is a warning. */
  notice: string;
  warn: boolean;
}

function composed(reason: string, notice: string, warn: boolean): PathChoice {
  return {
    addon: null,
    status: {available: false, reason, instructionSet: null, threads: null, file: null, source: null},
    notice,
    warn,
  };
}

type PathCase = 'flag off'|'gpu device'|'addon';

/**
 * The choice for each case, made once: the addon loads once per process, so
 * only which case applies can change between calls (the flag, the device).
 */
const choices = new Map<PathCase, PathChoice>();

/** The path block-sparse kernels take on `backend` now. */
export function choosePath(backend: TFNodeBackend): PathChoice {
  const pathCase: PathCase =
      !tf.env().getBool(NATIVE_FLAG) ? 'flag off' : backend.isUsingGpuDevice ? 'gpu device' : 'addon';
  let choice = choices.get(pathCase);
  if (choice === undefined) {
    choice = makeChoice(pathCase);
    choices.set(pathCase, choice);
  }
  return choice;
}

function makeChoice(pathCase: PathCase): PathChoice {
  if (pathCase === 'flag off') {
    return composed(`${NATIVE_FLAG} is false`,
                    `block-sparse products on 'tensorflow' run composed TensorFlow ops (${NATIVE_FLAG} is false).`,
                    false);
  }
  if (pathCase === 'gpu device') {
    return composed('TensorFlow computes on a GPU device, and the native kernels are CPU-only',
                    `block-sparse products on 'tensorflow' run composed TensorFlow ops on the GPU ` +
                        `(the native kernels are CPU-only).`,
                    false);
  }
  const load = loadNativeAddon();
  if (load.addon == null) {
    return composed(load.reason,
                    `block-sparse products on 'tensorflow' run composed TensorFlow ops, slower than the ` +
                        `native kernels: ${load.reason}. Build them with: ${load.buildCommand}`,
                    true);
  }
  const {instructionSet, numThreads} = load.addon;
  return {
    addon: load.addon,
    status: {available: true, reason: '', instructionSet, threads: numThreads, file: load.file, source: load.source},
    notice: `block-sparse products on 'tensorflow' run the native CPU kernels (${instructionSet}, ${
        numThreads} thread${numThreads === 1 ? '' : 's'}, ${load.source}).`,
    warn: false,
  };
}

const announced = new Set<PathChoice>();

/** The native addon to run on `backend`, or null for the composed path. */
export function nativeAddonFor(backend: TFNodeBackend): NativeAddon|null {
  const choice = choosePath(backend);
  if (!announced.has(choice)) {
    announced.add(choice);
    (choice.warn ? console.warn : console.info)(`tfjs-blocksparse: ${choice.notice}`);
  }
  return choice.addon;
}
