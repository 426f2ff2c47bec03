/**
 * Second pass of a sampled product split over M: out[i] = sum over the
 * slices s of partial[s, i], one vec4 per invocation.
 */
import {Vec4Program} from './flat_programs';

export class SliceSumProgram extends Vec4Program {
  variableNames = ['Partial'];
  variableComponents = [4];
  uniforms = 'slices : i32,';

  constructor(outputShape: number[]) {
    super(outputShape, 'blockSparseSliceSum');
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
