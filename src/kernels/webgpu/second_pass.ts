/**
 * The tail both products share when their first pass writes partial sums
 * (heavy groups split into segments, or the M reduction cut into slices):
 * a second program reduces them, and the partial sums are freed at once.
 */
import type {TensorInfo} from '@tensorflow/tfjs-core';

import type {ProgramUniform, WebGPUBackendLike, WebGPUProgramLike} from './webgpu_types';

/**
 * Runs `reduce` on [partial, ...otherInputs] (the table, and a fused
 * epilogue's inputs) and disposes `partial`.
 */
export function reducePartialSums(
    backend: WebGPUBackendLike, partial: TensorInfo, reduce: WebGPUProgramLike,
    otherInputs: TensorInfo[], uniforms: ProgramUniform[]): TensorInfo {
  const result = backend.runWebGPUProgram(reduce, [partial, ...otherInputs], 'float32', uniforms);
  backend.disposeData(partial.dataId);
  return result;
}
