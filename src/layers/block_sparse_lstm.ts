/**
 * A block-sparse LSTM layer: tfjs's RNN machinery (returnSequences,
 * returnState, goBackwards, stateful, masking, initial states) around a
 * `BlockSparseLSTMCell`, the way tf.layers.lstm wraps an LSTMCell.
 *
 * One difference in how it runs: before the recurrence, the input projection
 * x . W + bias of every timestep is computed in one product over
 * [batch * time, inputDim] (one `blockSparseMatMul`, or one matMul when the
 * input kernel is dense), and each step then only adds h . U. The result is
 * the same function as the step-by-step cell; the one product is cheaper
 * (one kernel launch, one weight-gradient product over all timesteps).
 *
 * ```js
 * const model = tf.sequential({layers: [
 *   tf.layers.embedding({inputDim: 5000, outputDim: 64, maskZero: true}),
 *   tfbs.layers.blockSparseLSTM({units: 256, blockSize: 32,
 *       kernelDensity: 0.25, recurrentDensity: 1 / 8}),
 *   tf.layers.dense({units: 1, activation: 'sigmoid'}),
 * ]});
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type {RNNLayerArgs} from '@tensorflow/tfjs-layers/dist/layers/recurrent';
import type {Kwargs} from '@tensorflow/tfjs-layers/dist/types';

import {BlockLayout} from '../layout/block_layout';

import {BlockSparseLSTMCell, BlockSparseLSTMCellArgs, dropoutMask} from './block_sparse_lstm_cell';

export interface BlockSparseLSTMArgs extends BlockSparseLSTMCellArgs {
  /** Return the whole sequence of outputs rather than the last; default false. */
  returnSequences?: boolean;
  /** Also return the final [h, c]; default false. */
  returnState?: boolean;
  /** Process the sequence backwards (and return it reversed); default false. */
  goBackwards?: boolean;
  /** Carry the state from one batch to the next; needs a fixed batch size. */
  stateful?: boolean;
}

export class BlockSparseLSTM extends tfl.layers.RNN {
  /** @nocollapse */
  static className = 'BlockSparseLSTM';
  declare readonly cell: BlockSparseLSTMCell;

  constructor(args: BlockSparseLSTMArgs) {
    super({...args, cell: new BlockSparseLSTMCell(args)} as RNNLayerArgs);
  }

  get units(): number {
    return this.cell.units;
  }
  /** [inputDim, 4 * units] input-kernel layout; null when dense. */
  get kernelLayout(): BlockLayout|null {
    return this.cell.kernelLayout;
  }
  /** [units, 4 * units] recurrent layout; null when dense. */
  get recurrentLayout(): BlockLayout|null {
    return this.cell.recurrentLayout;
  }
  get kernelDensity(): number {
    return this.cell.kernelDensity;
  }
  get recurrentDensity(): number {
    return this.cell.recurrentDensity;
  }

  override call(inputs: tf.Tensor|tf.Tensor[], kwargs: Kwargs):
      tf.Tensor|tf.Tensor[] {
    return tf.tidy(() => {
      const cell = this.cell;
      cell.resetDropoutMasks();
      let x = inputs as tf.Tensor;
      let initialState = kwargs?.['initialState'] as tf.Tensor[] | undefined;
      if (Array.isArray(inputs)) {
        x = inputs[0];
        if (inputs.length > 1 && initialState == null) {
          initialState = inputs.slice(1);
        }
      }
      const training = (kwargs?.['training'] as boolean | undefined) ?? false;
      // The masks live for this call only: the tidy frees them, and the
      // gradient tape keeps its own copies of what backprop needs.
      if (training && cell.dropout > 0) {
        const [batch, , inputDim] = x.shape;
        x = tf.mul(x, tf.expandDims(
                          dropoutMask([batch, inputDim], cell.dropout), 1));
      }
      if (training && cell.recurrentDropout > 0) {
        cell.stateDropoutMask =
            dropoutMask([x.shape[0], cell.units], cell.recurrentDropout);
      }
      const projected = cell.projectInputs(x);
      cell.inputsProjected = true;
      try {
        return super.call(
            projected, {mask: kwargs?.['mask'], training, initialState});
      } finally {
        cell.inputsProjected = false;
        cell.stateDropoutMask = null;
      }
    });
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
      cls: tf.serialization.SerializableConstructor<T>,
      config: tf.serialization.ConfigDict): T {
    return new cls(config);
  }
}
tf.serialization.registerClass(BlockSparseLSTM);

/**
 * Creates a `BlockSparseLSTM` layer (see the class and `BlockSparseLSTMCell`
 * for the arguments).
 *
 * ```js
 * const lstm = tfbs.layers.blockSparseLSTM({units: 1024, blockSize: 32,
 *     recurrentDensity: 1 / 8, returnSequences: true});
 * ```
 */
export function blockSparseLSTM(args: BlockSparseLSTMArgs): BlockSparseLSTM {
  return new BlockSparseLSTM(args);
}
