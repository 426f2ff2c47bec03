import * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSampledMatMul} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

/**
 * CPU reference of the sampled product: out[v] = a[:, k-block]^T . b[:, n-block]
 * for every block v = (k, n), accumulated in float64, inner loop contiguous
 * along the block's columns.
 */
export function blockSparseSampledMatMulCpu(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSampledMatMul, tf.KernelBackend>): tf.TensorInfo {
  const {layout} = attrs;
  const a = backend.readSync(inputs.a.dataId) as Float32Array;
  const bMat = backend.readSync(inputs.b.dataId) as Float32Array;
  const rows = inputs.a.shape[0];
  const {blockSize: b, inputSize: K, outputSize: N, nnzBlocks} = layout;
  const out = new Float64Array(nnzBlocks * b * b);
  for (let v = 0; v < nnzBlocks; v++) {
    const aCol = layout.blockRow[v] * b, bCol = layout.blockCol[v] * b;
    const block = v * b * b;
    for (let m = 0; m < rows; m++) {
      const aRow = m * K + aCol, bRow = m * N + bCol;
      for (let i = 0; i < b; i++) {
        const av = a[aRow + i];
        if (av === 0) continue;
        const outRow = block + i * b;
        for (let j = 0; j < b; j++) out[outRow + j] += av * bMat[bRow + j];
      }
    }
  }
  const shape = layout.weightShape;
  return {
    dataId: backend.write(Float32Array.from(out), shape, 'float32'),
    shape,
    dtype: 'float32'
  };
}

export const blockSparseSampledMatMulCpuConfig = defineKernel(BlockSparseSampledMatMul, 'cpu', blockSparseSampledMatMulCpu);
