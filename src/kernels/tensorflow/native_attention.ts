/**
 * The attention ops through the native kernels (native/attention_ops.h):
 * one TensorFlow op call each, on the layout's row or column table as
 * native_products.ts writes it to the backend once per layout.
 */
import type {Tensor, TensorInfo} from '@tensorflow/tfjs-core';

import type {BlockSparseAttentionAttrs, BlockSparseAttentionBackwardAttrs, BlockSparseAttentionBackwardInputs, BlockSparseAttentionInputs} from '../../kernel_names';
import {BlockLayout} from '../../layout/block_layout';

import type {NativeAddon} from './native_addon';
import {DeviceTable, nativeTables} from './native_products';
import type {TFEOpAttr, TFNodeBackend} from './tf_ops';

function tableInputs(table: DeviceTable): TensorInfo[] {
  return [table.ptr, table.other, table.block];
}

function floatAttr(backend: TFNodeBackend, name: string, value: number): TFEOpAttr {
  return {name, type: backend.binding.TF_ATTR_FLOAT, value};
}

function boolAttr(backend: TFNodeBackend, name: string, value: boolean): TFEOpAttr {
  return {name, type: backend.binding.TF_ATTR_BOOL, value};
}

/** a, b [B, S, d] -> the layout's blocks of a . b^T, [B, nnz, b, b]. */
export function nativeSDD(
    backend: TFNodeBackend, addon: NativeAddon, a: TensorInfo, b: TensorInfo,
    layout: BlockLayout): Tensor {
  const {row} = nativeTables(backend, layout);
  return backend.executeSingleOutput(
      addon.ops.sdd,
      [{name: 'block_size', type: backend.binding.TF_ATTR_INT, value: layout.blockSize}],
      [a, b, ...tableInputs(row)]);
}

/** The masked row softmax of scores [batch, heads, nnz, b, b]; keyMask [batch, S] or none. */
export function nativeSoftmax(
    backend: TFNodeBackend, addon: NativeAddon, scores: TensorInfo,
    keyMask: TensorInfo|undefined, layout: BlockLayout, scale: number,
    causal: boolean): Tensor {
  const {row} = nativeTables(backend, layout);
  const attrs = [
    floatAttr(backend, 'scale', scale), boolAttr(backend, 'causal', causal),
    boolAttr(backend, 'use_key_mask', keyMask != null)
  ];
  // Without a mask the op ignores its key_mask input: scores stand in, so
  // no placeholder tensor is made per call.
  return backend.executeSingleOutput(
      addon.ops.softmax, attrs, [scores, keyMask ?? scores, ...tableInputs(row)]);
}

/** scale * p * (dp - rowsum(dp * p)) on the kept blocks. */
export function nativeSoftmaxBackward(
    backend: TFNodeBackend, addon: NativeAddon, p: TensorInfo, dp: TensorInfo,
    layout: BlockLayout, scale: number): Tensor {
  const {row} = nativeTables(backend, layout);
  return backend.executeSingleOutput(
      addon.ops.softmaxBackward, [floatAttr(backend, 'scale', scale)], [p, dp, ...tableInputs(row)]);
}

/** P . v on the row table, or P^T . v on the column table; [B, S, d]. */
export function nativeDSD(
    backend: TFNodeBackend, addon: NativeAddon, p: TensorInfo, v: TensorInfo,
    layout: BlockLayout, transposeP: boolean): Tensor {
  const tables = nativeTables(backend, layout);
  const table = transposeP ? tables.column : tables.row;
  return backend.executeSingleOutput(
      addon.ops.dsd, [boolAttr(backend, 'transpose_p', transposeP)], [p, v, ...tableInputs(table)]);
}

/** [out, probs] of the fused forward (native/fused_attention_ops.h): one op, on the row table. */
export function nativeAttention(
    backend: TFNodeBackend, addon: NativeAddon, {q, k, v, keyMask}: BlockSparseAttentionInputs,
    {layout, scale, causal}: BlockSparseAttentionAttrs): [Tensor, Tensor] {
  const {row, noMask} = nativeTables(backend, layout);
  const attrs = [
    {name: 'block_size', type: backend.binding.TF_ATTR_INT, value: layout.blockSize},
    floatAttr(backend, 'scale', scale), boolAttr(backend, 'causal', causal),
    boolAttr(backend, 'use_key_mask', keyMask != null)
  ];
  return backend.executeMultipleOutputs(
             addon.ops.attention, attrs, [q, k, v, keyMask ?? noMask, ...tableInputs(row)], 2) as
      [Tensor, Tensor];
}

/** [dq, dk, dv] of the fused backward: one op, on the row and column tables. */
export function nativeAttentionBackward(
    backend: TFNodeBackend, addon: NativeAddon, {q, k, v, probs, dy}: BlockSparseAttentionBackwardInputs,
    {layout, scale, causal}: BlockSparseAttentionBackwardAttrs): [Tensor, Tensor, Tensor] {
  const {row, column} = nativeTables(backend, layout);
  return backend.executeMultipleOutputs(
             addon.ops.attentionBackward, [floatAttr(backend, 'scale', scale), boolAttr(backend, 'causal', causal)],
             [q, k, v, probs, dy, ...tableInputs(row), ...tableInputs(column)], 3) as
      [Tensor, Tensor, Tensor];
}
