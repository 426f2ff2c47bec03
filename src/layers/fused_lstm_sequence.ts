/**
 * The whole recurrence of a fused blockSparseLSTM as one differentiable
 * function (`tf.customGrad`): forward, one `BlockSparseLSTMStep` kernel per
 * timestep; backward, one `BlockSparseLSTMStepBackward` per timestep in
 * reverse, then the recurrent kernel's gradient as ONE sampled product over
 * all timesteps, sum_t hIn_t^T . dz_t = [hIn_1; ...; hIn_T]^T . [dz_1; ...].
 *
 * Why not the step op's own gradient: through the tape every timestep would
 * compute its own sampled product over a batch of rows (small, so slow) and
 * add it to the running sum, 2T kernels instead of one; and the tape would
 * also record every mask and dropout op. At batch 64, 30 timesteps, 1024
 * units and density 1/8 on `tensorflow` that was about a fifth of a
 * training step.
 *
 * Semantics are those of `BlockSparseLSTM.recur` (tfjs's rnn()): a masked
 * timestep keeps the previous h and c; the recurrent dropout mask multiplies
 * the h that enters the product; goBackwards walks time in reverse.
 *
 * Without recurrent dropout the step kernels apply the timestep mask
 * themselves (their `mask` input), which saves six elementwise ops per
 * timestep each way. With it, the h a masked row keeps is not the h that
 * entered the product, so the choice is made by tfjs ops here.
 */
import * as tf from '@tensorflow/tfjs-core';

import {blockSparseSampledMatMul} from '../../ops/block_sparse_sampled_mat_mul';
import {BlockSparseLSTMStep, BlockSparseLSTMStepAttrs, BlockSparseLSTMStepBackward} from '../kernel_names';
import {toNamedAttrMap} from '../kernels/define_kernel';
import {BlockLayout} from '../layout/block_layout';

export interface FusedSequenceArgs {
  /** The recurrent kernel's layout, [units, 4 * units]. */
  layout: BlockLayout;
  /** Walk time from the last step to the first. */
  goBackwards: boolean;
  /**
   * Return h after every timestep; otherwise `outputs` holds the last only,
   * and the backward pass need not add a (zero) gradient at every step.
   */
  returnSequences: boolean;
}

export interface FusedSequenceInputs {
  /** x . W + bias for every timestep: [batch, time, 4 * units]. */
  projected: tf.Tensor;
  h0: tf.Tensor;
  c0: tf.Tensor;
  /** The recurrent kernel's blocks, [nnzBlocks, b, b]. */
  w: tf.Tensor;
  /** 1 where a timestep counts, 0 where it is masked: [batch, time, 1]; null when unmasked. */
  keep: tf.Tensor|null;
  /** The recurrent dropout mask, [batch, units]; null without recurrent dropout. */
  stateMask: tf.Tensor|null;
}

export interface FusedSequenceResult {
  /** h after each timestep, in the order the steps ran (the last only without returnSequences). */
  outputs: tf.Tensor[];
  h: tf.Tensor;
  c: tf.Tensor;
}

/** What the forward pass keeps for the backward one, per step in run order. */
interface StepRecord {
  /** Index into time. */
  time: number;
  hIn: tf.Tensor;
  cPrev: tf.Tensor;
  c: tf.Tensor;
  gates: tf.Tensor;
  /** The step's mask, 1 where it counts; null when unmasked. */
  keep: tf.Tensor|null;
  /** 1 - keep where the mask is applied by tfjs ops here, not by the kernels; else null. */
  drop: tf.Tensor|null;
}

/** [batch, time, ...] -> `time` tensors [batch, ...] (a reshape for one step). */
function splitTime(x: tf.Tensor): tf.Tensor[] {
  if (x.shape[1] === 1) return [tf.reshape(x, [x.shape[0], ...x.shape.slice(2)])];
  return tf.unstack(x, 1);
}

/** keep * a + drop * b (drop = 1 - keep): the masked step's choice of state. */
function select(keep: tf.Tensor, drop: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(a, keep), tf.mul(b, drop));
}

export function fusedLSTMSequence(
    inputs: FusedSequenceInputs, args: FusedSequenceArgs): FusedSequenceResult {
  const {keep, stateMask} = inputs;
  const [, time] = (inputs.projected as tf.Tensor3D).shape;
  const optional = [keep, stateMask].filter((t): t is tf.Tensor => t != null);
  const maskShapes = optional.map(t => t.shape);
  const run = tf.customGrad((...tensors: unknown[]) => {
    const [projected, h0, c0, w] = tensors as tf.Tensor[];
    const save = tensors[tensors.length - 1] as tf.GradSaveFunc;
    const {steps, outputs, c} = forward(projected, h0, c0, w, keep, stateMask, args);
    // The tape's copies: the layer's tidy frees the originals (and the
    // dropout mask) once the forward pass returns.
    save([w, ...(stateMask == null ? [] : [stateMask]), ...steps.flatMap(stepTensors)]);
    // One tensor out (customGrad's limit): the h outputs in run order, then the final c.
    const value = tf.stack([...outputs, c], 1);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const savedMask = stateMask == null ? null : saved[1];
      const savedSteps = restoreSteps(steps, saved.slice(stateMask == null ? 1 : 2));
      const grads = backward(dy, savedSteps, saved[0], savedMask, time, args);
      // The masks get no gradient. By now the layer's tidy has freed them,
      // so their zeros are made from the shapes alone.
      return [grads.projected, grads.h0, grads.c0, grads.w, ...maskShapes.map(shape => tf.zeros(shape))];
    };
    return {value, gradFunc};
  });
  const packed = run(inputs.projected, inputs.h0, inputs.c0, inputs.w, ...optional);
  const parts = tf.unstack(packed, 1);
  const outputs = parts.slice(0, -1);
  return {outputs, h: outputs[outputs.length - 1], c: parts[parts.length - 1]};
}

/** A step's tensors for `save`, in a fixed order (keep and drop last, when there). */
function stepTensors(step: StepRecord): tf.Tensor[] {
  return [step.hIn, step.cPrev, step.c, step.gates, step.keep, step.drop].filter(
      (t): t is tf.Tensor => t != null);
}

/** The steps again, with the tape's saved copies of their tensors. */
function restoreSteps(steps: StepRecord[], saved: tf.Tensor[]): StepRecord[] {
  let next = 0;
  const take = (t: tf.Tensor|null) => t == null ? null : saved[next++];
  return steps.map(step => {
    const [hIn, cPrev, c, gates] = saved.slice(next, next + 4);
    next += 4;
    const keep = take(step.keep), drop = take(step.drop);
    return {time: step.time, hIn, cPrev, c, gates, keep, drop};
  });
}

function forward(
    projected: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, w: tf.Tensor, keep: tf.Tensor|null,
    stateMask: tf.Tensor|null, args: FusedSequenceArgs):
    {steps: StepRecord[], outputs: tf.Tensor[], c: tf.Tensor} {
  const zs = splitTime(projected);
  const keeps = keep == null ? null : splitTime(keep);
  // The kernels keep a masked row's state unless recurrent dropout changed the h they read.
  const drops = keep == null || stateMask == null ? null : splitTime(tf.sub(1, keep));
  const order = zs.map((_, t) => t);
  if (args.goBackwards) order.reverse();
  const attrs = toNamedAttrMap(BlockSparseLSTMStep, {layout: args.layout} as BlockSparseLSTMStepAttrs);
  const steps: StepRecord[] = [];
  const outputs: tf.Tensor[] = [];
  let h = h0, c = c0;
  for (const t of order) {
    const hIn = stateMask == null ? h : tf.mul(h, stateMask);
    const stepKeep = keeps?.[t] ?? null, stepDrop = drops?.[t] ?? null;
    const inputs: tf.NamedTensorMap = {z: zs[t], hPrev: hIn, cPrev: c, w};
    if (stepKeep != null && stepDrop == null) inputs.mask = stepKeep;
    const [hNew, cNew, gates] = tf.engine().runKernel(BlockSparseLSTMStep, inputs, attrs) as tf.Tensor[];
    steps.push({time: t, hIn, cPrev: c, c: cNew, gates, keep: stepKeep, drop: stepDrop});
    h = stepDrop == null ? hNew : select(stepKeep!, stepDrop, hNew, h);
    c = stepDrop == null ? cNew : select(stepKeep!, stepDrop, cNew, c);
    if (args.returnSequences) outputs.push(h);
  }
  if (!args.returnSequences) outputs.push(h);
  return {steps, outputs, c};
}

function backward(
    dy: tf.Tensor, steps: StepRecord[], w: tf.Tensor, stateMask: tf.Tensor|null, time: number,
    args: FusedSequenceArgs): {projected: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, w: tf.Tensor} {
  const {layout} = args;
  const dyParts = tf.unstack(dy, 1);
  // The upstream gradient of h after the step at `position`: one per step
  // with returnSequences, else only the last step's.
  const dyOfH = (position: number) => args.returnSequences ? dyParts[position] :
      position === steps.length - 1                        ? dyParts[0] :
                                                             null;
  const attrs = toNamedAttrMap(BlockSparseLSTMStepBackward, {layout});
  const dzByTime = new Array<tf.Tensor>(time);
  let dh: tf.Tensor|null = null;
  let dc = dyParts[dyParts.length - 1];
  for (let position = steps.length - 1; position >= 0; position--) {
    const step = steps[position];
    const upstream = dyOfH(position);
    const dhOut: tf.Tensor = dh == null ? upstream! : upstream == null ? dh : tf.add(dh, upstream);
    // A masked row passed its previous state through: that share of the
    // gradient goes straight back, the rest through the step. The kernel
    // does this itself when it applied the mask.
    const selectedHere = step.drop != null;
    const dhNew = selectedHere ? tf.mul(dhOut, step.keep!) : dhOut;
    const dcNew = selectedHere ? tf.mul(dc, step.keep!) : dc;
    const inputs: tf.NamedTensorMap = {dh: dhNew, dc: dcNew, c: step.c, gates: step.gates, cPrev: step.cPrev, w};
    if (step.keep != null && !selectedHere) inputs.mask = step.keep;
    const [dz, dhIn, dcPrev] =
        tf.engine().runKernel(BlockSparseLSTMStepBackward, inputs, attrs) as tf.Tensor[];
    dzByTime[step.time] = dz;
    const dhPrev = stateMask == null ? dhIn : tf.mul(dhIn, stateMask);
    if (selectedHere) {
      dh = tf.add(dhPrev, tf.mul(dhOut, step.drop!));
      dc = tf.add(dcPrev, tf.mul(dc, step.drop!));
    } else {
      dh = dhPrev;
      dc = dcPrev;
    }
  }
  // Rows of both operands in the same (run) order: hIn_t pairs with dz_t.
  const hIns = tf.concat(steps.map(s => s.hIn), 0);
  const dzs = tf.concat(steps.map(s => dzByTime[s.time]), 0);
  return {
    projected: time === 1 ? tf.expandDims(dzByTime[0], 1) : tf.stack(dzByTime, 1),
    h0: dh!,
    c0: dc,
    w: blockSparseSampledMatMul(hIns, dzs, layout),
  };
}
