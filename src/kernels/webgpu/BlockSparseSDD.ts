import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSDD} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {AttentionSDDProgram, sddTiling} from './attention_sdd_program';
import {attentionTables} from './attention_tables';
import type {WebGPUBackendLike} from './webgpu_types';

/** The kept blocks of a . b^T (attention scores) on WebGPU: one dispatch. */
export function blockSparseSDDWebGPU(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSDD, WebGPUBackendLike>): tf.TensorInfo {
  const {layout} = attrs;
  const {a, b} = inputs;
  const [slices, , depth] = a.shape as [number, number, number];
  const shape = [slices, ...layout.weightShape];
  if (layout.nnzBlocks === 0) {
    // No block, nothing to write: the backend returns an empty tensor without a dispatch.
    return backend.makeTensorInfo(shape, 'float32', new Float32Array(0));
  }
  const tiling = sddTiling(layout.blockSize);
  const uniforms = [
    {type: 'int32' as const, data: [layout.nnzBlocks]},
    {type: 'int32' as const, data: [Math.ceil(depth / tiling.depthTile)]},
  ];
  return backend.runWebGPUProgram(
      new AttentionSDDProgram(slices, layout.nnzBlocks, tiling),
      [a, b, attentionTables(backend, layout).table], 'float32', uniforms);
}

export const blockSparseSDDWebGPUConfig = defineKernel(BlockSparseSDD, 'webgpu', blockSparseSDDWebGPU);
