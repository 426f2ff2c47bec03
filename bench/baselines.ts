/**
 * Extra contenders for the forward product, beyond the dense tf.matMul that
 * every backend is compared with (for example TensorFlow's element-sparse
 * SparseTensorDenseMatMul on the `tensorflow` backend). A baseline prepares
 * its operands once per layout and weights, then runs like an op.
 */
import * as tf from '@tensorflow/tfjs';

import {int32Const, release, TFNodeBackend} from '../src/kernels/tensorflow/tf_ops';
import {BlockLayout} from '../src/layout/block_layout';

/** int64 constant (SparseTensorDenseMatMul's dense shape): lo/hi int32 words. */
function int64Const(backend: TFNodeBackend, values: number[]): tf.TensorInfo {
  const words = new Int32Array(values.length * 2);
  values.forEach((value, i) => {
    words[2 * i] = value;
    words[2 * i + 1] = value < 0 ? -1 : 0;
  });
  const shape = [values.length];
  // 'int64' is no tfjs DataType, but tfjs-node's write() maps it to TF_INT64.
  return {dataId: backend.write(words, shape, 'int64' as tf.DataType), shape, dtype: 'int32'};
}

/** y^T = adjoint(sparse A) . adjoint(dense) for COO A of `denseShape`. */
function sparseTensorDenseMatMulAdjoint(
    backend: TFNodeBackend, indices: tf.TensorInfo, values: tf.TensorInfo,
    denseShape: tf.TensorInfo, dense: tf.TensorInfo): tf.Tensor {
  const {TF_ATTR_TYPE, TF_ATTR_BOOL} = backend.binding;
  return backend.executeSingleOutput(
      'SparseTensorDenseMatMul',
      [
        {name: 'T', type: TF_ATTR_TYPE, value: backend.getDTypeInteger('float32')},
        {name: 'Tindices', type: TF_ATTR_TYPE, value: backend.getDTypeInteger('int32')},
        {name: 'adjoint_a', type: TF_ATTR_BOOL, value: true},
        {name: 'adjoint_b', type: TF_ATTR_BOOL, value: true},
      ],
      [indices, values, denseShape, dense]);
}

export interface PreparedBaseline {
  /** y = x . W for x [M, K]. */
  run(x: tf.Tensor2D): tf.Tensor;
  dispose(): void;
}

export interface ForwardBaseline {
  name: string;
  /** Backends it runs on. */
  backends: string[];
  prepare(layout: BlockLayout, w: tf.Tensor3D): PreparedBaseline;
}

/**
 * TensorFlow's element-sparse product (the analogue of cuSPARSE in the
 * seed's comparison) holding exactly the nonzero values of the block weights:
 * every element of every kept block, as COO of W [K, N]. The sparse operand
 * goes first, y^T = W^T . x^T with adjoint_a and adjoint_b, then one
 * Transpose gives y [M, N], as the block-sparse kernel returns it.
 */
const sparseTensorDenseMatMul: ForwardBaseline = {
  name: 'SparseTensorDenseMatMul',
  backends: ['tensorflow'],
  prepare(layout: BlockLayout, w: tf.Tensor3D): PreparedBaseline {
    const backend = tf.backend() as unknown as TFNodeBackend;
    const {blockSize: b, nnzBlocks} = layout;
    // Element (v, i, j) of w sits at W[k*b + i, n*b + j]: listing indices in
    // (v, i, j) order makes the values just w flattened.
    const coo = new Int32Array(nnzBlocks * b * b * 2);
    let e = 0;
    for (let v = 0; v < nnzBlocks; v++) {
      const row0 = layout.blockRow[v] * b, col0 = layout.blockCol[v] * b;
      for (let i = 0; i < b; i++) {
        for (let j = 0; j < b; j++) {
          coo[e++] = row0 + i;
          coo[e++] = col0 + j;
        }
      }
    }
    const indices = int32Const(backend, coo, [nnzBlocks * b * b, 2]);
    const denseShape = int64Const(backend, [layout.inputSize, layout.outputSize]);
    const values = tf.reshape(w, [-1]);
    return {
      run: (x: tf.Tensor2D) => tf.tidy(() => tf.transpose(
          sparseTensorDenseMatMulAdjoint(backend, indices, values, denseShape, x))),
      dispose: () => {
        values.dispose();
        release(backend, indices, denseShape);
      },
    };
  },
};

export const FORWARD_BASELINES: ForwardBaseline[] = [sparseTensorDenseMatMul];
