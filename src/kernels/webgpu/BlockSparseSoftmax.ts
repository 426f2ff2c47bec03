/**
 * The block-sparse row softmax and its backward on WebGPU, one dispatch
 * each (attention_softmax_programs.ts).
 */
import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSoftmax, BlockSparseSoftmaxBackward} from '../../kernel_names';
import type {BlockLayout} from '../../layout/block_layout';
import {defineKernel, KernelArgs} from '../define_kernel';

import {AttentionSoftmaxBackwardProgram, AttentionSoftmaxProgram} from './attention_softmax_programs';
import {attentionTables} from './attention_tables';
import type {ProgramUniform, WebGPUBackendLike} from './webgpu_types';

/** The uniforms both programs declare (AttentionRowProgram), in order. */
function rowUniforms(
    backend: WebGPUBackendLike, layout: BlockLayout, heads: number, scale: number):
    {table: tf.TensorInfo, uniforms: ProgramUniform[]} {
  const tables = attentionTables(backend, layout);
  return {
    table: tables.table,
    uniforms: [
      {type: 'int32', data: [layout.nnzBlocks]},
      {type: 'int32', data: [heads]},
      {type: 'int32', data: [layout.inputSize]},
      {type: 'int32', data: [tables.rows.ptrBase]},
      {type: 'int32', data: [tables.rows.blockBase]},
      {type: 'float32', data: [scale]},
    ],
  };
}

/** An empty layout leaves nothing to compute or write. */
function emptyLike(backend: WebGPUBackendLike, shape: number[]): tf.TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', new Float32Array(0));
}

export function blockSparseSoftmaxWebGPU(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSoftmax, WebGPUBackendLike>):
    tf.TensorInfo {
  const {layout, scale, causal} = attrs;
  const {scores, keyMask} = inputs;
  if (layout.nnzBlocks === 0) return emptyLike(backend, scores.shape);
  const {table, uniforms} = rowUniforms(backend, layout, scores.shape[1]!, scale);
  const program = new AttentionSoftmaxProgram(
      scores.shape, layout.inputSize, layout.blockSize, causal, keyMask != null);
  const programInputs = keyMask != null ? [scores, keyMask, table] : [scores, table];
  return backend.runWebGPUProgram(program, programInputs, 'float32', uniforms);
}

export function blockSparseSoftmaxBackwardWebGPU(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSoftmaxBackward, WebGPUBackendLike>):
    tf.TensorInfo {
  const {layout, scale} = attrs;
  const {p, dp} = inputs;
  if (layout.nnzBlocks === 0) return emptyLike(backend, p.shape);
  const {table, uniforms} = rowUniforms(backend, layout, p.shape[1]!, scale);
  const program = new AttentionSoftmaxBackwardProgram(p.shape, layout.inputSize, layout.blockSize);
  return backend.runWebGPUProgram(program, [p, dp, table], 'float32', uniforms);
}

export const blockSparseSoftmaxWebGPUConfig =
    defineKernel(BlockSparseSoftmax, 'webgpu', blockSparseSoftmaxWebGPU);
export const blockSparseSoftmaxBackwardWebGPUConfig =
    defineKernel(BlockSparseSoftmaxBackward, 'webgpu', blockSparseSoftmaxBackwardWebGPU);
