/**
 * Magnitude pruning of a trained tf.layers.dense into a BlockSparseDense:
 * keep the blocks of largest Frobenius norm (`layoutFromWeights`) and start
 * from the trained values on those blocks.
 *
 * ```js
 * const sparse = await tfbs.layers.pruneDense(trainedDense,
 *     {blockSize: 32, density: 1 / 8});
 * const model = tf.sequential({layers: [tf.layers.inputLayer({inputShape: [K]}), sparse]});
 * ```
 */
import * as tfl from '@tensorflow/tfjs-layers';

import {denseToBlocks} from '../../ops/dense_to_blocks';
import {checkArgument} from '../errors';
import {layoutFromWeightsAsync} from '../layout/from_weights';

import {BlockSparseDense} from './block_sparse_dense';

export interface PruneDenseArgs {
  blockSize: number;
  /** Fraction of blocks kept, in (0, 1]. */
  density: number;
  /** Name of the new layer; default: tfjs's automatic name. */
  name?: string;
}

/**
 * A new, unbuilt BlockSparseDense with the dense layer's units, activation
 * and bias, whose layout keeps the dense kernel's strongest blocks and whose
 * initial weights are the kernel's values there. Reads the kernel with
 * the block norms asynchronously, so it works on every backend (webgpu in
 * Node too). The
 * initial weights are passed as the tfjs `weights` argument, so they are set
 * when the layer is built.
 */
export async function pruneDense(
    dense: tfl.layers.Layer, args: PruneDenseArgs): Promise<BlockSparseDense> {
  const fn = 'pruneDense';
  checkArgument(
      dense instanceof tfl.layers.Layer && dense.getClassName() === 'Dense' &&
          dense.built,
      fn, 'dense', 'a built tf.layers.dense layer',
      dense instanceof tfl.layers.Layer ?
          `${dense.getClassName()} (built: ${dense.built})` :
          dense);
  const config = dense.getConfig();
  const [kernel, bias] = dense.getWeights();
  const layout =
      await layoutFromWeightsAsync(kernel, args.blockSize, args.density);
  const blocks = denseToBlocks(kernel, layout);
  const weights = bias == null ? [blocks] : [blocks, bias.clone()];
  return new BlockSparseDense({
    units: config.units as number,
    blockSize: args.blockSize,
    layout,
    activation: config.activation as string,
    useBias: bias != null,
    name: args.name,
    weights,
  });
}
