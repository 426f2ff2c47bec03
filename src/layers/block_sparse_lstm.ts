/**
 * A block-sparse LSTM layer: tfjs's RNN machinery (returnSequences,
 * returnState, goBackwards, stateful, masking, initial states) around a
 * `BlockSparseLSTMCell`, the way tf.layers.lstm wraps an LSTMCell.
 *
 * One difference in how it runs: before the recurrence, the input projection
 * x . W + bias of every timestep is computed in one product over
 * [batch * time, inputDim] (one `blockSparseMatMul`, or one matMul when the
 * input kernel is dense), and each step then only adds h . U; the cell
 * hands out both, with this call's dropout, from `cell.startSequence`.
 * The result is the same function as the step-by-step cell; the one product
 * is cheaper (one kernel launch, one weight-gradient product over all
 * timesteps). The time loop is our own (see `recur`), with tfjs's semantics.
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

import {checkArgument} from '../errors';
import {BlockLayout} from '../layout/block_layout';

import {BlockSparseLSTMCell, BlockSparseLSTMCellArgs, LSTMRecurrence, LSTMStep} from './block_sparse_lstm_cell';
import {checkWeightValues, WeightLayout} from './weight_layouts';

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

/**
 * [batch, time, ...] -> time tensors of [batch, ...]. A single step is a
 * reshape, not tf.unstack: tfjs 4.22's Unpack gradient calls stack() on its
 * upstream gradient, which the tape passes as a bare tensor (not an array)
 * when Unpack has one output, so training on a length-1 batch would throw.
 */
function splitTime(x: tf.Tensor): tf.Tensor[] {
  if (x.shape[1] === 1) return [tf.reshape(x, [x.shape[0], ...x.shape.slice(2)])];
  return tf.unstack(x, 1);
}

/**
 * The mask [batch, time] as floats [batch, time, 1]: 1 where a timestep
 * counts. A select rather than a cast (see `recur`).
 */
function keepOf(mask: tf.Tensor|undefined): tf.Tensor|null {
  if (mask == null) return null;
  const flat = tf.reshape(mask, mask.shape.slice(0, 2));
  const keep = tf.where(tf.cast(flat, 'bool'), tf.ones(flat.shape), tf.zeros(flat.shape));
  return tf.expandDims(keep, -1);
}

export class BlockSparseLSTM extends tfl.layers.RNN {
  /** @nocollapse */
  static className = 'BlockSparseLSTM';
  declare readonly cell: BlockSparseLSTMCell;

  constructor(args: BlockSparseLSTMArgs) {
    super({...args, cell: new BlockSparseLSTMCell(args)} as RNNLayerArgs);
    this.cell.owner = `blockSparseLSTM '${this.name}'`;
  }

  // The cell's configuration, forwarded as tf.layers.lstm forwards its
  // cell's (layouts: [inputDim or units, 4 * units], null when dense).
  get units(): number { return this.cell.units; }
  get kernelLayout(): BlockLayout|null { return this.cell.kernelLayout; }
  get recurrentLayout(): BlockLayout|null { return this.cell.recurrentLayout; }
  get kernelDensity(): number { return this.cell.kernelDensity; }
  get recurrentDensity(): number { return this.cell.recurrentDensity; }

  /** The cell's weights: kernel, recurrent kernel, bias, with layouts. */
  weightLayouts(): WeightLayout[] {
    return this.cell.weightLayouts();
  }

  override setWeights(weights: tf.Tensor[]): void {
    checkWeightValues(this.cell.owner, this.weightLayouts(), weights);
    super.setWeights(weights);
  }

  override call(inputs: tf.Tensor|tf.Tensor[], kwargs: Kwargs):
      tf.Tensor|tf.Tensor[] {
    return tf.tidy(() => {
      let x = inputs as tf.Tensor;
      let initialState = kwargs?.['initialState'] as tf.Tensor[] | undefined;
      if (Array.isArray(inputs)) {
        x = inputs[0];
        if (inputs.length > 1 && initialState == null) {
          initialState = inputs.slice(1);
        }
      }
      const training = (kwargs?.['training'] as boolean | undefined) ?? false;
      const mask = kwargs?.['mask'] as tf.Tensor | undefined;
      const states = initialState ??
          (this.stateful ? this.states_ : this.getInitialState(x));
      checkArgument(
          states.length === 2, 'blockSparseLSTM', 'initialState',
          '2 tensors [h, c]', `${states.length} tensors`);
      // The dropout masks live for this call only: the tidy frees them, and
      // the gradient tape keeps its own copies of what backprop needs.
      const {projected, step, recurrence} = this.cell.startSequence(x, training);
      const {last, sequence, finalStates} = recurrence == null ?
          this.recur(projected, step, states, mask) :
          this.recurFused(projected, recurrence, states, mask);
      if (this.stateful) this.resetStates(finalStates, training);
      const output = this.returnSequences ? sequence! : last;
      return this.returnState ? [output, ...finalStates] : output;
    });
  }

  /**
   * The recurrence over projected inputs [batch, time, 4 * units], with
   * tfjs's rnn() semantics: goBackwards walks time in reverse (and returns
   * the sequence in that order); a masked step keeps the previous h and c.
   * Own loop rather than tfjs's rnn(): rnn() makes its float mask by casting
   * bool to float32, which tfjs-backend-webgpu 4.22 does by relabelling the
   * int buffer, and the next program then fails to compile (masking with
   * tf.layers.lstm returns zeros on webgpu). A select makes a real float mask.
   */
  private recur(
      projected: tf.Tensor, step: LSTMStep, initial: tf.Tensor[],
      mask: tf.Tensor|undefined):
      {last: tf.Tensor, sequence: tf.Tensor|null, finalStates: tf.Tensor[]} {
    const steps = splitTime(projected);
    const keep = keepOf(mask);
    const keeps = keep == null ? null : splitTime(keep);
    const order = steps.map((_, t) => t);
    if (this.goBackwards) order.reverse();
    let [h, c] = initial;
    const outputs: tf.Tensor[] = [];
    for (const t of order) {
      [h, c] = tf.tidy(() => {
        const [hNew, cNew] = step(steps[t], h, c);
        if (keeps == null) return [hNew, cNew];
        const keep = keeps[t], drop = tf.sub(1, keep);
        return [
          tf.add(tf.mul(hNew, keep), tf.mul(h, drop)),
          tf.add(tf.mul(cNew, keep), tf.mul(c, drop)),
        ];
      });
      if (this.returnSequences) outputs.push(h);
    }
    return {
      last: h,
      sequence: this.returnSequences ? tf.stack(outputs, 1) : null,
      finalStates: [h, c],
    };
  }

  /** The same recurrence as `recur`, as one fused call (fused_lstm_sequence.ts). */
  private recurFused(
      projected: tf.Tensor, recurrence: LSTMRecurrence, initial: tf.Tensor[],
      mask: tf.Tensor|undefined):
      {last: tf.Tensor, sequence: tf.Tensor|null, finalStates: tf.Tensor[]} {
    const {outputs, h, c} = recurrence(
        projected, [initial[0], initial[1]], keepOf(mask),
        {goBackwards: this.goBackwards, returnSequences: this.returnSequences});
    return {
      last: h,
      sequence: this.returnSequences ? tf.stack(outputs, 1) : null,
      finalStates: [h, c],
    };
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
