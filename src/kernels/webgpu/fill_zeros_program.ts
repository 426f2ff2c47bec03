/** Zeros of a given shape (x . W for a layout without blocks), vec4 per invocation. */
import {Vec4Program} from './flat_programs';

export class FillZerosProgram extends Vec4Program {
  variableNames: string[] = [];

  constructor(outputShape: number[]) {
    super(outputShape, 'blockSparseFillZeros');
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
