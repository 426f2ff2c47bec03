/**
 * A `tensorflow` kernel stated as its two paths: the native op and the
 * composed ops. Which one runs is chosen here, on every call, by
 * kernel_path.ts (the flag can change between calls).
 */
import type * as tf from '@tensorflow/tfjs-core';

import type {BlockSparseKernelName} from '../../kernel_names';
import {defineKernel, KernelArgs, KernelOutputs} from '../define_kernel';

import {nativeAddonFor} from './kernel_path';
import type {NativeAddon} from './native_addon';
import type {TFNodeBackend} from './tf_ops';

export interface TensorflowKernelPaths<Name extends BlockSparseKernelName> {
  /** The native CPU op, through the loaded addon. */
  native: (args: KernelArgs<Name, TFNodeBackend>, addon: NativeAddon) => KernelOutputs<Name>;
  /** Composed ops: on a GPU device, without the addon, or with the native flag off. */
  composed: (args: KernelArgs<Name, TFNodeBackend>) => KernelOutputs<Name>;
  /**
   * The result when the call has nothing to compute (no rows, no blocks),
   * else null: checked first, so such a call neither loads the addon nor
   * announces a path.
   */
  empty?: (args: KernelArgs<Name, TFNodeBackend>) => KernelOutputs<Name>|null;
}

export function defineTensorflowKernel<Name extends BlockSparseKernelName>(
    kernelName: Name, paths: TensorflowKernelPaths<Name>): tf.KernelConfig {
  return defineKernel(kernelName, 'tensorflow', (args: KernelArgs<Name, TFNodeBackend>) => {
    const result = paths.empty?.(args);
    if (result != null) return result;
    const addon = nativeAddonFor(args.backend);
    return addon != null ? paths.native(args, addon) : paths.composed(args);
  });
}
