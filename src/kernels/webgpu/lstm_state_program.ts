/**
 * Base of the element-wise programs of the LSTM step (lstm_step_programs.ts
 * and lstm_step_backward_programs.ts): one invocation per vec4 of the state
 * [batch, units], which reads that state vec4 and the four gate vec4s of the
 * same units from gates [batch, 4 * units] (i, f, g, o side by side). Every
 * such program has the gates as an input named `Gates`. units is a multiple
 * of the block size (8 or more), so a vec4 never straddles two gates.
 *
 * A masked program (the step's optional mask [batch, 1], bound last as
 * `Mask`) also has `steps`: whether this row steps (mask != 0) or keeps
 * its state.
 */
import {FlatProgram, VEC4_WORKGROUP_X} from './flat_programs';

export abstract class LSTMStateProgram extends FlatProgram {
  constructor(
      outputShape: number[], stateShape: number[], shaderKey: string, readonly masked = false) {
    const stateVec4s = stateShape[0] * stateShape[1] / 4;
    super(
        outputShape, masked ? `${shaderKey}_masked` : shaderKey, VEC4_WORKGROUP_X,
        Math.ceil(stateVec4s / VEC4_WORKGROUP_X));
  }

  /** The inputs' names and components, with the mask (one float per row) last when masked. */
  protected withMask(names: string[]): {variableNames: string[], variableComponents: number[]} {
    const all = this.masked ? [...names, 'Mask'] : names;
    return {variableNames: all, variableComponents: all.map(name => name === 'Mask' ? 1 : 4)};
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
        ${this.masked ? 'let steps = Mask[index / units4] != 0.0;' : ''}
        ${body}
      }`;
  }
}
