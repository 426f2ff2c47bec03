import * as tf from '@tensorflow/tfjs-core';

import {choosePath, NativeKernels} from './kernels/tensorflow/kernel_path';
import type {TFNodeBackend} from './kernels/tensorflow/tf_ops';

export {NativeKernels};

/**
 * Whether block-sparse kernels on the `tensorflow` backend (tfjs-node,
 * tfjs-node-gpu) run the native CPU kernels, and if not, why. Loads the
 * addon when the backend is there, as the first kernel call would.
 *
 * ```js
 * const tf = require('@tensorflow/tfjs-node');
 * const tfbs = require('tfjs-blocksparse');
 * console.log(tfbs.nativeKernels());
 * // {available: true, reason: '', instructionSet: 'avx2-fma', threads: 8,
 * //  file: '.../prebuilds/linux-x64/tfjs_blocksparse_native.node', source: 'prebuilt'}
 * ```
 */
export function nativeKernels(): NativeKernels {
  const backend = tf.findBackend('tensorflow') as TFNodeBackend | null;
  if (backend == null) {
    return {
      available: false,
      reason: `there is no 'tensorflow' backend: load @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu first`,
      instructionSet: null,
      threads: null,
      file: null,
      source: null,
    };
  }
  return {...choosePath(backend).status};  // a copy: the choice is shared by every call
}
