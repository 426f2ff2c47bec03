/**
 * Zeros of a given shape (x . W for a layout without blocks), vec4 per
 * invocation; with a product epilogue, the epilogue of those zeros.
 */
import {Vec4Program} from './flat_programs';
import {epilogueKey, epilogueVariableComponents, epilogueVariableNames, epilogueWgsl, finalValue, ProductEpilogue} from './product_epilogue';

export class FillZerosProgram extends Vec4Program {
  variableNames: string[];
  variableComponents: number[];

  constructor(outputShape: number[], private readonly epilogue?: ProductEpilogue) {
    super(outputShape, `blockSparseFillZeros${epilogueKey(epilogue)}`);
    this.variableNames = epilogueVariableNames(epilogue);
    this.variableComponents = epilogueVariableComponents(epilogue);
  }

  getUserCode(): string {
    // Only an epilogue needs the coordinates: zeros are written as [size] vec4s.
    const cols4 = `(uniforms.outShape.y / 4)`;
    return `
      ${epilogueWgsl(this.epilogue)}
      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = ${
        finalValue(this.epilogue, 'vec4<f32>(0.0)', `index / ${cols4}`, `index % ${cols4}`)};
        }
      }`;
  }
}
