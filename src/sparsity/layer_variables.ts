/**
 * Writing a learned layout's weights into a layer, and its state into the
 * optimizer: the one place that reaches into tfjs internals for it.
 *
 * - A weight whose block count changes (scheduled pruning) gets a new
 *   tf.Variable of the new shape under the same name, put in place of the
 *   LayerVariable's own: tfjs-layers reads `LayerVariable.val` on every
 *   call and training step, and has no public way to reshape a weight.
 * - Optimizers keep one slot per variable (Adam's first and second moments,
 *   RMSProp's mean square, ...), named `<variable name>/<slot>` in
 *   `getWeights()`, which returns the live slot variables. A slot of the
 *   weight's shape is moved with the weight's blocks: state of a dropped
 *   block goes, a new block's starts at zero. When the shape changes, the
 *   optimizer gets all its weights back through `setWeights()`, which makes
 *   new slot variables, and the old ones are disposed.
 * - A tf.Sequential keeps its compiled loss functions on the LayersModel it
 *   wraps, in a private field; RigL's gradient needs them.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import {BlockLayout} from '../layout/block_layout';

import {remapBlocks} from './block_remap';

/** An entry of `optimizer.getWeights()`. */
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

/** The fields of a LayerVariable that hold its value and shape (both declared readonly). */
interface LayerVariableInternals {
  val: tf.Variable;
  shape: number[];
}

/** Writes `value` into `variable`, giving it a new tf.Variable when the shape differs. Takes `value`. */
export function writeLayerVariable(variable: tfl.LayerVariable, value: tf.Tensor): void {
  const current = variable.read() as tf.Variable;
  if (tf.util.arraysEqual(current.shape, value.shape)) {
    variable.write(value);
    value.dispose();
    return;
  }
  const internals = variable as unknown as LayerVariableInternals;
  const {name, trainable, dtype} = current;
  current.dispose();  // frees the name for its successor
  internals.val = tf.variable(value, trainable, name, dtype);
  internals.shape = value.shape;
  value.dispose();    // the variable holds its own reference to the data
}

/** The optimizer's slots for `variable`: weights named `<its name>/...` with its shape. */
function isSlotOf(named: NamedTensor, variable: tf.Variable): boolean {
  return named.name.startsWith(`${variable.name}/`) && tf.util.arraysEqual(named.tensor.shape, variable.shape);
}

/**
 * Moves the optimizer's state for `variable` (still holding its `from`
 * weights) to the layout `to`. Call before the weight itself is rewritten.
 */
export async function remapOptimizerState(
    optimizer: tf.Optimizer|null|undefined, variable: tf.Variable, from: BlockLayout, to: BlockLayout): Promise<void> {
  if (optimizer == null) return;
  const weights = await optimizer.getWeights();
  const slots = weights.filter(named => isSlotOf(named, variable));
  if (slots.length === 0 || from.nnzBlocks === to.nnzBlocks) {
    // Same shape: assign in place; the slot variables stay the optimizer's.
    for (const slot of slots) {
      const moved = remapBlocks(slot.tensor, from, to);
      (slot.tensor as tf.Variable).assign(moved);
      moved.dispose();
    }
    // getWeights made fresh tensors only for what is not a variable (the iteration count).
    tf.dispose(weights.map(named => named.tensor).filter(t => !(t instanceof tf.Variable)));
    return;
  }
  const replaced = weights.map(named => isSlotOf(named, variable) ?
                                   {name: named.name, tensor: remapBlocks(named.tensor, from, to)} :
                                   named);
  await optimizer.setWeights(replaced);
  // setWeights made new variables from these (sharing their data); the old ones and the copies go.
  tf.dispose(weights.map(named => named.tensor));
  tf.dispose(replaced.filter((named, i) => named !== weights[i]).map(named => named.tensor));
}

/** The loss functions `model.compile` set, one per output; undefined before compile. */
export function compiledLossFunctions(model: tfl.LayersModel): tfl.LayersModel['lossFunctions']|undefined {
  const compiled = model instanceof tfl.Sequential ? (model as unknown as {model?: tfl.LayersModel}).model : model;
  return compiled?.lossFunctions;
}
