import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSampledMatMul} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {addScaled, forEachBlockRow, writeFloat32} from './block_rows';

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
  const b = layout.blockSize;
  const out = new Float64Array(layout.nnzBlocks * b * b);
  forEachBlockRow(layout, rows, (block, aRow, bRow) => {
    for (let i = 0; i < b; i++) addScaled(out, block + i * b, a[aRow + i], bMat, bRow, b);
  });
  return writeFloat32(backend, out, layout.weightShape);
}

export const blockSparseSampledMatMulCpuConfig = defineKernel(BlockSparseSampledMatMul, 'cpu', blockSparseSampledMatMulCpu);
