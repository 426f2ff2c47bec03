/**
 * The block norms of the loss's gradient with respect to every block of
 * each weight's grid, kept or not: what RigL grows by. Each weight is put
 * for one forward and backward on the dense layout of its grid, its kept
 * blocks in place and zeros elsewhere, so the output is unchanged and the
 * layer's own backward kernel (a sampled product over the layout's blocks)
 * gives the gradient of every block by blocks; then the weight and its
 * layout are put back. No optimizer step is taken.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import {checkArgument} from '../errors';
import {BlockLayout} from '../layout/block_layout';

import {remapBlocks} from './block_remap';
import {compiledLossFunctions, writeLayerVariable} from './layer_variables';
import {blockNorms, SparseWeight} from './sparse_weights';

/** The compiled model's loss on (x, y), as its training computes it (sum over outputs). */
function modelLoss(fn: string, model: tfl.LayersModel, x: tf.Tensor|tf.Tensor[], y: tf.Tensor|tf.Tensor[]):
    tf.Scalar {
  const losses = compiledLossFunctions(model);
  checkArgument(losses != null && losses.length > 0, fn, 'model', 'a compiled model (model.compile)',
                'a model without a loss');
  const outputs = [model.apply(x, {training: true}) as tf.Tensor|tf.Tensor[]].flat();
  const targets = [y].flat();
  checkArgument(targets.length === outputs.length, fn, 'y', `${outputs.length} target tensor(s)`,
                `${targets.length}`);
  return outputs.map((output, i) => tf.mean(losses[i](targets[i], output)) as tf.Scalar)
      .reduce((sum, loss) => tf.add(sum, loss));
}

/** Per weight, the gradient's Frobenius norm at every grid position (row-major). */
export async function gradientBlockNorms(
    fn: string, model: tfl.LayersModel, weights: SparseWeight[], x: tf.Tensor|tf.Tensor[],
    y: tf.Tensor|tf.Tensor[]): Promise<Float32Array[]> {
  const layouts = weights.map(weight => weight.layout());
  const kept = weights.map(weight => tf.keep(weight.variable.read().clone()));
  const grids = layouts.map(layout => BlockLayout.dense(layout.inputSize, layout.outputSize, layout.blockSize));
  try {
    weights.forEach((weight, i) => {
      writeLayerVariable(weight.variable, remapBlocks(kept[i], layouts[i], grids[i]));
      weight.replaceLayout(grids[i]);
    });
    const variables = weights.map(weight => weight.variable.read() as tf.Variable);
    const {value, grads} = tf.variableGrads(() => modelLoss(fn, model, x, y), variables);
    value.dispose();
    const norms: Float32Array[] = [];
    for (const variable of variables) norms.push(await blockNorms(grads[variable.name]));
    tf.dispose(Object.values(grads));
    return norms;
  } finally {
    weights.forEach((weight, i) => {
      writeLayerVariable(weight.variable, kept[i]);
      weight.replaceLayout(layouts[i]);
    });
    grids.forEach(grid => grid.dispose());
  }
}
