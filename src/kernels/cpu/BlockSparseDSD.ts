import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseDSD} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {addScaled, writeFloat32} from './block_rows';

/**
 * CPU reference of block-sparse P times dense v: every entry p[v][i][j] of a
 * kept block v = (r, c) adds p * v[c*b + j] to out[r*b + i] (with
 * transposeP, p * v[r*b + i] to out[c*b + j]), rows of length d, float64
 * sums.
 */
export function blockSparseDSDCpu(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseDSD, tf.KernelBackend>): tf.TensorInfo {
  const {layout, transposeP} = attrs;
  const p = backend.readSync(inputs.p.dataId) as Float32Array;
  const v = backend.readSync(inputs.v.dataId) as Float32Array;
  const [batch, S, depth] = inputs.v.shape;
  const {blockSize, nnzBlocks} = layout;
  const out = new Float64Array(batch * S * depth);
  let pIndex = 0;
  for (let n = 0; n < batch; n++) {
    for (let block = 0; block < nnzBlocks; block++) {
      const rowStart = (n * S + layout.blockRow[block] * blockSize) * depth;
      const colStart = (n * S + layout.blockCol[block] * blockSize) * depth;
      for (let i = 0; i < blockSize; i++) {
        for (let j = 0; j < blockSize; j++) {
          const value = p[pIndex++];
          if (transposeP) {
            addScaled(out, colStart + j * depth, value, v, rowStart + i * depth, depth);
          } else {
            addScaled(out, rowStart + i * depth, value, v, colStart + j * depth, depth);
          }
        }
      }
    }
  }
  return writeFloat32(backend, out, [batch, S, depth]);
}

export const blockSparseDSDCpuConfig = defineKernel(BlockSparseDSD, 'cpu', blockSparseDSDCpu);
