/**
 * Second pass of a split dense x sparse product: out[m, g-block] = sum of the
 * partial sums [numSegments * M, b] of group g's segments (their range is in
 * the product table), one vec4 of output per invocation, passed through the
 * product's epilogue if it has one.
 */
import {Vec4Program} from './flat_programs';
import {epilogueKey, epilogueVariableComponents, epilogueVariableNames, epilogueWgsl, finalValue, ProductEpilogue} from './product_epilogue';

export class SegmentSumProgram extends Vec4Program {
  variableNames: string[];
  variableComponents: number[];
  uniforms = 'groupBase : i32,';

  constructor(
      rows: number, outputCols: number, private readonly blockSize: number,
      private readonly epilogue?: ProductEpilogue) {
    super([rows, outputCols], `blockSparseSegmentSum_b${blockSize}${epilogueKey(epilogue)}`);
    this.variableNames = ['Partial', 'Table', ...epilogueVariableNames(epilogue)];
    this.variableComponents = [4, 1, ...epilogueVariableComponents(epilogue)];
  }

  getUserCode(): string {
    const b4 = this.blockSize / 4;
    return `
      ${epilogueWgsl(this.epilogue)}
      fn main(index : i32) {
        if (index >= uniforms.size) {
          return;
        }
        let cols4 = uniforms.outShape.y / 4;
        let row = index / cols4;
        let col4 = index % cols4;
        let group = col4 / ${b4};
        let first = Table[uniforms.groupBase + 2 * group];
        let count = Table[uniforms.groupBase + 2 * group + 1];
        var sum = vec4<f32>(0.0);
        for (var s = first; s < first + count; s = s + 1) {
          sum = sum + Partial[(s * uniforms.outShape.x + row) * ${b4} + col4 % ${b4}];
        }
        result[index] = ${finalValue(this.epilogue, 'sum', 'row', 'col4')};
      }`;
  }
}
