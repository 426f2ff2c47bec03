/**
 * Extra contenders for the forward product, beyond the dense tf.matMul that
 * every backend is compared with (for example TensorFlow's element-sparse
 * SparseTensorDenseMatMul on the `tensorflow` backend). A baseline prepares
 * its operands once per layout and weights, then runs like an op.
 */
import * as tf from '@tensorflow/tfjs';

import {BlockLayout} from '../src/layout/block_layout';

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

export const FORWARD_BASELINES: ForwardBaseline[] = [];
