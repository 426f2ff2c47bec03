/**
 * The element-wise part of the LSTM step's backward on WebGPU (math in
 * src/kernel_names.ts): dz and dcPrev, one program each; dhPrev = dz . U^T
 * is the transposed product. With a mask, rows whose mask is 0 get dz = 0
 * and dcPrev = dc, and MaskedRowsProgram puts dh into their dhPrev.
 */
import {ACTIVATIONS_WGSL} from './activations_wgsl';
import {Vec4Program} from './flat_programs';
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
  variableNames: string[];
  variableComponents: number[];

  constructor(gatesShape: number[], stateShape: number[], masked = false) {
    super(gatesShape, stateShape, 'blockSparseLSTMGateGradients', masked);
    ({variableNames: this.variableNames, variableComponents: this.variableComponents} =
         this.withMask(['Gates', 'C', 'CPrev', 'Dh', 'Dc']));
  }

  getUserCode(): string {
    // A row that kept its state has no gate gradient.
    const kept = this.masked ? `
        if (!steps) {
          for (var gate = 0; gate < 4; gate++) {
            result[gateAt + gate * units4] = vec4<f32>(0.0);
          }
          return;
        }` : '';
    return `${ACTIVATIONS_WGSL}
      ${this.mainWith(`${kept}${CELL_GRADIENT_WGSL}
        result[gateAt] = dcAll * g * i * (1.0 - i);
        result[gateAt + units4] = dcAll * CPrev[index] * f * (1.0 - f);
        result[gateAt + 2 * units4] = dcAll * i * (1.0 - g * g);
        result[gateAt + 3 * units4] = dh * tanhC * o * (1.0 - o);`)}`;
  }
}

/** dcPrev = dcAll * f (dc on rows that kept their state). */
export class LSTMCellGradientProgram extends LSTMStateProgram {
  variableNames: string[];
  variableComponents: number[];

  constructor(stateShape: number[], masked = false) {
    super(stateShape, stateShape, 'blockSparseLSTMCellGradient', masked);
    ({variableNames: this.variableNames, variableComponents: this.variableComponents} =
         this.withMask(['Gates', 'C', 'Dh', 'Dc']));
  }

  getUserCode(): string {
    return `${ACTIVATIONS_WGSL}
      ${this.mainWith(`${CELL_GRADIENT_WGSL}
        result[index] = ${this.masked ? 'select(Dc[index], dcAll * f, steps)' : 'dcAll * f'};`)}`;
  }
}

/**
 * Stepped where the row's mask is not 0, else Kept ([batch, units] each):
 * dhPrev from the product's dz . U^T and dh.
 */
export class MaskedRowsProgram extends Vec4Program {
  variableNames = ['Stepped', 'Kept', 'Mask'];
  variableComponents = [4, 4, 1];

  constructor(stateShape: number[]) {
    super(stateShape, 'blockSparseLSTMMaskedRows');
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let row = index / (uniforms.outShape.y / 4);
          result[index] = select(Kept[index], Stepped[index], Mask[row] != 0.0);
        }
      }`;
  }
}
