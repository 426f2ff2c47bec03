/**
 * A small typed wrapper over raw TensorFlow ops run by the `tensorflow`
 * backend (tfjs-node, tfjs-node-gpu) itself, so the kernels run wherever
 * libtensorflow puts them (GPU under tfjs-node-gpu) and never read tensors
 * back to JavaScript. Only the `backend` object handed to a kernelFunc is
 * used: @tensorflow/tfjs-node is never imported, its shape is described by
 * the local interfaces below (from its dist/nodejs_kernel_backend.d.ts).
 */
import type {DataType, KernelBackend, Tensor, TensorInfo} from '@tensorflow/tfjs-core';

/** An op attribute as tfjs-node's binding takes it. */
export interface TFEOpAttr {
  name: string;
  /** binding.TF_ATTR_{TYPE,INT,BOOL,...} */
  type: number;
  value: boolean|number|string|number[]|object;
}

export interface TFNodeBinding {
  TF_ATTR_TYPE: number;
  TF_ATTR_INT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_FLOAT: number;
  TF_Version: string;
  /** Live TFE tensor handles (leak checks). */
  getNumOfTensors(): number;
}

/** The part of tfjs-node's NodeJSKernelBackend the kernels use. */
export interface TFNodeBackend extends KernelBackend {
  binding: TFNodeBinding;
  getDTypeInteger(dtype: DataType): number;
  /** Whether TensorFlow runs ops on a GPU device (tfjs-node-gpu with a GPU). */
  isUsingGpuDevice: boolean;
  /** Runs one op; the result is a Tensor tracked by the engine. */
  executeSingleOutput(op: string, attrs: TFEOpAttr[], inputs: TensorInfo[]): Tensor;
  executeMultipleOutputs(
      op: string, attrs: TFEOpAttr[], inputs: TensorInfo[], numOutputs: number): Tensor[];
}

/**
 * A host constant on the backend, not tracked by the engine: `write` keeps
 * the typed array (shared, never mutate it) and creates the TF handle on
 * first use. Release with `release`.
 */
export function int32Const(
    backend: TFNodeBackend, values: ArrayLike<number>,
    shape: number[] = [values.length]): TensorInfo {
  const data = Int32Array.from(values);
  return {dataId: backend.write(data, shape, 'int32'), shape, dtype: 'int32'};
}

export function release(backend: TFNodeBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * Typed calls of the raw ops the plans use. Every method returns an
 * engine-tracked Tensor; callers dispose intermediates and return only the
 * final one. Small per-call constants (shapes, axes) are written and freed
 * here.
 */
export class TFOps {
  constructor(readonly backend: TFNodeBackend) {}

  private type(name: string, dtype: DataType): TFEOpAttr {
    const b = this.backend;
    return {name, type: b.binding.TF_ATTR_TYPE, value: b.getDTypeInteger(dtype)};
  }

  private bool(name: string, value: boolean): TFEOpAttr {
    return {name, type: this.backend.binding.TF_ATTR_BOOL, value};
  }

  private int(name: string, value: number): TFEOpAttr {
    return {name, type: this.backend.binding.TF_ATTR_INT, value};
  }

  /** Runs `op` with int32 constants appended to `inputs`, then frees them. */
  private withConsts(
      op: string, attrs: TFEOpAttr[], inputs: TensorInfo[],
      consts: Array<{values: number[], shape: number[]}>): Tensor {
    const infos = consts.map(c => int32Const(this.backend, c.values, c.shape));
    try {
      return this.backend.executeSingleOutput(op, attrs, [...inputs, ...infos]);
    } finally {
      release(this.backend, ...infos);
    }
  }

  reshape(x: TensorInfo, shape: number[]): Tensor {
    return this.withConsts(
        'Reshape', [this.type('T', x.dtype), this.type('Tshape', 'int32')], [x],
        [{values: shape, shape: [shape.length]}]);
  }

  transpose(x: TensorInfo, perm: number[]): Tensor {
    return this.withConsts(
        'Transpose', [this.type('T', x.dtype), this.type('Tperm', 'int32')], [x],
        [{values: perm, shape: [perm.length]}]);
  }

  /** params gathered along `axis` at int32 `indices`. */
  gather(params: TensorInfo, indices: TensorInfo, axis = 0): Tensor {
    return this.withConsts(
        'GatherV2',
        [
          this.int('batch_dims', 0), this.type('Tparams', params.dtype),
          this.type('Tindices', 'int32'), this.type('Taxis', 'int32')
        ],
        [params, indices], [{values: [axis], shape: []}]);
  }

  /** x cut along `axis` into pieces of `sizes`. */
  split(x: TensorInfo, sizes: number[], axis: number): Tensor[] {
    const infos = [
      int32Const(this.backend, sizes), int32Const(this.backend, [axis], [])
    ];
    try {
      return this.backend.executeMultipleOutputs(
          'SplitV',
          [
            this.int('num_split', sizes.length), this.type('T', x.dtype),
            this.type('Tlen', 'int32')
          ],
          [x, ...infos], sizes.length);
    } finally {
      release(this.backend, ...infos);
    }
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA = false, transposeB = false):
      Tensor {
    return this.backend.executeSingleOutput(
        'MatMul',
        [
          this.type('T', a.dtype), this.bool('transpose_a', transposeA),
          this.bool('transpose_b', transposeB)
        ],
        [a, b]);
  }

  /** Batched (and broadcast) matmul; adj = transpose for real values. */
  batchMatMul(a: TensorInfo, b: TensorInfo, adjA = false, adjB = false): Tensor {
    return this.backend.executeSingleOutput(
        'BatchMatMulV2',
        [this.type('T', a.dtype), this.bool('adj_x', adjA), this.bool('adj_y', adjB)],
        [a, b]);
  }

  unsortedSegmentSum(data: TensorInfo, segmentIds: TensorInfo, numSegments: number):
      Tensor {
    return this.withConsts(
        'UnsortedSegmentSum',
        [
          this.type('T', data.dtype), this.type('Tindices', 'int32'),
          this.type('Tnumsegments', 'int32')
        ],
        [data, segmentIds], [{values: [numSegments], shape: []}]);
  }

  concat(values: TensorInfo[], axis: number): Tensor {
    return this.withConsts(
        'ConcatV2',
        [
          this.int('N', values.length), this.type('T', values[0].dtype),
          this.type('Tidx', 'int32')
        ],
        values, [{values: [axis], shape: []}]);
  }

  /** `paddings` is [rank, 2] of (before, after) per dimension. */
  pad(x: TensorInfo, paddings: number[][]): Tensor {
    return this.withConsts(
        'Pad', [this.type('T', x.dtype), this.type('Tpaddings', 'int32')], [x],
        [{values: paddings.flat(), shape: [paddings.length, 2]}]);
  }

  /** float32 zeros of `shape`. */
  zeros(shape: number[]): Tensor {
    const dims = int32Const(this.backend, shape);
    const value: TensorInfo = {
      dataId: this.backend.write(new Float32Array(1), [], 'float32'),
      shape: [],
      dtype: 'float32'
    };
    try {
      return this.backend.executeSingleOutput(
          'Fill', [this.type('T', 'float32'), this.type('index_type', 'int32')],
          [dims, value]);
    } finally {
      release(this.backend, dims, value);
    }
  }
}

/**
 * Runs `body` with a `keep` that collects intermediates; all of them are
 * disposed afterwards except the tensor `body` returns.
 */
export function withScope(body: (keep: (t: Tensor) => Tensor) => Tensor): Tensor {
  const live: Tensor[] = [];
  let result: Tensor|undefined;
  try {
    result = body(t => (live.push(t), t));
    return result;
  } finally {
    for (const t of live) {
      if (t !== result) t.dispose();
    }
  }
}
