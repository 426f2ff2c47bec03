import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseMatMul} from '../../kernel_names';
import type {BlockLayout} from '../../layout/block_layout';
import {defineKernel, KernelArgs} from '../define_kernel';

import {BlockSparseMatMulProgram, matMulTiling} from './block_sparse_matmul_program';
import {FillZerosProgram} from './fill_zeros_program';
import {layoutTables} from './gpu_tables';
import type {EpilogueWithInputs} from './product_epilogue';
import {reducePartialSums} from './second_pass';
import {SegmentSumProgram} from './segment_sum_program';
import type {WebGPUBackendLike} from './webgpu_types';

/**
 * x . W or x . W^T on WebGPU: one tiled pass over the per-group table, plus
 * a segment sum when the layout's table splits heavy groups. Everything stays
 * on the GPU; the table is uploaded on the first call per layout. `fused`:
 * an element-wise epilogue applied by whichever pass writes the result.
 */
export function blockSparseProductWebGPU(
    backend: WebGPUBackendLike, x: tf.TensorInfo, w: tf.TensorInfo, layout: BlockLayout,
    transposeW: boolean, fused?: EpilogueWithInputs): tf.TensorInfo {
  const rows = x.shape[0];
  const outputCols = transposeW ? layout.inputSize : layout.outputSize;
  const epilogue = fused?.epilogue, epilogueInputs = fused?.inputs ?? [];
  if (layout.nnzBlocks === 0 || rows === 0) {
    return backend.runWebGPUProgram(
        new FillZerosProgram([rows, outputCols], epilogue), epilogueInputs, 'float32');
  }
  const tables = layoutTables(backend, layout);
  const section = transposeW ? tables.rows : tables.columns;
  const tiling = matMulTiling(layout.blockSize, rows);
  const program = new BlockSparseMatMulProgram(
      rows, outputCols, section.numSegments, tiling, transposeW, section.split,
      section.split ? undefined : epilogue);
  const uniforms = [
    {type: 'int32' as const, data: [section.numSegments]},
    {type: 'int32' as const, data: [section.segmentBase]},
    {type: 'int32' as const, data: [section.entryBase]},
  ];
  const productInputs = [x, w, tables.table, ...(section.split ? [] : epilogueInputs)];
  const product = backend.runWebGPUProgram(program, productInputs, 'float32', uniforms);
  if (!section.split) return product;
  return reducePartialSums(
      backend, product, new SegmentSumProgram(rows, outputCols, layout.blockSize, epilogue),
      [tables.table, ...epilogueInputs], [{type: 'int32', data: [section.groupBase]}]);
}

export function blockSparseMatMulWebGPU(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseMatMul, WebGPUBackendLike>): tf.TensorInfo {
  return blockSparseProductWebGPU(backend, inputs.x, inputs.w, attrs.layout, attrs.transposeW);
}

export const blockSparseMatMulWebGPUConfig = defineKernel(BlockSparseMatMul, 'webgpu', blockSparseMatMulWebGPU);
