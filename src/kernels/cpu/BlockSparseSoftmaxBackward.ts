import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSoftmaxBackward} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {writeFloat32} from './block_rows';

/**
 * CPU reference of the softmax's backward: per query row, the float64 sum of
 * dp * p over its block row's kept blocks (layout.rowTable), then
 * scale * p * (dp - sum) on every kept entry.
 */
export function blockSparseSoftmaxBackwardCpu(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSoftmaxBackward, tf.KernelBackend>):
    tf.TensorInfo {
  const {layout, scale} = attrs;
  const p = backend.readSync(inputs.p.dataId) as Float32Array;
  const dp = backend.readSync(inputs.dp.dataId) as Float32Array;
  const [batch, heads] = inputs.p.shape;
  const {blockSize: b, nnzBlocks} = layout;
  const {ptr, block: blockOf} = layout.rowTable;
  const out = new Float64Array(p.length);
  for (let slice = 0; slice < batch * heads; slice++) {
    const base = slice * nnzBlocks * b * b;
    for (let row = 0; row < layout.blockRows; row++) {
      for (let i = 0; i < b; i++) {
        const at = (v: number, j: number) => base + (v * b + i) * b + j;
        let sum = 0;
        for (let e = ptr[row]; e < ptr[row + 1]; e++) {
          for (let j = 0; j < b; j++) sum += dp[at(blockOf[e], j)] * p[at(blockOf[e], j)];
        }
        for (let e = ptr[row]; e < ptr[row + 1]; e++) {
          for (let j = 0; j < b; j++) {
            const k = at(blockOf[e], j);
            out[k] = scale * p[k] * (dp[k] - sum);
          }
        }
      }
    }
  }
  return writeFloat32(backend, out, inputs.p.shape);
}

export const blockSparseSoftmaxBackwardCpuConfig =
    defineKernel(BlockSparseSoftmaxBackward, 'cpu', blockSparseSoftmaxBackwardCpu);
