/**
 * Random LSTM-step cases for the step specs (conformance, webgpu, native):
 * inputs with the recurrent kernel both as the layout's blocks (for the op)
 * and dense (for the float64 reference in lstm_reference.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

import {BlockLayout} from '../../src/layout/block_layout';

import {StepInputs} from './lstm_reference';
import {randomNormal, Rng} from './random';
import {denseFromBlocks} from './reference';

export interface StepCase extends StepInputs {
  /** U's kept blocks, [nnzBlocks, b, b] of `layout`. */
  w: Float32Array;
  layout: BlockLayout;
}

/** A step of `batch` rows on `layout` ([units, 4 * units]) with normal inputs. */
export function randomStep(layout: BlockLayout, batch: number, rng: Rng): StepCase {
  const units = layout.inputSize, b = layout.blockSize;
  // Weights scaled so the gates are neither all saturated nor all linear.
  const w = randomNormal(layout.nnzBlocks * b * b, rng).map(v => v / Math.sqrt(units));
  return {
    z: randomNormal(batch * 4 * units, rng), hPrev: randomNormal(batch * units, rng),
    cPrev: randomNormal(batch * units, rng), u: denseFromBlocks(w, layout), w, layout, batch, units,
  };
}

/** [z, hPrev, cPrev, w] as tensors. */
export function stepTensors(s: StepCase): tf.Tensor[] {
  return [
    tf.tensor2d(s.z as Float32Array, [s.batch, 4 * s.units]),
    tf.tensor2d(s.hPrev as Float32Array, [s.batch, s.units]),
    tf.tensor2d(s.cPrev as Float32Array, [s.batch, s.units]),
    tf.tensor3d(s.w, s.layout.weightShape),
  ];
}

/**
 * A timestep mask of `batch` rows, 0 or 1 per row at random, with at least
 * one row of each where there are two rows or more.
 */
export function randomRowMask(batch: number, rng: Rng): Float32Array {
  const mask = Float32Array.from({length: batch}, () => rng.int(2));
  if (batch >= 2) {
    mask[0] = 0;
    mask[batch - 1] = 1;
  }
  return mask;
}
