/**
 * The forward LSTM step on WebGPU (math in src/kernel_names.ts) in three
 * programs: the product hPrev . U with LSTM_GATES_EPILOGUE writes the
 * activated gates, then LSTMCellProgram writes c and LSTMHiddenProgram h.
 * With a mask, the last two keep cPrev and hPrev on rows whose mask is 0.
 */
import {ACTIVATIONS_WGSL} from './activations_wgsl';
import {LSTMStateProgram} from './lstm_state_program';
import type {ProductEpilogue} from './product_epilogue';

/**
 * gates = activation(z + hPrev . U): tanh on the third quarter of the
 * columns (g), sigmoid on the others (i, f, o).
 */
export const LSTM_GATES_EPILOGUE: ProductEpilogue = {
  key: 'lstmGates',
  variableNames: ['Z'],
  wgsl: `${ACTIVATIONS_WGSL}

      fn applyEpilogue(value : vec4<f32>, row : i32, col4 : i32) -> vec4<f32> {
        let cols4 = uniforms.zShape.y / 4;
        let preActivation = value + Z[row * cols4 + col4];
        if (col4 / (cols4 / 4) == 2) {
          return tanhVec4(preActivation);
        }
        return sigmoidVec4(preActivation);
      }`,
};

/** c = f * cPrev + i * g; inputs Gates, CPrev (and Mask). */
export class LSTMCellProgram extends LSTMStateProgram {
  variableNames: string[];
  variableComponents: number[];

  constructor(stateShape: number[], masked = false) {
    super(stateShape, stateShape, 'blockSparseLSTMCell', masked);
    ({variableNames: this.variableNames, variableComponents: this.variableComponents} =
         this.withMask(['Gates', 'CPrev']));
  }

  getUserCode(): string {
    const c = 'f * CPrev[index] + i * g';
    return this.mainWith(`
        let i = Gates[gateAt];
        let f = Gates[gateAt + units4];
        let g = Gates[gateAt + 2 * units4];
        result[index] = ${this.masked ? `select(CPrev[index], ${c}, steps)` : c};`);
  }
}

/**
 * h = o * tanh(c), from the c just written (so h agrees with the c
 * returned); inputs Gates, C (and HPrev, Mask).
 */
export class LSTMHiddenProgram extends LSTMStateProgram {
  variableNames: string[];
  variableComponents: number[];

  constructor(stateShape: number[], masked = false) {
    super(stateShape, stateShape, 'blockSparseLSTMHidden', masked);
    ({variableNames: this.variableNames, variableComponents: this.variableComponents} =
         this.withMask(masked ? ['Gates', 'C', 'HPrev'] : ['Gates', 'C']));
  }

  getUserCode(): string {
    const h = 'Gates[gateAt + 3 * units4] * tanhVec4(C[index])';
    return `${ACTIVATIONS_WGSL}
      ${this.mainWith(`result[index] = ${this.masked ? `select(HPrev[index], ${h}, steps)` : h};`)}`;
  }
}
