/**
 * Moves a packed block tensor [nnz, b, b] (a weight, or an optimizer's slot
 * for it) from one layout to another of the same grid: a block both keep
 * keeps its values at its new index, a block only the new layout has starts
 * at zero, and a block only the old one has is dropped. One gather, on any
 * backend.
 */
import * as tf from '@tensorflow/tfjs-core';

import {BlockLayout} from '../layout/block_layout';

import {blockPositions} from './block_choice';

/** For each block of `to`, its index in `from`'s packed order, or `from.nnzBlocks` (a zero block) when new. */
export function remapIndices(from: BlockLayout, to: BlockLayout): Int32Array {
  const indexOf = new Map(blockPositions(from).map((position, index) => [position, index]));
  return Int32Array.from(blockPositions(to), position => indexOf.get(position) ?? from.nnzBlocks);
}

/** `values` laid out for `from`, as `to` holds them. */
export function remapBlocks(values: tf.Tensor, from: BlockLayout, to: BlockLayout): tf.Tensor {
  return tf.tidy(() => {
    const b = from.blockSize;
    const withZero = tf.concat([values, tf.zeros([1, b, b], values.dtype)]);
    return tf.gather(withZero, tf.tensor1d(remapIndices(from, to), 'int32'));
  });
}
