import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseMatMul} from '../../kernel_names';
import {BlockLayout} from '../../layout/block_layout';
import {defineKernel, KernelArgs} from '../define_kernel';

import {addScaled, forEachBlockRow, writeFloat32} from './block_rows';

/**
 * CPU reference of the dense x block-sparse product. Loops run over one
 * nonzero block at a time with a contiguous inner loop along the block's
 * row; sums are kept in float64 so this kernel can serve as the reference.
 */
export function blockSparseMatMulCpu(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseMatMul, tf.KernelBackend>): tf.TensorInfo {
  const {layout, transposeW} = attrs;
  const x = backend.readSync(inputs.x.dataId) as Float32Array;
  const w = backend.readSync(inputs.w.dataId) as Float32Array;
  const rows = inputs.x.shape[0];
  const outSize = transposeW ? layout.inputSize : layout.outputSize;
  const out = transposeW ? multiplyTransposed(x, w, layout, rows) :
                           multiply(x, w, layout, rows);
  return writeFloat32(backend, out, [rows, outSize]);
}

/** y[m, n-block] += x[m, k-block] . w[v] for every block v = (k, n). */
export function multiply(
    x: Float32Array, w: Float32Array, layout: BlockLayout, rows: number): Float64Array {
  const b = layout.blockSize;
  const y = new Float64Array(rows * layout.outputSize);
  forEachBlockRow(layout, rows, (block, xRow, yRow) => {
    for (let i = 0; i < b; i++) addScaled(y, yRow, x[xRow + i], w, block + i * b, b);
  });
  return y;
}

/** y[m, k-block] += x[m, n-block] . w[v]^T for every block v = (k, n). */
export function multiplyTransposed(
    x: Float32Array, w: Float32Array, layout: BlockLayout, rows: number): Float64Array {
  const b = layout.blockSize;
  const y = new Float64Array(rows * layout.inputSize);
  forEachBlockRow(layout, rows, (block, yRow, xRow) => {
    for (let i = 0; i < b; i++) {
      const wRow = block + i * b;
      let sum = 0;
      for (let j = 0; j < b; j++) sum += x[xRow + j] * w[wRow + j];
      y[yRow + i] += sum;
    }
  });
  return y;
}

export const blockSparseMatMulCpuConfig = defineKernel(BlockSparseMatMul, 'cpu', blockSparseMatMulCpu);
