/**
 * Second pass of a sampled product split over M: out[i] = sum over the
 * slices s of partial[s, i], one vec4 per invocation.
 */
import {vec4Dispatch} from './program_util';
import type {WebGPUProgramLike} from './webgpu_types';

export class SliceSumProgram implements WebGPUProgramLike {
  variableNames = ['Partial'];
  variableComponents = [4];
  outputComponent = 4;
  outputShape: number[];
  shaderKey = 'blockSparseSliceSum';
  dispatchLayout = {x: [0]};
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  uniforms = 'slices : i32,';

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatch = vec4Dispatch(outputShape, this.workgroupSize[0]);
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) {
          return;
        }
        var sum = vec4<f32>(0.0);
        for (var s = 0; s < uniforms.slices; s = s + 1) {
          sum = sum + Partial[s * uniforms.size + index];
        }
        result[index] = sum;
      }`;
  }
}
