/**
 * Helpers of the WebGPU-only specs: the backend's internals they look at, a
 * clean validation error scope, and the programs a call dispatches.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import type {WebGPUBackendLike, WebGPUProgramLike} from '../../src/kernels/webgpu/webgpu_types';

interface GPUDeviceLike {
  pushErrorScope(filter: string): void;
  popErrorScope(): Promise<{message: string}|null>;
}
export type Backend = WebGPUBackendLike&{
  device: GPUDeviceLike,
  pipelineCache: Record<string, unknown>,
  tensorMap: {numDataIds(): number},
};

export function backend(): Backend {
  return tf.backend() as unknown as Backend;
}

/** Runs `fn` inside validation and out-of-memory error scopes; fails on any error. */
export async function expectNoGpuErrors<T>(fn: () => T): Promise<T> {
  const device = backend().device;
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  const result = fn();
  const oom = await device.popErrorScope();
  const validation = await device.popErrorScope();
  expect(oom?.message ?? null, 'out-of-memory error').to.equal(null);
  expect(validation?.message ?? null, 'validation error').to.equal(null);
  return result;
}

/**
 * Runs `fn` and lists the programs it dispatched, by class name: every
 * `runWebGPUProgram` call is one compute dispatch.
 */
export function programsRunBy<T>(fn: () => T): {result: T, programs: string[]} {
  const gpu = backend();
  const programs: string[] = [];
  const original = gpu.runWebGPUProgram;
  gpu.runWebGPUProgram = function(this: Backend, program: WebGPUProgramLike, ...rest) {
    programs.push(program.constructor.name);
    return original.call(this, program, ...rest);
  } as typeof original;
  try {
    return {result: fn(), programs};
  } finally {
    // Drops the own property, so the prototype's method shows through again.
    delete (gpu as Partial<Backend>).runWebGPUProgram;
  }
}
