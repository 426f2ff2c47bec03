/**
 * WebGPU reports a buffer too large for the device (lavapipe binds at most
 * 128 MB per storage buffer) as an asynchronous device error, not an
 * exception: the dispatch is dropped and the run "finishes" at once with
 * garbage. Benchmarks run a contender's first call inside error scopes to
 * tell such a failure from a result.
 */
import * as tf from '@tensorflow/tfjs';

interface ErrorScopeDevice {
  pushErrorScope(filter: 'validation'|'out-of-memory'): void;
  popErrorScope(): Promise<{message: string}|null>;
}

/** Runs `run`; on webgpu, also the first device error it caused (else null). */
export async function withDeviceErrors<T>(run: () => Promise<T>): Promise<{value: T, deviceError: string|null}> {
  if (tf.getBackend() !== 'webgpu') return {value: await run(), deviceError: null};
  // The WebGPU backend's device; tfjs types do not expose it.
  const device = (tf.backend() as unknown as {device: ErrorScopeDevice}).device;
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  const value = await run();
  const outOfMemory = await device.popErrorScope();
  const validation = await device.popErrorScope();
  const error = outOfMemory ?? validation;
  return {value, deviceError: error == null ? null : error.message.split('\n')[0]};
}
