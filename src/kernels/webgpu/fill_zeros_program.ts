/** Zeros of a given shape (x . W for a layout without blocks), vec4 per invocation. */
import {vec4Dispatch} from './program_util';
import type {WebGPUProgramLike} from './webgpu_types';

export class FillZerosProgram implements WebGPUProgramLike {
  variableNames: string[] = [];
  outputComponent = 4;
  outputShape: number[];
  shaderKey = 'blockSparseFillZeros';
  dispatchLayout = {x: [0, 1]};
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatch = vec4Dispatch(outputShape, this.workgroupSize[0]);
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = vec4<f32>(0.0);
        }
      }`;
  }
}
