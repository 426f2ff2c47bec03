/**
 * The block-sparse products and the fused LSTM step through the native ops:
 * one TensorFlow op call per product or step, on index tables written to the
 * backend once per layout.
 */
import type {Tensor, TensorInfo} from '@tensorflow/tfjs-core';

import type {BlockSparseLSTMStepBackwardInputs, BlockSparseLSTMStepInputs} from '../../kernel_names';
import {BlockLayout} from '../../layout/block_layout';
import type {LookupTable} from '../../layout/lookup_tables';

import type {NativeAddon} from './native_addon';
import {int32Const, release, TFNodeBackend} from './tf_ops';

/** A lookup table as the native op takes it. */
export interface DeviceTable {
  ptr: TensorInfo;
  other: TensorInfo;
  block: TensorInfo;
}

interface NativeTables {
  /**
   * Per output block column: x . W (and hPrev . U of the LSTM step); of an
   * attention layout, per key block (P^T . v).
   */
  column: DeviceTable;
  /**
   * Per input block row: x . W^T (and dz . U^T of its backward); of an
   * attention layout, per query block (sdd, the softmaxes, P . v).
   */
  row: DeviceTable;
  blockRow: TensorInfo;
  blockCol: TensorInfo;
  /** A float32 [0]: the LSTM step ops' "no mask" (TF ops have no optional inputs). */
  noMask: TensorInfo;
  byteLength: number;
  dispose(): void;
}

/** The layout's tables on the backend, written once and cached on the layout. */
export function nativeTables(backend: TFNodeBackend, layout: BlockLayout): NativeTables {
  return layout.cached('tensorflow:native', () => {
    const infos: TensorInfo[] = [];
    const put = (values: Int32Array) => {
      const info = int32Const(backend, values);
      infos.push(info);
      return info;
    };
    const device = (table: LookupTable): DeviceTable =>
        ({ptr: put(table.ptr), other: put(table.other), block: put(table.block)});
    const tables = {
      column: device(layout.columnTable),
      row: device(layout.rowTable),
      blockRow: put(layout.blockRow),
      blockCol: put(layout.blockCol),
    };
    const noMask: TensorInfo =
        {dataId: backend.write(new Float32Array(0), [0], 'float32'), shape: [0], dtype: 'float32'};
    infos.push(noMask);
    return {
      ...tables,
      noMask,
      byteLength: infos.reduce((sum, info) => sum + 4 * info.shape[0], 0),
      dispose: () => release(backend, ...infos),
    };
  });
}

/** x . W, or x . W^T with the row table and the blocks transposed. */
export function nativeMatMul(
    backend: TFNodeBackend, addon: NativeAddon, x: TensorInfo, w: TensorInfo,
    layout: BlockLayout, transposeW: boolean): Tensor {
  const tables = nativeTables(backend, layout);
  const table = transposeW ? tables.row : tables.column;
  return backend.executeSingleOutput(
      addon.ops.matMul,
      [{name: 'transpose_w', type: backend.binding.TF_ATTR_BOOL, value: transposeW}],
      [x, w, table.ptr, table.other, table.block]);
}

/** The layout's blocks of a^T . b. */
export function nativeSampledMatMul(
    backend: TFNodeBackend, addon: NativeAddon, a: TensorInfo, b: TensorInfo,
    layout: BlockLayout): Tensor {
  const tables = nativeTables(backend, layout);
  return backend.executeSingleOutput(
      addon.ops.sampledMatMul,
      [{name: 'block_size', type: backend.binding.TF_ATTR_INT, value: layout.blockSize}],
      [a, b, tables.blockRow, tables.blockCol]);
}

/** [h, c, gates] of one LSTM step (U's column table); rows whose mask is 0 keep their state. */
export function nativeLSTMStep(
    backend: TFNodeBackend, addon: NativeAddon, {z, hPrev, cPrev, w, mask}: BlockSparseLSTMStepInputs,
    layout: BlockLayout): [Tensor, Tensor, Tensor] {
  const {column, noMask} = nativeTables(backend, layout);
  return backend.executeMultipleOutputs(
             addon.ops.lstmStep, [],
             [z, hPrev, cPrev, w, mask ?? noMask, column.ptr, column.other, column.block], 3) as
      [Tensor, Tensor, Tensor];
}

/** [dz, dhPrev, dcPrev] of one LSTM step's backward (U's row table). */
export function nativeLSTMStepBackward(
    backend: TFNodeBackend, addon: NativeAddon,
    {dh, dc, c, gates, cPrev, w, mask}: BlockSparseLSTMStepBackwardInputs,
    layout: BlockLayout): [Tensor, Tensor, Tensor] {
  const {row, noMask} = nativeTables(backend, layout);
  return backend.executeMultipleOutputs(
             addon.ops.lstmStepBackward, [],
             [dh, dc, c, gates, cPrev, w, mask ?? noMask, row.ptr, row.other, row.block], 3) as
      [Tensor, Tensor, Tensor];
}
