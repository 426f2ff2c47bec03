import * as tf from '@tensorflow/tfjs-core';

import {BlockSparseMatMul} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';
import {BlockLayout} from '../../layout/block_layout';

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
  const values = Float32Array.from(out);
  const shape = [rows, outSize];
  return {dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32'};
}

/** y[m, n-block] += x[m, k-block] . w[v] for every block v = (k, n). */
function multiply(
    x: Float32Array, w: Float32Array, layout: BlockLayout,
    rows: number): Float64Array {
  const {blockSize: b, inputSize: K, outputSize: N, nnzBlocks} = layout;
  const y = new Float64Array(rows * N);
  for (let v = 0; v < nnzBlocks; v++) {
    const xCol = layout.blockRow[v] * b, yCol = layout.blockCol[v] * b;
    const block = v * b * b;
    for (let m = 0; m < rows; m++) {
      const xRow = m * K + xCol, yRow = m * N + yCol;
      for (let i = 0; i < b; i++) {
        const xv = x[xRow + i];
        if (xv === 0) continue;
        const wRow = block + i * b;
        for (let j = 0; j < b; j++) y[yRow + j] += xv * w[wRow + j];
      }
    }
  }
  return y;
}

/** y[m, k-block] += x[m, n-block] . w[v]^T for every block v = (k, n). */
function multiplyTransposed(
    x: Float32Array, w: Float32Array, layout: BlockLayout,
    rows: number): Float64Array {
  const {blockSize: b, inputSize: K, outputSize: N, nnzBlocks} = layout;
  const y = new Float64Array(rows * K);
  for (let v = 0; v < nnzBlocks; v++) {
    const yCol = layout.blockRow[v] * b, xCol = layout.blockCol[v] * b;
    const block = v * b * b;
    for (let m = 0; m < rows; m++) {
      const xRow = m * N + xCol, yRow = m * K + yCol;
      for (let i = 0; i < b; i++) {
        const wRow = block + i * b;
        let sum = 0;
        for (let j = 0; j < b; j++) sum += x[xRow + j] * w[wRow + j];
        y[yRow + i] += sum;
      }
    }
  }
  return y;
}

export const blockSparseMatMulCpuConfig = defineKernel(BlockSparseMatMul, 'cpu', blockSparseMatMulCpu);
