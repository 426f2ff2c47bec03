/**
 * Training and validation of the character model, shared by the Node command
 * and the browser page: random windows of the encoded text, one optimizer
 * step per batch, and perplexity (exp of the mean cross-entropy per
 * character) over consecutive windows of the validation text.
 */
import * as tf from '@tensorflow/tfjs';

import {createRng} from '../../src/layout/random';

/** [batch, S] inputs and the [batch, S] characters that follow each. */
export interface Batch {
  inputs: tf.Tensor2D;
  targets: tf.Tensor2D;
}

/** Draws `batchSize` windows of S + 1 characters from `ids`, starting anywhere, seeded. */
export class WindowSampler {
  private readonly random: () => number;

  constructor(private readonly ids: Int32Array, private readonly sequenceLength: number, seed: number) {
    if (ids.length < sequenceLength + 1) {
      throw new Error(`The text must hold more than sequenceLength = ${sequenceLength} characters, but holds ${ids.length}.`);
    }
    const rng = createRng(seed);
    this.random = () => rng.next();
  }

  next(batchSize: number): Batch {
    const S = this.sequenceLength;
    const inputs = new Int32Array(batchSize * S), targets = new Int32Array(batchSize * S);
    for (let row = 0; row < batchSize; row++) {
      const start = Math.floor(this.random() * (this.ids.length - S));
      inputs.set(this.ids.subarray(start, start + S), row * S);
      targets.set(this.ids.subarray(start + 1, start + S + 1), row * S);
    }
    return {inputs: tf.tensor2d(inputs, [batchSize, S], 'int32'), targets: tf.tensor2d(targets, [batchSize, S], 'int32')};
  }
}

/** Mean cross-entropy (nats per character) of the logits [batch, S, V] for the targets. */
export function characterLoss(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const vocabularySize = logits.shape[logits.rank - 1];
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.reshape(targets, [-1]), vocabularySize),
        tf.reshape(logits, [-1, vocabularySize])) as tf.Scalar;
  });
}

/** One optimizer step; resolves to the batch's loss. Frees the batch. */
export async function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, batch: Batch): Promise<number> {
  const loss = optimizer.minimize(
      () => characterLoss(model.apply(batch.inputs, {training: true}) as tf.Tensor, batch.targets), true)!;
  const value = (await loss.data())[0];
  tf.dispose([loss, batch.inputs, batch.targets]);
  return value;
}

/**
 * Perplexity over up to `maxWindows` consecutive, non-overlapping windows of
 * `ids` (every character predicted once, from the window's earlier ones).
 */
export async function perplexity(model: tf.LayersModel, ids: Int32Array, sequenceLength: number,
                                 batchSize: number, maxWindows = Infinity): Promise<number> {
  const S = sequenceLength;
  const windows = Math.min(maxWindows, Math.floor((ids.length - 1) / S));
  if (windows < 1) throw new Error(`Validation text must hold more than ${S} characters, but holds ${ids.length}.`);
  let total = 0;
  for (let first = 0; first < windows; first += batchSize) {
    const count = Math.min(batchSize, windows - first);
    const start = first * S;
    const inputs = tf.tensor2d(ids.subarray(start, start + count * S), [count, S], 'int32');
    const targets = tf.tensor2d(ids.subarray(start + 1, start + count * S + 1), [count, S], 'int32');
    const loss = tf.tidy(() => characterLoss(model.predict(inputs) as tf.Tensor, targets));
    total += (await loss.data())[0] * count;
    tf.dispose([inputs, targets, loss]);
  }
  return Math.exp(total / windows);
}
