import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSoftmax} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {writeFloat32} from './block_rows';

/**
 * CPU reference of the block-sparse row softmax: for each query row, the
 * maximum and the sum of exponentials over the allowed entries of its block
 * row's kept blocks (layout.rowTable), in float64. Rows with no allowed
 * entry stay zero.
 */
export function blockSparseSoftmaxCpu(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSoftmax, tf.KernelBackend>):
    tf.TensorInfo {
  const {layout, scale, causal} = attrs;
  const scores = backend.readSync(inputs.scores.dataId) as Float32Array;
  const keyMask = inputs.keyMask == null ? null :
                                           backend.readSync(inputs.keyMask.dataId) as Float32Array;
  const [batch, heads] = inputs.scores.shape;
  const {blockSize: b, nnzBlocks, inputSize: S} = layout;
  const {ptr, block: blockOf} = layout.rowTable;
  const out = new Float64Array(scores.length);
  const allowed = (n: number, v: number, i: number, j: number) =>
      (!causal || layout.blockRow[v] !== layout.blockCol[v] || j <= i) &&
      (keyMask == null || keyMask[n * S + layout.blockCol[v] * b + j] !== 0);
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < heads; h++) {
      const base = (n * heads + h) * nnzBlocks * b * b;
      for (let row = 0; row < layout.blockRows; row++) {
        for (let i = 0; i < b; i++) {
          const at = (v: number, j: number) => base + (v * b + i) * b + j;
          let max = -Infinity;
          for (let e = ptr[row]; e < ptr[row + 1]; e++) {
            for (let j = 0; j < b; j++) {
              if (allowed(n, blockOf[e], i, j)) max = Math.max(max, scale * scores[at(blockOf[e], j)]);
            }
          }
          if (max === -Infinity) continue;  // every key masked: the row stays zero
          let sum = 0;
          for (let e = ptr[row]; e < ptr[row + 1]; e++) {
            for (let j = 0; j < b; j++) {
              if (!allowed(n, blockOf[e], i, j)) continue;
              const value = Math.exp(scale * scores[at(blockOf[e], j)] - max);
              out[at(blockOf[e], j)] = value;
              sum += value;
            }
          }
          for (let e = ptr[row]; e < ptr[row + 1]; e++) {
            for (let j = 0; j < b; j++) out[at(blockOf[e], j)] /= sum;
          }
        }
      }
    }
  }
  return writeFloat32(backend, out, inputs.scores.shape);
}

export const blockSparseSoftmaxCpuConfig =
    defineKernel(BlockSparseSoftmax, 'cpu', blockSparseSoftmaxCpu);
