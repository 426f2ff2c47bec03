/**
 * Float64 dense reference computed on the host: the block weights are
 * scattered into the masked dense matrix and multiplied with plain loops.
 */
import {BlockLayout} from '../../src/layout/block_layout';

/** Dense [K, N] matrix (row-major, float64) of block weights w. */
export function denseFromBlocks(
    w: ArrayLike<number>, layout: BlockLayout): Float64Array {
  const {blockSize: b, inputSize: K, outputSize: N} = layout;
  const dense = new Float64Array(K * N);
  for (let v = 0; v < layout.nnzBlocks; v++) {
    const r0 = layout.blockRow[v] * b, c0 = layout.blockCol[v] * b;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < b; j++) {
        dense[(r0 + i) * N + c0 + j] = w[v * b * b + i * b + j];
      }
    }
  }
  return dense;
}

/** Blocks [nnz, b, b] of a dense [K, N] matrix, where the layout keeps them. */
export function blocksFromDense(
    dense: ArrayLike<number>, layout: BlockLayout): Float64Array {
  const {blockSize: b, outputSize: N} = layout;
  const out = new Float64Array(layout.nnzBlocks * b * b);
  for (let v = 0; v < layout.nnzBlocks; v++) {
    const r0 = layout.blockRow[v] * b, c0 = layout.blockCol[v] * b;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < b; j++) {
        out[v * b * b + i * b + j] = dense[(r0 + i) * N + c0 + j];
      }
    }
  }
  return out;
}

/**
 * op(A) . op(B) in float64, where A is stored [aRows, aCols] and B
 * [bRows, bCols] row-major; transpose flags as in tf.matMul.
 */
export function matMul64(
    a: ArrayLike<number>, aShape: [number, number], b: ArrayLike<number>,
    bShape: [number, number], transposeA = false,
    transposeB = false): Float64Array {
  const [m, inner] = transposeA ? [aShape[1], aShape[0]] : aShape;
  const [innerB, n] = transposeB ? [bShape[1], bShape[0]] : bShape;
  if (inner !== innerB) throw new Error(`matMul64: ${inner} != ${innerB}`);
  const aAt = (i: number, k: number) =>
      transposeA ? a[k * aShape[1] + i] : a[i * aShape[1] + k];
  const bAt = (k: number, j: number) =>
      transposeB ? b[j * bShape[1] + k] : b[k * bShape[1] + j];
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < inner; k++) {
      const av = aAt(i, k);
      if (av === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += av * bAt(k, j);
    }
  }
  return out;
}

/** ||actual - expected||_2 / ||expected||_2 (absolute when expected is 0). */
export function relativeError(
    actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    throw new Error(`length ${actual.length} != expected ${expected.length}`);
  }
  let diff = 0, norm = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = actual[i] - expected[i];
    if (!Number.isFinite(actual[i])) return Infinity;
    diff += d * d;
    norm += expected[i] * expected[i];
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
}
