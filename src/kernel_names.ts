/**
 * Kernel names and their input/attribute types, in one place (as tfjs-core's
 * `kernel_names.ts`), so ops, kernels and gradients never repeat a bare string.
 *
 * Kernels always see 2-D operands: the public ops fold leading batch dims into
 * the row dimension M before calling `runKernel`.
 */
import type {NamedTensorInfoMap, TensorInfo} from '@tensorflow/tfjs-core';
import type {BlockLayout} from './layout/block_layout';

/**
 * Dense x block-sparse -> dense ("dsd" in OpenAI/Triton naming).
 *
 * transposeW = false: y[M, N] = x[M, K] . W[K, N]
 * transposeW = true:  y[M, K] = x[M, N] . W[K, N]^T
 *
 * W is held as its nonzero blocks `w: [nnzBlocks, b, b]`, in `layout.blockRow`
 * / `layout.blockCol` order.
 */
export const BlockSparseMatMul = 'BlockSparseMatMul';
export interface BlockSparseMatMulInputs extends NamedTensorInfoMap {
  x: TensorInfo;
  w: TensorInfo;
}
export interface BlockSparseMatMulAttrs {
  layout: BlockLayout;
  transposeW: boolean;
}

/**
 * Sampled dense x dense -> block-sparse ("sdd"): the product a^T . b evaluated
 * only on the blocks the layout keeps.
 *
 * a: [M, K], b: [M, N] -> out: [nnzBlocks, b, b] with
 * out[v] = a[:, rows of block v]^T . b[:, cols of block v].
 */
export const BlockSparseSampledMatMul = 'BlockSparseSampledMatMul';
export interface BlockSparseSampledMatMulInputs extends NamedTensorInfoMap {
  a: TensorInfo;
  b: TensorInfo;
}
export interface BlockSparseSampledMatMulAttrs {
  layout: BlockLayout;
}

/** Each kernel's inputs and attrs, by kernel name. */
export interface BlockSparseKernelTypes {
  [BlockSparseMatMul]: {inputs: BlockSparseMatMulInputs, attrs: BlockSparseMatMulAttrs};
  [BlockSparseSampledMatMul]:
      {inputs: BlockSparseSampledMatMulInputs, attrs: BlockSparseSampledMatMulAttrs};
}
export type BlockSparseKernelName = keyof BlockSparseKernelTypes;
