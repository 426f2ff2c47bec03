/**
 * The dropout of one LSTM sequence: a mask on the inputs and one on the
 * recurrent state, each drawn on first use and then the same at every
 * timestep (as tfjs's LSTMCell does), so a unit is dropped for the whole
 * sequence rather than at random steps.
 *
 * ```js
 * const dropout = new SequenceDropout({inputRate: 0.2, stateRate: 0.2})
 *     .drawFor(batch, inputDim, units);
 * const x1 = dropout.dropInputs(x);  // x: [batch, time, inputDim] or [batch, inputDim]
 * const h1 = dropout.dropState(h);   // h: [batch, units]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../errors';

export interface SequenceDropoutArgs {
  /** Fraction of the input features dropped, in [0, 1). */
  inputRate: number;
  /** Fraction of the recurrent state dropped, in [0, 1). */
  stateRate: number;
  /**
   * Keep the masks out of the enclosing tidy (`tf.keep`): for a cell inside
   * tfjs's rnn(), whose steps each run in their own tidy. Then `dispose()`
   * frees them.
   */
  keepMasks?: boolean;
}

/** A rate of dropout: a number in [0, 1); default 0. */
export function dropoutRate(
    fn: string, arg: string, value: number|undefined): number {
  const rate = value ?? 0;
  checkArgument(
      typeof rate === 'number' && rate >= 0 && rate < 1, fn, arg,
      'a number in [0, 1)', value);
  return rate;
}

export class SequenceDropout {
  private readonly inputRate: number;
  private readonly stateRate: number;
  private readonly keepMasks: boolean;
  private inputMask: tf.Tensor|null = null;
  private stateMask: tf.Tensor|null = null;

  constructor(args: SequenceDropoutArgs) {
    this.inputRate = args.inputRate;
    this.stateRate = args.stateRate;
    this.keepMasks = args.keepMasks ?? false;
  }

  /**
   * Draws both masks now, in the caller's scope (tidy), rather than on first
   * use, which may be inside a step's own tidy that would free them.
   */
  drawFor(batch: number, inputDim: number, units: number): this {
    if (this.inputRate > 0) {
      this.inputMask ??= this.draw([batch, inputDim], this.inputRate);
    }
    if (this.stateRate > 0) {
      this.stateMask ??= this.draw([batch, units], this.stateRate);
    }
    return this;
  }

  /**
   * x of shape [batch, ..., inputDim] times the [batch, inputDim] input
   * mask, the same for every position in between (every timestep).
   */
  dropInputs(x: tf.Tensor): tf.Tensor {
    if (this.inputRate === 0) return x;
    const batch = x.shape[0], inputDim = x.shape[x.rank - 1];
    this.inputMask ??= this.draw([batch, inputDim], this.inputRate);
    const middle = new Array<number>(x.rank - 2).fill(1);
    return tf.mul(x, tf.reshape(this.inputMask, [batch, ...middle, inputDim]));
  }

  /** h of shape [batch, units] times the state mask. */
  dropState(h: tf.Tensor): tf.Tensor {
    if (this.stateRate === 0) return h;
    this.stateMask ??= this.draw(h.shape, this.stateRate);
    return tf.mul(h, this.stateMask);
  }

  /**
   * The [batch, units] state mask drawn by `drawFor`, for code that applies
   * it itself (the fused recurrence); null without recurrent dropout.
   */
  get drawnStateMask(): tf.Tensor|null {
    return this.stateRate === 0 ? null : this.stateMask;
  }

  /** Frees kept masks; the next sequence draws new ones. */
  dispose(): void {
    if (this.keepMasks) {
      tf.dispose([this.inputMask, this.stateMask].filter(
          (mask): mask is tf.Tensor => mask != null));
    }
    this.inputMask = null;
    this.stateMask = null;
  }

  /** Inverted dropout of a tensor of ones: 0 or 1 / (1 - rate). */
  private draw(shape: number[], rate: number): tf.Tensor {
    const mask = tf.tidy(() => tf.dropout(tf.ones(shape), rate));
    return this.keepMasks ? tf.keep(mask) : mask;
  }
}
