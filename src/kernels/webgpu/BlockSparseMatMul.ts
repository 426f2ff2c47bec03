import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseMatMul} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {BlockSparseMatMulProgram, matMulTiling} from './block_sparse_matmul_program';
import {FillZerosProgram} from './fill_zeros_program';
import {layoutTables} from './gpu_tables';
import {reducePartialSums} from './second_pass';
import {SegmentSumProgram} from './segment_sum_program';
import type {WebGPUBackendLike} from './webgpu_types';

/**
 * x . W and x . W^T on WebGPU: one tiled pass over the per-group table, plus
 * a segment sum when the layout's table splits heavy groups. Everything stays
 * on the GPU; the table is uploaded on the first call per layout.
 */
export function blockSparseMatMulWebGPU(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseMatMul, WebGPUBackendLike>): tf.TensorInfo {
  const {layout, transposeW} = attrs;
  const {x, w} = inputs;
  const rows = x.shape[0];
  const outputCols = transposeW ? layout.inputSize : layout.outputSize;
  if (layout.nnzBlocks === 0 || rows === 0) {
    return backend.runWebGPUProgram(new FillZerosProgram([rows, outputCols]), [], 'float32');
  }
  const tables = layoutTables(backend, layout);
  const section = transposeW ? tables.rows : tables.columns;
  const tiling = matMulTiling(layout.blockSize, rows);
  const program = new BlockSparseMatMulProgram(
      rows, outputCols, section.numSegments, tiling, transposeW, section.split);
  const uniforms = [
    {type: 'int32' as const, data: [section.numSegments]},
    {type: 'int32' as const, data: [section.segmentBase]},
    {type: 'int32' as const, data: [section.entryBase]},
  ];
  const product = backend.runWebGPUProgram(program, [x, w, tables.table], 'float32', uniforms);
  if (!section.split) return product;
  return reducePartialSums(
      backend, product, new SegmentSumProgram(rows, outputCols, layout.blockSize), [tables.table],
      [{type: 'int32', data: [section.groupBase]}]);
}

export const blockSparseMatMulWebGPUConfig = defineKernel(BlockSparseMatMul, 'webgpu', blockSparseMatMulWebGPU);
