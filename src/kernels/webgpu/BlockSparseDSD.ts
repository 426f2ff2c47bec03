import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseDSD} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {AttentionDSDProgram} from './attention_dsd_program';
import {attentionTables} from './attention_tables';
import {FillZerosProgram} from './fill_zeros_program';
import type {WebGPUBackendLike} from './webgpu_types';

/**
 * P . v or P^T . v on WebGPU: one dispatch over the block row table (the
 * block column table for P^T).
 */
export function blockSparseDSDWebGPU(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseDSD, WebGPUBackendLike>): tf.TensorInfo {
  const {layout, transposeP} = attrs;
  const {p, v} = inputs;
  const shape = v.shape as [number, number, number];
  if (layout.nnzBlocks === 0) {
    // S is a multiple of 8, so the zeros fill whole vec4s.
    return backend.runWebGPUProgram(new FillZerosProgram(shape), [], 'float32');
  }
  const tables = attentionTables(backend, layout);
  const section = transposeP ? tables.columns : tables.rows;
  const uniforms = [
    {type: 'int32' as const, data: [layout.nnzBlocks]},
    {type: 'int32' as const, data: [section.ptrBase]},
    {type: 'int32' as const, data: [section.blockBase]},
  ];
  return backend.runWebGPUProgram(
      new AttentionDSDProgram(shape, layout.blockSize, transposeP), [p, v, tables.table], 'float32',
      uniforms);
}

export const blockSparseDSDWebGPUConfig = defineKernel(BlockSparseDSD, 'webgpu', blockSparseDSDWebGPU);
