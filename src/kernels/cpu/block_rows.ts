/**
 * The loop all three CPU reference products share: every kept block v of
 * the layout, with every row m of the two dense operands it pairs (x and y,
 * or a and b), one [rows, K] and one [rows, N].
 */
import type * as tf from '@tensorflow/tfjs-core';

import {BlockLayout} from '../../layout/block_layout';

/**
 * Calls body(block, kSlice, nSlice) for every kept block v = (k, n) and every
 * row m: `block` is the offset of block v in w [nnz, b, b]; `kSlice` the
 * offset of row m's k-th block slice in a [rows, K] operand, and `nSlice` of
 * its n-th slice in a [rows, N] operand.
 */
export function forEachBlockRow(
    layout: BlockLayout, rows: number,
    body: (block: number, kSlice: number, nSlice: number) => void): void {
  const {blockSize: b, inputSize: K, outputSize: N} = layout;
  for (let v = 0; v < layout.nnzBlocks; v++) {
    const k0 = layout.blockRow[v] * b, n0 = layout.blockCol[v] * b;
    for (let m = 0; m < rows; m++) body(v * b * b, m * K + k0, m * N + n0);
  }
}

/** dst[dstOffset + j] += alpha * src[srcOffset + j] for j < n (skipped when alpha is 0). */
export function addScaled(
    dst: Float64Array, dstOffset: number, alpha: number, src: Float32Array, srcOffset: number,
    n: number): void {
  if (alpha === 0) return;
  for (let j = 0; j < n; j++) dst[dstOffset + j] += alpha * src[srcOffset + j];
}

/** Float64 sums written back as a float32 tensor of `shape`. */
export function writeFloat32(
    backend: tf.KernelBackend, sums: Float64Array, shape: number[]): tf.TensorInfo {
  return {dataId: backend.write(Float32Array.from(sums), shape, 'float32'), shape, dtype: 'float32'};
}
