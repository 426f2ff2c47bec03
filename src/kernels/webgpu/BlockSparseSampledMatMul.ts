import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSampledMatMul} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {BlockSparseSampledProgram, sampledTiling} from './block_sparse_sampled_program';
import {FillZerosProgram} from './fill_zeros_program';
import {layoutTables} from './gpu_tables';
import {reducePartialSums} from './second_pass';
import {SliceSumProgram} from './slice_sum_program';
import type {WebGPUBackendLike} from './webgpu_types';

/** Workgroups worth having in flight before splitting the M reduction. */
const TARGET_WORKGROUPS = 64;
/** Fewest rows a chunk of the M reduction is given. */
const MIN_CHUNK_ROWS = 256;

/**
 * How many chunks to cut the M reduction into: one unless the layout has too
 * few blocks to keep the GPU busy and M is long enough to share.
 */
export function sampledChunks(workgroups: number, rows: number, tileM: number):
    {chunks: number, chunkRows: number} {
  const wanted = Math.min(
      Math.ceil(TARGET_WORKGROUPS / Math.max(1, workgroups)),
      Math.floor(rows / MIN_CHUNK_ROWS));
  if (wanted <= 1) return {chunks: 1, chunkRows: Math.max(1, Math.ceil(rows / tileM)) * tileM};
  const chunkRows = Math.ceil(rows / wanted / tileM) * tileM;
  return {chunks: Math.ceil(rows / chunkRows), chunkRows};
}

/** a^T . b on the layout's blocks, on WebGPU. */
export function blockSparseSampledMatMulWebGPU(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSampledMatMul, WebGPUBackendLike>): tf.TensorInfo {
  const {layout} = attrs;
  const {a, b} = inputs;
  const rows = a.shape[0];
  const shape = layout.weightShape;
  const tiling = sampledTiling(layout.blockSize);
  if (layout.nnzBlocks === 0 || rows === 0) {
    // Empty layout: nothing to compute; M = 0: the sums are zeros.
    return backend.runWebGPUProgram(new FillZerosProgram(shape), [], 'float32');
  }
  const tables = layoutTables(backend, layout);
  const {chunks, chunkRows} = sampledChunks(
      Math.ceil(layout.nnzBlocks / tiling.blocksPerGroup), rows, tiling.tileM);
  const program = new BlockSparseSampledProgram(layout.nnzBlocks, chunks, tiling);
  const uniforms = [
    {type: 'int32' as const, data: [layout.nnzBlocks]},
    {type: 'int32' as const, data: [chunks]},
    {type: 'int32' as const, data: [chunkRows]},
    {type: 'int32' as const, data: [chunkRows / tiling.tileM]},
  ];
  const partial = backend.runWebGPUProgram(program, [a, b, tables.table], 'float32', uniforms);
  if (chunks === 1) return partial;
  return reducePartialSums(
      backend, partial, new SliceSumProgram(shape), [], [{type: 'int32', data: [chunks]}]);
}

export const blockSparseSampledMatMulWebGPUConfig = defineKernel(BlockSparseSampledMatMul, 'webgpu', blockSparseSampledMatMulWebGPU);
