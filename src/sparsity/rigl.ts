/**
 * RigL (Evci et al. 2020, "Rigging the Lottery"), by blocks: the number of
 * blocks stays fixed; every `updateEvery` steps until `endStep`, each
 * block-sparse weight drops the fraction of its blocks of smallest
 * Frobenius norm (cosine-decayed from `dropFraction`) and grows as many where
 * the loss's gradient has the largest block norm. New blocks start at zero
 * and their optimizer state is reset; the weight keeps its shape, so
 * optimizers and saved models see an ordinary weight with a new layout.
 *
 * ```js
 * const rigl = tfbs.sparsity.rigl({updateEvery: 100, dropFraction: 0.3, endStep: 5000});
 * for (let step = 1; step <= 6000; step++) {
 *   const {x, y} = nextBatch();
 *   await model.trainOnBatch(x, y);
 *   await rigl.update(model, step, x, y);     // moves blocks when the schedule says so
 * }
 * // or with fit, from a batch source: callbacks: [rigl.callback(() => nextBatch())]
 * ```
 *
 * The gradient comes from one forward and backward on the batch given, on
 * the layer's own kernels (gradient_probe.ts). Ties go to the block first
 * in row-major order, so updates are deterministic.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import {checkArgument} from '../errors';

import {blockPositions, chooseBlocks, layoutOfPositions} from './block_choice';
import {gradientBlockNorms} from './gradient_probe';
import {checkRigLSchedule, RigLSchedule, RigLScheduleArgs, rigLDropFractionAt} from './schedules';
import {applyLayout, blockNorms, sparseWeightsOf} from './sparse_weights';
import {changedBetween, SparsityUpdate} from './updates';

export interface RigLArgs extends RigLScheduleArgs {
  /** Blocks every block column keeps at least; default 0. */
  minBlocksPerColumn?: number;
}

/** A batch for the gradient: model inputs and targets. */
export interface Batch {
  x: tf.Tensor|tf.Tensor[];
  y: tf.Tensor|tf.Tensor[];
}

const FN = 'rigl';

export class RigL {
  readonly schedule: RigLSchedule;
  readonly minBlocksPerColumn: number;
  /** Every update that ran, in order. */
  readonly history: SparsityUpdate[] = [];

  constructor(args: RigLArgs) {
    this.schedule = checkRigLSchedule(FN, args);
    this.minBlocksPerColumn = args.minBlocksPerColumn ?? 0;
    checkArgument(Number.isInteger(this.minBlocksPerColumn) && this.minBlocksPerColumn >= 0, FN,
                  'minBlocksPerColumn', 'a non-negative integer', args.minBlocksPerColumn);
  }

  /** Moves blocks of `model`'s block-sparse weights when the schedule says so at `step`; else null. */
  async update(model: tfl.LayersModel, step: number, x: tf.Tensor|tf.Tensor[], y: tf.Tensor|tf.Tensor[]):
      Promise<SparsityUpdate|null> {
    checkArgument(Number.isInteger(step) && step >= 0, FN, 'step', 'a non-negative integer', step);
    const fraction = rigLDropFractionAt(this.schedule, step);
    if (fraction === 0) return null;
    const start = performance.now();
    const weights = sparseWeightsOf(FN, model);
    for (const weight of weights) {
      const layout = weight.layout();
      checkArgument(layout.nnzBlocks >= this.minBlocksPerColumn * layout.blockCols, FN, 'minBlocksPerColumn',
                    `at most ${weight.label}'s ${layout.nnzBlocks} blocks / ${layout.blockCols} block columns`,
                    this.minBlocksPerColumn);
    }
    const gradients = await gradientBlockNorms(FN, model, weights, x, y);
    const update: SparsityUpdate = {step, weights: [], ms: 0};
    for (const [i, weight] of weights.entries()) {
      const layout = weight.layout();
      const before = blockPositions(layout);
      const gridSize = layout.blockRows * layout.blockCols;
      const moved = Math.round(fraction * before.length);
      const norms = await blockNorms(weight.variable.read());
      const weightScores = new Float32Array(gridSize).fill(-Infinity);
      before.forEach((position, index) => weightScores[position] = norms[index]);
      const keep = chooseBlocks(weightScores, {count: before.length - moved, blockCols: layout.blockCols,
                                               minPerColumn: this.minBlocksPerColumn});
      const growScores = Float32Array.from(gradients[i]);
      for (const position of keep) growScores[position] = -Infinity;
      // The per-column minimum may keep more than asked; grow what makes the count equal again.
      const grown = chooseBlocks(growScores, {count: before.length - keep.length, blockCols: layout.blockCols});
      const after = [...keep, ...grown].sort((a, b) => a - b);
      const changed = changedBetween(before, after);
      if (changed > 0) await applyLayout(model.optimizer, weight, layoutOfPositions(layout, after));
      update.weights.push({weight: weight.label, nnzBlocks: after.length, density: after.length / gridSize,
                           changedBlocks: changed});
    }
    update.ms = performance.now() - start;
    this.history.push(update);
    return update;
  }

  /**
   * A `model.fit` callback that counts steps and, when an update is due,
   * asks `nextBatch` for the batch its gradient is taken on (and disposes
   * the batch after, unless `keepBatch`).
   */
  callback(nextBatch: () => Batch | Promise<Batch>, keepBatch = false): tfl.Callback {
    return new RigLCallback(this, nextBatch, keepBatch);
  }
}

class RigLCallback extends tfl.Callback {
  private step = 0;

  constructor(private readonly rigl: RigL, private readonly nextBatch: () => Batch | Promise<Batch>,
              private readonly keepBatch: boolean) {
    super();
  }

  override async onBatchEnd(): Promise<void> {
    this.step += 1;
    if (rigLDropFractionAt(this.rigl.schedule, this.step) === 0) return;
    const batch = await this.nextBatch();
    try {
      await this.rigl.update(this.model, this.step, batch.x, batch.y);
    } finally {
      if (!this.keepBatch) tf.dispose([batch.x, batch.y].flat());
    }
  }
}

/** RigL by blocks: `update` in a custom loop, or `callback(nextBatch)` for `model.fit`. */
export function rigl(args: RigLArgs): RigL {
  return new RigL(args);
}
