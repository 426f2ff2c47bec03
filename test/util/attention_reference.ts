/**
 * Float64 reference of masked dense attention, written from the textbook
 * formulas independently of the kernels: the scores are the full [S, S]
 * matrix q . k^T, and the layout, causal flag and key mask only decide
 * which entries the softmax may use.
 *
 * Tensors are row-major and flattened over their leading dims: `slices`
 * [S, S] or [S, d] matrices, slice s belonging to batch entry
 * floor(s / heads) (the key mask's row).
 */
import {BlockLayout} from '../../src/layout/block_layout';

import {matMul64} from './reference';

export interface AttentionMasking {
  layout: BlockLayout;
  causal: boolean;
  /** [batch, S], nonzero = attend; null for none. */
  keyMask: ArrayLike<number>|null;
  /** Slices per key-mask row (the product of the leading dims after batch). */
  heads: number;
}

/** 1 where query i may attend to key j in slice `slice`: block kept, not after i when causal, key not padding. */
export function allowedMatrix(masking: AttentionMasking, slice: number): Uint8Array {
  const {layout, causal, keyMask, heads} = masking;
  const S = layout.inputSize, b = layout.blockSize;
  const batch = Math.floor(slice / heads);
  const allowed = new Uint8Array(S * S);
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < S; j++) {
      const kept = layout.has(Math.floor(i / b), Math.floor(j / b));
      const inOrder = !causal || j <= i;
      const key = keyMask == null || keyMask[batch * S + j] !== 0;
      allowed[i * S + j] = kept && inOrder && key ? 1 : 0;
    }
  }
  return allowed;
}

/** Row softmax of scale * scores [S, S] over allowed entries; rows with none are 0. */
export function maskedSoftmax64(
    scores: ArrayLike<number>, allowed: Uint8Array, S: number, scale: number): Float64Array {
  const p = new Float64Array(S * S);
  for (let i = 0; i < S; i++) {
    let max = -Infinity;
    for (let j = 0; j < S; j++) if (allowed[i * S + j]) max = Math.max(max, scale * scores[i * S + j]);
    if (max === -Infinity) continue;
    let sum = 0;
    for (let j = 0; j < S; j++) {
      if (!allowed[i * S + j]) continue;
      p[i * S + j] = Math.exp(scale * scores[i * S + j] - max);
      sum += p[i * S + j];
    }
    for (let j = 0; j < S; j++) p[i * S + j] /= sum;
  }
  return p;
}

/** Gradient of the scores from dP for P = maskedSoftmax64: scale * P * (dP - rowsum(dP * P)). */
export function maskedSoftmaxGrad64(
    p: ArrayLike<number>, dP: ArrayLike<number>, S: number, scale: number): Float64Array {
  const dS = new Float64Array(S * S);
  for (let i = 0; i < S; i++) {
    let dot = 0;
    for (let j = 0; j < S; j++) dot += dP[i * S + j] * p[i * S + j];
    for (let j = 0; j < S; j++) dS[i * S + j] = scale * p[i * S + j] * (dP[i * S + j] - dot);
  }
  return dS;
}

/** Slice s of a flat array of `slices` equal parts of `size`. */
export function sliceOf(values: ArrayLike<number>, s: number, size: number): ArrayLike<number> {
  return Array.prototype.slice.call(values, s * size, (s + 1) * size) as number[];
}

/** Concatenates per-slice results. */
export function concat64(parts: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export interface AttentionInputs extends AttentionMasking {
  /** [slices, S, d] */
  q: ArrayLike<number>;
  k: ArrayLike<number>;
  /** [slices, S, dv] */
  v: ArrayLike<number>;
  slices: number;
  depth: number;
  valueDepth: number;
  scale: number;
}

export interface AttentionResult {
  out: Float64Array;
  /** Gradients of sum(out * upstream), when an upstream gradient was given. */
  dq?: Float64Array;
  dk?: Float64Array;
  dv?: Float64Array;
}

/** softmax(scale * q . k^T, masked) . v per slice, and its gradients. */
export function attention64(inputs: AttentionInputs, upstream?: ArrayLike<number>): AttentionResult {
  const {layout, slices, depth: d, valueDepth: dv, scale} = inputs;
  const S = layout.inputSize;
  const outs: Float64Array[] = [], dqs: Float64Array[] = [], dks: Float64Array[] = [],
        dvs: Float64Array[] = [];
  for (let s = 0; s < slices; s++) {
    const q = sliceOf(inputs.q, s, S * d), k = sliceOf(inputs.k, s, S * d);
    const v = sliceOf(inputs.v, s, S * dv);
    const scores = matMul64(q, [S, d], k, [S, d], false, true);
    const p = maskedSoftmax64(scores, allowedMatrix(inputs, s), S, scale);
    outs.push(matMul64(p, [S, S], v, [S, dv]));
    if (upstream == null) continue;
    const dOut = sliceOf(upstream, s, S * dv);
    dvs.push(matMul64(p, [S, S], dOut, [S, dv], true, false));
    const dS = maskedSoftmaxGrad64(p, matMul64(dOut, [S, dv], v, [S, dv], false, true), S, scale);
    dqs.push(matMul64(dS, [S, S], k, [S, d]));
    dks.push(matMul64(dS, [S, S], q, [S, d], true, false));
  }
  const result: AttentionResult = {out: concat64(outs)};
  if (upstream != null) {
    result.dq = concat64(dqs);
    result.dk = concat64(dks);
    result.dv = concat64(dvs);
  }
  return result;
}
