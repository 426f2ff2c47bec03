/** Shapes and masks shared by the attention conformance specs. */
import * as tf from '@tensorflow/tfjs-core';

import {Rng} from '../util/random';

/** Odd S/b for the small block sizes; S stays small enough for the CPU backend. */
export const ATTENTION_GRIDS = [
  {blockSize: 8, blocks: 7},
  {blockSize: 16, blocks: 5},
  {blockSize: 32, blocks: 3},
  {blockSize: 64, blocks: 2},
];

/** [batch, heads]: the key mask has one row per batch entry, shared by the heads. */
export const LEAD = [2, 3];
export const SLICES = LEAD[0]! * LEAD[1]!;

export interface NamedKeyMask {
  name: string;
  /** [batch, S] of 0/1, or null for no mask. */
  values: Float32Array|null;
}

/**
 * No mask, and a mask whose first batch entry pads random keys (leaving some
 * query rows with no key in their blocks) and whose second pads every key.
 */
export function keyMasks(S: number, rng: Rng): NamedKeyMask[] {
  const padded = new Float32Array(LEAD[0]! * S);
  for (let j = 0; j < S; j++) padded[j] = rng.next() < 0.6 ? 1 : 0;
  return [
    {name: 'no key mask', values: null},
    {name: 'random padding, batch entry 1 fully masked', values: padded},
  ];
}

/** Gradients of f at inputs, read back and disposed. */
export async function gradsOf(
    f: (...args: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): Promise<Float32Array[]> {
  const grads = tf.grads(f)(inputs);
  const values = await Promise.all(grads.map(g => g.data() as Promise<Float32Array>));
  tf.dispose(grads);
  return values;
}
