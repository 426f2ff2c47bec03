/**
 * Typed kernel configs: kernels, ops and gradients name their inputs and
 * attrs through `BlockSparseKernelTypes`, and the casts between those types
 * and tfjs's untyped maps live here, once.
 */
import type * as tf from '@tensorflow/tfjs-core';

import type {BlockSparseKernelName, BlockSparseKernelTypes} from '../kernel_names';

export type KernelInputs<Name extends BlockSparseKernelName> = BlockSparseKernelTypes[Name]['inputs'];
export type KernelAttrs<Name extends BlockSparseKernelName> = BlockSparseKernelTypes[Name]['attrs'];
/** One TensorInfo, or a tuple for kernels with several outputs. */
export type KernelOutputs<Name extends BlockSparseKernelName> = BlockSparseKernelTypes[Name]['outputs'];

/** The arguments a kernel of `Name` receives from the engine. */
export interface KernelArgs<Name extends BlockSparseKernelName, Backend> {
  inputs: KernelInputs<Name>;
  attrs: KernelAttrs<Name>;
  backend: Backend;
}

/**
 * Our attrs carry a `BlockLayout` object, which tfjs's `NamedAttrMap`
 * (numbers, strings, booleans and arrays of them) cannot express; the engine
 * passes the object through untouched, so these two casts are sound.
 */
export function attrsOf<Name extends BlockSparseKernelName>(
    _kernelName: Name, attrs: tf.NamedAttrMap|undefined): KernelAttrs<Name> {
  // The way out of the engine: the same object, typed again with its layout.
  return attrs as unknown as KernelAttrs<Name>;
}

export function toNamedAttrMap<Name extends BlockSparseKernelName>(
    _kernelName: Name, attrs: KernelAttrs<Name>): tf.NamedAttrMap {
  // The way in to runKernel: the layout rides in a map typed for scalars.
  return attrs as unknown as tf.NamedAttrMap;
}

/**
 * A `KernelConfig` for `kernelName` on `backendName` whose function sees
 * typed inputs, attrs and backend.
 */
export function defineKernel<Name extends BlockSparseKernelName, Backend>(
    kernelName: Name, backendName: string,
    kernelFunc: (args: KernelArgs<Name, Backend>) => KernelOutputs<Name>): tf.KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: ({inputs, attrs, backend}) => kernelFunc({
      inputs: inputs as KernelInputs<Name>,
      attrs: attrsOf(kernelName, attrs),
      // The registry hands each kernel the backend it was registered for,
      // whose own class (WebGPUBackend, NodeJSKernelBackend) is not imported.
      backend: backend as unknown as Backend,
    }),
  };
}

/** The upstream gradient: one tensor per output of the kernel. */
export type UpstreamGradient<Name extends BlockSparseKernelName> =
    KernelOutputs<Name> extends tf.TensorInfo ? tf.Tensor : tf.Tensor[];

/**
 * A `GradConfig` for `kernelName` whose function sees the upstream gradient
 * (a tensor, or one per output for a kernel with several), the saved inputs
 * followed by the saved outputs, and typed attrs.
 */
export function defineGradient<Name extends BlockSparseKernelName>(
    kernelName: Name, toSave: {
      inputs: Array<keyof KernelInputs<Name>&string>,
      outputs?: boolean[],
    },
    gradFunc: (dy: UpstreamGradient<Name>, saved: tf.Tensor[], attrs: KernelAttrs<Name>) =>
        Record<keyof KernelInputs<Name>&string, () => tf.Tensor>): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: toSave.inputs,
    outputsToSave: toSave.outputs,
    // The engine passes one tensor for a one-output kernel and an array
    // otherwise, which is what UpstreamGradient<Name> says.
    gradFunc: (dy, saved, attrs) =>
        gradFunc(dy as UpstreamGradient<Name>, saved, attrsOf(kernelName, attrs)),
  };
}
