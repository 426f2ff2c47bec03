/**
 * How a block-sparse layer reports its weights: each weight of
 * `getWeights()`, in order, with its layout (null when the weight is dense).
 * `denseWeights`, `blockSparseSummary` and the weight-shape checks ask the
 * layer through `weightLayouts()` instead of switching on its class.
 *
 * ```js
 * lstm.weightLayouts().map(w => [w.name, w.layout?.nnzBlocks]);
 * // [['kernel', 32], ['recurrent_kernel', 16], ['bias', undefined]]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import {BlockLayout} from '../layout/block_layout';

/** One weight of a layer. */
export interface WeightLayout {
  /** Its name in the layer: 'kernel', 'recurrent_kernel', 'bias'. */
  name: string;
  variable: tfl.LayerVariable;
  /** Its layout when it holds the blocks [nnzBlocks, b, b]; else null. */
  layout: BlockLayout|null;
  /** The config argument the layout comes from ('recurrentLayout'). */
  layoutArg: string|null;
  /**
   * Puts a new layout of the same shape in place of `layout` (see
   * `SparseKernel.replaceLayout`); null for a weight without one.
   */
  replaceLayout: ((layout: BlockLayout) => void)|null;
}

/** A weight without a layout (a bias, a dense kernel). */
export function plainWeight(name: string, variable: tfl.LayerVariable):
    WeightLayout {
  return {name, variable, layout: null, layoutArg: null, replaceLayout: null};
}

/** A layer or cell that reports its weights (empty until it is built). */
export interface ReportsWeightLayouts {
  weightLayouts(): WeightLayout[];
}

function reportsWeightLayouts(value: unknown):
    value is ReportsWeightLayouts {
  return value != null &&
      typeof (value as Partial<ReportsWeightLayouts>).weightLayouts ===
      'function';
}

/**
 * The weights of a block-sparse layer, looking through a `tf.layers.rnn`
 * at its cell; null when the layer is not block-sparse.
 */
export function weightLayoutsOf(layer: unknown): WeightLayout[]|null {
  if (reportsWeightLayouts(layer)) return layer.weightLayouts();
  if (layer instanceof tfl.RNN && reportsWeightLayouts(layer.cell)) {
    return layer.cell.weightLayouts();
  }
  return null;
}

/**
 * Checks a value about to be written into `weight`, so that a saved layout
 * that no longer matches its weights is named, not tfjs's bare "Shape
 * mismatch: [516,32,32] vs. [512,32,32]". `owner` names the layer.
 */
function checkWeightValue(
    owner: string, weight: WeightLayout, value: tf.Tensor): void {
  const expected = weight.variable.read().shape;
  if (tf.util.arraysEqual(value.shape, expected)) return;
  const {layout} = weight;
  const prefix = `${owner}: weight '${weight.name}'`;
  if (layout == null) {
    throw new Error(`${prefix} has shape [${value.shape}], but the layer ` +
                    `expects [${expected}].`);
  }
  const [, b1, b2] = value.shape;
  const source = `its ${weight.layoutArg} ${layout}`;
  if (value.rank === 3 && b1 === layout.blockSize && b2 === layout.blockSize) {
    throw new Error(`${prefix} has ${value.shape[0]} blocks, but ${source} ` +
                    `keeps ${layout.nnzBlocks}: were the weights saved with ` +
                    `another layout?`);
  }
  throw new Error(`${prefix} has shape [${value.shape}], but ${source} ` +
                  `needs [${expected}] (its blocks).`);
}

/** `checkWeightValue` for every weight of a `setWeights(values)` call. */
export function checkWeightValues(
    owner: string, weights: WeightLayout[], values: tf.Tensor[]): void {
  if (values.length !== weights.length) {
    throw new Error(`${owner}: setWeights got ${values.length} tensors, ` +
                    `but the layer has ${weights.length} weights (${
                        weights.map(w => w.name).join(', ')}).`);
  }
  weights.forEach((weight, i) => checkWeightValue(owner, weight, values[i]));
}

/**
 * Makes every write of the weight's variable check the value first.
 * tfjs's `loadLayersModel` writes saved weights through
 * `LayerVariable.write` directly, not through the layer's `setWeights`, so
 * the variable is the one place that sees them. `owner` is read when a
 * write fails (an LSTM cell reports under its layer's name).
 */
export function checkWritesOf(
    weight: WeightLayout, owner: () => string): void {
  const write = weight.variable.write.bind(weight.variable);
  weight.variable.write = (value: tf.Tensor) => {
    checkWeightValue(owner(), weight, value);
    return write(value);
  };
}
