import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSDD} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {writeFloat32} from './block_rows';

/**
 * CPU reference of the sampled scores: for every batch entry and kept block
 * v = (r, c), out[v][i][j] = a[r*b + i] . b[c*b + j], a dot product of two
 * contiguous rows of length d summed in float64.
 */
export function blockSparseSDDCpu(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSDD, tf.KernelBackend>): tf.TensorInfo {
  const {layout} = attrs;
  const a = backend.readSync(inputs.a.dataId) as Float32Array;
  const b = backend.readSync(inputs.b.dataId) as Float32Array;
  const [batch, S, depth] = inputs.a.shape;
  const {blockSize, nnzBlocks} = layout;
  const out = new Float64Array(batch * nnzBlocks * blockSize * blockSize);
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let v = 0; v < nnzBlocks; v++) {
      const rowStart = (n * S + layout.blockRow[v] * blockSize) * depth;
      const colStart = (n * S + layout.blockCol[v] * blockSize) * depth;
      for (let i = 0; i < blockSize; i++) {
        const aRow = rowStart + i * depth;
        for (let j = 0; j < blockSize; j++) {
          const bRow = colStart + j * depth;
          let sum = 0;
          for (let t = 0; t < depth; t++) sum += a[aRow + t] * b[bRow + t];
          out[o++] = sum;
        }
      }
    }
  }
  return writeFloat32(backend, out, [batch, ...layout.weightShape]);
}

export const blockSparseSDDCpuConfig = defineKernel(BlockSparseSDD, 'cpu', blockSparseSDDCpu);
