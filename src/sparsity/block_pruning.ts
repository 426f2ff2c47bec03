/**
 * Scheduled block pruning: from a dense (or denser) layout down to a target
 * density while the model trains, keeping each block-sparse weight's blocks
 * of largest Frobenius norm, on TensorFlow Model Optimization's schedule
 * (`prune_low_magnitude` with `PolynomialDecay` and a `block_size`). The
 * weight shrinks with its layout, so each step's work falls with the density.
 *
 * ```js
 * const model = tf.sequential({layers: [
 *     tfbs.layers.blockSparseDense({inputShape: [512], units: 512, blockSize: 32, density: 1})]});
 * model.compile({optimizer: 'adam', loss: 'meanSquaredError'});
 * const pruning = tfbs.sparsity.blockPruning({finalDensity: 1 / 16, endStep: 1000, frequency: 50});
 * await model.fit(xs, ys, {epochs: 10, callbacks: [pruning]});
 * model.layers[0].layout.density;   // 0.0625
 * // in a custom loop instead: await pruning.update(model, step) after each step
 * ```
 *
 * A block-sparse LSTM starts dense with `recurrentLayout:
 * tfbs.BlockLayout.dense(units, 4 * units, blockSize)` (and `kernelLayout`).
 * Optimizer state moves with the blocks (see layer_variables.ts).
 */
import * as tfl from '@tensorflow/tfjs-layers';

import {checkArgument} from '../errors';

import {blockPositions, chooseBlocks, layoutOfPositions} from './block_choice';
import {checkPruningSchedule, densityAt, isUpdateStep, PruningSchedule, PruningScheduleArgs} from './schedules';
import {applyLayout, blockNorms, blocksAtDensity, sparseWeightsOf} from './sparse_weights';
import {changedBetween, SparsityUpdate} from './updates';

export interface BlockPruningArgs extends PruningScheduleArgs {
  /**
   * Blocks every block column keeps at least, so that no output unit loses
   * all its inputs; default 0. The final density must leave room for them.
   */
  minBlocksPerColumn?: number;
}

const FN = 'blockPruning';

export class BlockPruning extends tfl.Callback {
  readonly schedule: PruningSchedule;
  readonly minBlocksPerColumn: number;
  /** Every update that ran, in order. */
  readonly history: SparsityUpdate[] = [];
  private step = 0;

  constructor(args: BlockPruningArgs) {
    super();
    this.schedule = checkPruningSchedule(FN, args);
    this.minBlocksPerColumn = args.minBlocksPerColumn ?? 0;
    checkArgument(Number.isInteger(this.minBlocksPerColumn) && this.minBlocksPerColumn >= 0, FN,
                  'minBlocksPerColumn', 'a non-negative integer', args.minBlocksPerColumn);
  }

  /**
   * Prunes `model`'s block-sparse weights to the schedule's density at
   * `step` when the schedule prunes then; returns what it did, or null.
   */
  async update(model: tfl.LayersModel, step: number): Promise<SparsityUpdate|null> {
    checkArgument(Number.isInteger(step) && step >= 0, FN, 'step', 'a non-negative integer', step);
    if (!isUpdateStep(this.schedule, step)) return null;
    const start = performance.now();
    const weights = sparseWeightsOf(FN, model);
    const density = densityAt(this.schedule, step);
    const update: SparsityUpdate = {step, weights: [], ms: 0};
    for (const weight of weights) {
      const layout = weight.layout();
      const finalCount = blocksAtDensity(layout, this.schedule.finalDensity);
      checkArgument(finalCount >= this.minBlocksPerColumn * layout.blockCols, FN, 'finalDensity',
                    `at least ${this.minBlocksPerColumn} block(s) per block column of ${weight.label} (${
                        layout.blockCols} columns of ${layout.blockRows} blocks)`,
                    `${this.schedule.finalDensity} (${finalCount} blocks)`);
      const before = blockPositions(layout);
      const count = Math.min(before.length, blocksAtDensity(layout, density));
      let after = before;
      if (count < before.length) {
        const norms = await blockNorms(weight.variable.read());
        const scores = new Float32Array(layout.blockRows * layout.blockCols).fill(-Infinity);
        before.forEach((position, index) => scores[position] = norms[index]);
        after = chooseBlocks(scores, {count, blockCols: layout.blockCols, minPerColumn: this.minBlocksPerColumn});
        await applyLayout(model.optimizer, weight, layoutOfPositions(layout, after));
      }
      update.weights.push({weight: weight.label, nnzBlocks: after.length,
                           density: after.length / (layout.blockRows * layout.blockCols),
                           changedBlocks: changedBetween(before, after)});
    }
    update.ms = performance.now() - start;
    this.history.push(update);
    return update;
  }

  override async onTrainBegin(): Promise<void> {
    await this.update(this.model, this.step);
  }

  override async onBatchEnd(): Promise<void> {
    this.step += 1;
    await this.update(this.model, this.step);
  }
}

/** Scheduled block pruning as a `model.fit` callback, or for a custom loop (`update`). */
export function blockPruning(args: BlockPruningArgs): BlockPruning {
  return new BlockPruning(args);
}
