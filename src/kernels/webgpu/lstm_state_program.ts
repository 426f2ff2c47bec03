/**
 * Base of the element-wise programs of the LSTM step (lstm_step_programs.ts
 * and lstm_step_backward_programs.ts): one invocation per vec4 of the state
 * [batch, units], which reads that state vec4 and the four gate vec4s of the
 * same units from gates [batch, 4 * units] (i, f, g, o side by side). Every
 * such program has the gates as an input named `Gates`. units is a multiple
 * of the block size (8 or more), so a vec4 never straddles two gates.
 */
import {FlatProgram, VEC4_WORKGROUP_X} from './flat_programs';

export abstract class LSTMStateProgram extends FlatProgram {
  constructor(outputShape: number[], stateShape: number[], shaderKey: string) {
    const stateVec4s = stateShape[0] * stateShape[1] / 4;
    super(outputShape, shaderKey, VEC4_WORKGROUP_X, Math.ceil(stateVec4s / VEC4_WORKGROUP_X));
  }

  /** WGSL of `main` with `index` (the state vec4) and `gateAt` (gate i's vec4 of those units). */
  protected mainWith(body: string): string {
    return `
      fn main(index : i32) {
        let units4 = uniforms.gatesShape.y / 16;
        if (index >= uniforms.gatesShape.x * units4) {
          return;
        }
        let gateAt = (index / units4) * 4 * units4 + index % units4;
        ${body}
      }`;
  }
}
