/**
 * Batching and the training/evaluation loops, shared by the Node command and
 * the browser page. Batches group sentences of similar length and are padded
 * only to their longest sentence, so short SST-2 phrases cost little.
 */
import * as tf from '@tensorflow/tfjs';

import {createRng, shuffledRange} from '../../src/layout/random';

import {Example} from './data/parse';
import {tokenize} from './data/tokenizer';
import {Vocabulary} from './data/vocabulary';

export interface EncodedSet {
  /** Token ids per example, truncated to maxLength. */
  ids: Int32Array[];
  labels: Float32Array;
}

export function encodeExamples(examples: Example[], vocabulary: Vocabulary, maxLength: number): EncodedSet {
  return {
    ids: examples.map(e => {
      const tokens = tokenize(e.text).slice(0, maxLength);
      return Int32Array.from(tokens.length ? tokens : ['<unk>'], t => vocabulary.id(t));
    }),
    labels: Float32Array.from(examples, e => e.label),
  };
}

export interface BatchPlan {
  indices: number[];
  length: number;
  tokens: number;
}

/**
 * Batches of examples of similar length in a seeded random order: sort by
 * length within random windows of 50 batches, cut into batches, shuffle them.
 */
export function planBatches(set: EncodedSet, batchSize: number, seed: number): BatchPlan[] {
  const rng = createRng(seed);
  const order = Array.from(shuffledRange(set.ids.length, rng));
  const window = batchSize * 50;
  const plans: BatchPlan[] = [];
  for (let start = 0; start < order.length; start += window) {
    const chunk = order.slice(start, start + window).sort((a, b) => set.ids[a].length - set.ids[b].length);
    for (let b = 0; b < chunk.length; b += batchSize) {
      const indices = chunk.slice(b, b + batchSize);
      const tokens = indices.reduce((n, i) => n + set.ids[i].length, 0);
      plans.push({indices, length: Math.max(...indices.map(i => set.ids[i].length)), tokens});
    }
  }
  return Array.from(shuffledRange(plans.length, rng), i => plans[i]);
}

export function batchTensors(set: EncodedSet, plan: BatchPlan): {x: tf.Tensor2D, y: tf.Tensor2D} {
  const ids = new Int32Array(plan.indices.length * plan.length);
  plan.indices.forEach((example, row) => ids.set(set.ids[example], row * plan.length));
  const labels = Float32Array.from(plan.indices, i => set.labels[i]);
  return {x: tf.tensor2d(ids, [plan.indices.length, plan.length], 'int32'), y: tf.tensor2d(labels, [labels.length, 1])};
}

export interface BatchReport {
  batch: number;
  batches: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy: number;
  /** This batch alone. */
  batchLoss: number;
  /** Tokens trained on in the epoch so far, padding excluded. */
  tokens: number;
  tokensPerSecond: number;
}

export function compileForTraining(model: tf.LayersModel, learningRate: number): void {
  model.compile({optimizer: tf.train.adam(learningRate), loss: 'binaryCrossentropy', metrics: ['accuracy']});
}

/** One pass over `set`; `onBatch` sees running means of loss and accuracy. */
export async function trainEpoch(
    model: tf.LayersModel, set: EncodedSet, batchSize: number, seed: number,
    onBatch: (report: BatchReport) => void|Promise<void>,
    limits: {maxBatches?: number, deadline?: number, shouldStop?: () => boolean} = {},
    afterStep?: (x: tf.Tensor, y: tf.Tensor) => Promise<void>): Promise<BatchReport> {
  const plans = planBatches(set, batchSize, seed).slice(0, limits.maxBatches ?? Infinity);
  let lossSum = 0, accuracySum = 0, tokens = 0;
  const start = performance.now();
  let report: BatchReport =
      {batch: 0, batches: plans.length, loss: NaN, accuracy: NaN, batchLoss: NaN, tokens: 0, tokensPerSecond: 0};
  for (let b = 0; b < plans.length; b++) {
    const {x, y} = batchTensors(set, plans[b]);
    const [loss, accuracy] = await model.trainOnBatch(x, y) as number[];
    await afterStep?.(x, y);  // a learned layout's update, on this batch (layout_learning.ts)
    tf.dispose([x, y]);
    lossSum += loss;
    accuracySum += accuracy;
    tokens += plans[b].tokens;
    report = {batch: b + 1, batches: plans.length, loss: lossSum / (b + 1), accuracy: accuracySum / (b + 1), batchLoss: loss, tokens,
      tokensPerSecond: tokens / ((performance.now() - start) / 1000)};
    await onBatch(report);
    if (limits.deadline != null && performance.now() > limits.deadline) break;
    if (limits.shouldStop?.()) break;
  }
  return report;
}

/** Predicted probabilities of the positive class, in example order. */
export async function predictSet(model: tf.LayersModel, set: EncodedSet, batchSize = 128): Promise<Float32Array> {
  const out = new Float32Array(set.ids.length);
  for (const plan of planBatches(set, batchSize, 1)) {
    const {x, y} = batchTensors(set, plan);
    const p = model.predict(x) as tf.Tensor;
    const values = await p.data();
    plan.indices.forEach((example, row) => out[example] = values[row]);
    tf.dispose([x, y, p]);
  }
  return out;
}

export async function evaluateSet(model: tf.LayersModel, set: EncodedSet): Promise<{accuracy: number, loss: number}> {
  const p = await predictSet(model, set);
  let correct = 0, loss = 0;
  p.forEach((prob, i) => {
    const label = set.labels[i];
    correct += (prob >= 0.5 ? 1 : 0) === label ? 1 : 0;
    const clipped = Math.min(Math.max(prob, 1e-7), 1 - 1e-7);
    loss -= label * Math.log(clipped) + (1 - label) * Math.log(1 - clipped);
  });
  return {accuracy: correct / p.length, loss: loss / p.length};
}
