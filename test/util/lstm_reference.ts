/**
 * Float64 reference of one LSTM step with a dense recurrent matrix
 * U [units, 4 * units] (gates i, f, g, o side by side), forward and the
 * gradients of sum(h * rh + c * rc), written out from the textbook
 * derivation independently of the kernels.
 */
import {matMul64} from './reference';

export interface StepInputs {
  z: ArrayLike<number>;
  hPrev: ArrayLike<number>;
  cPrev: ArrayLike<number>;
  /** Dense U [units, 4 * units]. */
  u: ArrayLike<number>;
  batch: number;
  units: number;
}

export interface StepForward {
  h: Float64Array;
  c: Float64Array;
  /** Activated gates per row: i, f, g, o, each `units` wide. */
  gates: Float64Array;
}

export interface StepGradients {
  dz: Float64Array;
  dhPrev: Float64Array;
  dcPrev: Float64Array;
  /** Dense [units, 4 * units]. */
  du: Float64Array;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function lstmStep64(s: StepInputs): StepForward {
  const {batch, units} = s;
  const gates = matMul64(s.hPrev, [batch, units], s.u, [units, 4 * units]);
  const h = new Float64Array(batch * units), c = new Float64Array(batch * units);
  for (let m = 0; m < batch; m++) {
    for (let u = 0; u < units; u++) {
      const idx = (gate: number) => m * 4 * units + gate * units + u;
      const pre = [0, 1, 2, 3].map(gate => gates[idx(gate)] + s.z[idx(gate)]);
      const [i, f, g, o] = [sigmoid(pre[0]), sigmoid(pre[1]), Math.tanh(pre[2]), sigmoid(pre[3])];
      [i, f, g, o].forEach((value, gate) => gates[idx(gate)] = value);
      c[m * units + u] = f * s.cPrev[m * units + u] + i * g;
      h[m * units + u] = o * Math.tanh(c[m * units + u]);
    }
  }
  return {h, c, gates};
}

/** Gradients of sum(h * rh + c * rc) with respect to z, hPrev, cPrev and U. */
export function lstmStepGradients64(
    s: StepInputs, rh: ArrayLike<number>, rc: ArrayLike<number>): StepGradients {
  const {batch, units} = s;
  const {c, gates} = lstmStep64(s);
  const dz = new Float64Array(batch * 4 * units), dcPrev = new Float64Array(batch * units);
  for (let m = 0; m < batch; m++) {
    for (let u = 0; u < units; u++) {
      const k = m * units + u, idx = (gate: number) => m * 4 * units + gate * units + u;
      const [i, f, g, o] = [0, 1, 2, 3].map(gate => gates[idx(gate)]);
      const tanhC = Math.tanh(c[k]);
      // h = o tanh(c): dL/dc collects rc and the path through h.
      const dC = rc[k] + rh[k] * o * (1 - tanhC ** 2);
      dz[idx(0)] = dC * g * i * (1 - i);
      dz[idx(1)] = dC * s.cPrev[k] * f * (1 - f);
      dz[idx(2)] = dC * i * (1 - g ** 2);
      dz[idx(3)] = rh[k] * tanhC * o * (1 - o);
      dcPrev[k] = dC * f;
    }
  }
  return {
    dz,
    dcPrev,
    dhPrev: matMul64(dz, [batch, 4 * units], s.u, [units, 4 * units], false, true),
    du: matMul64(s.hPrev, [batch, units], dz, [batch, 4 * units], true, false),
  };
}

/**
 * The step with a timestep mask (one value per row): a row whose mask is 0
 * keeps its state (h = hPrev, c = cPrev); its gates are computed all the
 * same.
 */
export function maskedLSTMStep64(s: StepInputs, mask: ArrayLike<number>): StepForward {
  const {h, c, gates} = lstmStep64(s);
  forMaskedRows(s, mask, (first, end) => {
    for (let k = first; k < end; k++) [h[k], c[k]] = [s.hPrev[k], s.cPrev[k]];
  });
  return {h, c, gates};
}

/**
 * Gradients of sum(h * rh + c * rc) through the masked step: a kept row's
 * h and c are its hPrev and cPrev, so rh and rc pass straight back and its
 * dz is 0; the other rows as without a mask.
 */
export function maskedLSTMStepGradients64(
    s: StepInputs, mask: ArrayLike<number>, rh: ArrayLike<number>,
    rc: ArrayLike<number>): StepGradients {
  const steppedOnly = (r: ArrayLike<number>) => {
    const out = Float64Array.from(r);
    forMaskedRows(s, mask, (first, end) => out.fill(0, first, end));
    return out;
  };
  const gradients = lstmStepGradients64(s, steppedOnly(rh), steppedOnly(rc));
  forMaskedRows(s, mask, (first, end) => {
    for (let k = first; k < end; k++) {
      gradients.dhPrev[k] += rh[k];
      gradients.dcPrev[k] += rc[k];
    }
  });
  return gradients;
}

/** Calls `body` with the state index range [first, end) of each row whose mask is 0. */
function forMaskedRows(
    s: StepInputs, mask: ArrayLike<number>, body: (first: number, end: number) => void): void {
  for (let m = 0; m < s.batch; m++) {
    if (mask[m] === 0) body(m * s.units, (m + 1) * s.units);
  }
}
