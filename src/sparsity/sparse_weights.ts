/**
 * The block-sparse weights of a model that a learned layout may change, and
 * the one way a change is applied: optimizer state, then the weight, then
 * the layout, then the old layout's cached tables freed, so that no table of
 * a layout that is gone survives on any backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import {checkArgument} from '../errors';
import {BlockLayout} from '../layout/block_layout';
import {weightLayoutsOf} from '../layers/weight_layouts';

import {remapBlocks} from './block_remap';
import {remapOptimizerState, writeLayerVariable} from './layer_variables';

/** One trainable block-sparse weight of a model. */
export interface SparseWeight {
  /** 'layerName/weightName', as reports and errors name it. */
  label: string;
  variable: tfl.LayerVariable;
  layout: () => BlockLayout;
  replaceLayout: (layout: BlockLayout) => void;
}

/** Every trainable block-sparse weight of `model`'s layers (an RNN's cell included), in layer order. */
export function sparseWeightsOf(fn: string, model: tfl.LayersModel): SparseWeight[] {
  checkArgument(model instanceof tfl.LayersModel, fn, 'model', 'a tf.LayersModel', model);
  checkArgument(model.built, fn, 'model', 'a built model (call it, build it or give it an input shape)',
                'an unbuilt model');
  const weights: SparseWeight[] = [];
  for (const layer of model.layers) {
    for (const weight of weightLayoutsOf(layer) ?? []) {
      if (weight.layout == null || weight.replaceLayout == null || !weight.variable.trainable) continue;
      // The layer reports a fresh WeightLayout per call: read the layout through it each time.
      const name = weight.name;
      weights.push({
        label: `${layer.name}/${name}`,
        variable: weight.variable,
        layout: () => weightLayoutsOf(layer)!.find(w => w.name === name)!.layout!,
        replaceLayout: weight.replaceLayout,
      });
    }
  }
  checkArgument(weights.length > 0, fn, 'model', 'a model with a trainable block-sparse weight',
                `layers ${model.layers.map(layer => layer.getClassName()).join(', ')}`);
  return weights;
}

/** Frobenius norm of every block of a packed [nnz, b, b] tensor, read back. */
export async function blockNorms(blocks: tf.Tensor): Promise<Float32Array> {
  const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(blocks), [1, 2])));
  const values = await norms.data() as Float32Array;
  norms.dispose();
  return values;
}

/** Moves `weight` (and the optimizer's state for it) to `to`; new blocks start at zero. */
export async function applyLayout(optimizer: tf.Optimizer|undefined, weight: SparseWeight, to: BlockLayout):
    Promise<void> {
  const from = weight.layout();
  await remapOptimizerState(optimizer, weight.variable.read() as tf.Variable, from, to);
  writeLayerVariable(weight.variable, remapBlocks(weight.variable.read(), from, to));
  weight.replaceLayout(to);
  if (to !== from) from.dispose();
}

/** The number of blocks a density keeps of `layout`'s grid: at least one. */
export function blocksAtDensity(layout: BlockLayout, density: number): number {
  return Math.max(1, Math.round(density * layout.blockRows * layout.blockCols));
}
