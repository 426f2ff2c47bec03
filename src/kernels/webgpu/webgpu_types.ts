/**
 * The few members of `@tensorflow/tfjs-backend-webgpu` these kernels use,
 * declared here so the plugin neither imports that package at run time nor
 * needs its types to compile (it is an optional peer).
 */
import type {DataType, TensorInfo} from '@tensorflow/tfjs-core';

/** A program as `WebGPUBackend.runWebGPUProgram` consumes it. */
export interface WebGPUProgramLike {
  variableNames: string[];
  outputShape: number[];
  /** Names every choice that changes the generated WGSL (the backend appends ranks and dtypes). */
  shaderKey: string;
  dispatchLayout: {x: number[], y?: number[], z?: number[]};
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  /** Adds `uniforms.size`: output elements / outputComponent. */
  size?: boolean;
  /** Extra uniforms, e.g. `'rows : i32, entryBase : i32,'`. */
  uniforms?: string;
  /** Vector width of the output buffer's elements. */
  outputComponent?: number;
  /** Vector width of each input buffer's elements. */
  variableComponents?: number[];
  getUserCode(): string;
}

export interface ProgramUniform {
  type: 'int32'|'float32'|'uint32';
  data: number[];
}

/** The slice of `WebGPUBackend` the kernels call. */
export interface WebGPUBackendLike {
  runWebGPUProgram(
      program: WebGPUProgramLike, inputs: TensorInfo[], outputDtype: DataType,
      uniforms?: ProgramUniform[]): TensorInfo;
  makeTensorInfo(shape: number[], dtype: DataType, values?: ArrayLike<number>): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  readonly device: {limits: {maxComputeWorkgroupStorageSize: number}};
}
