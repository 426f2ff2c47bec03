/**
 * The element-wise part of the LSTM step's backward on WebGPU (math in
 * src/kernel_names.ts): dz and dcPrev, one program each; dhPrev = dz . U^T
 * is the transposed product.
 */
import {ACTIVATIONS_WGSL} from './activations_wgsl';
import {LSTMStateProgram} from './lstm_state_program';

/** WGSL: tanhC, dh, the gates and dcAll = dc + dh * o * (1 - tanh(c)^2) at `index`. */
const CELL_GRADIENT_WGSL = `
        let i = Gates[gateAt];
        let f = Gates[gateAt + units4];
        let g = Gates[gateAt + 2 * units4];
        let o = Gates[gateAt + 3 * units4];
        let tanhC = tanhVec4(C[index]);
        let dh = Dh[index];
        let dcAll = Dc[index] + dh * o * (1.0 - tanhC * tanhC);`;

/**
 * dz [batch, 4 * units]: each invocation writes the four gates' vec4s of its
 * units, so every input is read once.
 */
export class LSTMGateGradientsProgram extends LSTMStateProgram {
  variableNames = ['Gates', 'C', 'CPrev', 'Dh', 'Dc'];
  variableComponents = [4, 4, 4, 4, 4];

  constructor(gatesShape: number[], stateShape: number[]) {
    super(gatesShape, stateShape, 'blockSparseLSTMGateGradients');
  }

  getUserCode(): string {
    return `${ACTIVATIONS_WGSL}
      ${this.mainWith(`${CELL_GRADIENT_WGSL}
        result[gateAt] = dcAll * g * i * (1.0 - i);
        result[gateAt + units4] = dcAll * CPrev[index] * f * (1.0 - f);
        result[gateAt + 2 * units4] = dcAll * i * (1.0 - g * g);
        result[gateAt + 3 * units4] = dh * tanhC * o * (1.0 - o);`)}`;
  }
}

/** dcPrev = dcAll * f. */
export class LSTMCellGradientProgram extends LSTMStateProgram {
  variableNames = ['Gates', 'C', 'Dh', 'Dc'];
  variableComponents = [4, 4, 4, 4];

  constructor(stateShape: number[]) {
    super(stateShape, stateShape, 'blockSparseLSTMCellGradient');
  }

  getUserCode(): string {
    return `${ACTIVATIONS_WGSL}
      ${this.mainWith(`${CELL_GRADIENT_WGSL}
        result[index] = dcAll * f;`)}`;
  }
}
