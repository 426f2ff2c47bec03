/**
 * The block-sparse products through the native ops: one TensorFlow op call
 * per product, on index tables written to the backend once per layout.
 */
import type {Tensor, TensorInfo} from '@tensorflow/tfjs-core';

import {BlockLayout} from '../../layout/block_layout';
import type {LookupTable} from '../../layout/lookup_tables';

import type {NativeAddon} from './native_addon';
import {int32Const, release, TFNodeBackend} from './tf_ops';

/** A lookup table as the native op takes it. */
interface DeviceTable {
  ptr: TensorInfo;
  other: TensorInfo;
  block: TensorInfo;
}

interface NativeTables {
  /** Per output block column: x . W. */
  column: DeviceTable;
  /** Per input block row: x . W^T. */
  row: DeviceTable;
  blockRow: TensorInfo;
  blockCol: TensorInfo;
  byteLength: number;
  dispose(): void;
}

function nativeTables(backend: TFNodeBackend, layout: BlockLayout): NativeTables {
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
    return {
      ...tables,
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
      addon.matMulOp,
      [{name: 'transpose_w', type: backend.binding.TF_ATTR_BOOL, value: transposeW}],
      [x, w, table.ptr, table.other, table.block]);
}

/** The layout's blocks of a^T . b. */
export function nativeSampledMatMul(
    backend: TFNodeBackend, addon: NativeAddon, a: TensorInfo, b: TensorInfo,
    layout: BlockLayout): Tensor {
  const tables = nativeTables(backend, layout);
  return backend.executeSingleOutput(
      addon.sampledMatMulOp,
      [{name: 'block_size', type: backend.binding.TF_ATTR_INT, value: layout.blockSize}],
      [a, b, tables.blockRow, tables.blockCol]);
}
