/**
 * An element-wise step fused into the write of a dense x block-sparse
 * product: each output vec4 at (row, col4) goes through `applyEpilogue`
 * before it is stored, so e.g. the LSTM gates need no pass of their own.
 * The program that writes the product's final values applies it:
 * BlockSparseMatMulProgram when it writes directly, SegmentSumProgram after
 * a split, FillZerosProgram for a layout without blocks.
 */
import type {TensorInfo} from '@tensorflow/tfjs-core';

export interface ProductEpilogue {
  /** Names the WGSL below in the program's shaderKey. */
  key: string;
  /** Inputs the WGSL reads, as vec4 arrays bound after the program's own. */
  variableNames: string[];
  /** Defines `fn applyEpilogue(value : vec4<f32>, row : i32, col4 : i32) -> vec4<f32>`. */
  wgsl: string;
}

/** An epilogue with the tensors it reads, in `variableNames` order. */
export interface EpilogueWithInputs {
  epilogue: ProductEpilogue;
  inputs: TensorInfo[];
}

/** The shaderKey suffix: empty without an epilogue, so plain products keep their keys. */
export function epilogueKey(epilogue?: ProductEpilogue): string {
  return epilogue == null ? '' : `_${epilogue.key}`;
}

export function epilogueVariableNames(epilogue?: ProductEpilogue): string[] {
  return epilogue?.variableNames ?? [];
}

export function epilogueVariableComponents(epilogue?: ProductEpilogue): number[] {
  return epilogueVariableNames(epilogue).map(() => 4);
}

export function epilogueWgsl(epilogue?: ProductEpilogue): string {
  return epilogue?.wgsl ?? '';
}

/** The WGSL expression that stores `value`: through the epilogue when there is one. */
export function finalValue(
    epilogue: ProductEpilogue|undefined, value: string, row: string, col4: string): string {
  return epilogue == null ? value : `applyEpilogue(${value}, ${row}, ${col4})`;
}
