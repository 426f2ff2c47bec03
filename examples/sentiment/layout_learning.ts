/**
 * How the sentiment model's recurrent layout is learned while it trains,
 * shared by the command (train_model.ts) and the page (web/main.ts):
 *
 * - 'static': the seeded layout at the model's density, never changed;
 * - 'rigl': the same start, then RigL moves blocks every `every` steps
 *   (tfbs.sparsity.rigl) until `endStep`;
 * - 'prune': the recurrent kernel starts dense and is pruned to the model's
 *   density by `endStep`, every `every` steps (tfbs.sparsity.blockPruning).
 */
import * as tf from '@tensorflow/tfjs';

import * as tfbs from '../../src/index';

export const LAYOUT_LEARNING = ['static', 'rigl', 'prune'] as const;
export type LayoutLearningKind = typeof LAYOUT_LEARNING[number];

export interface LayoutLearning {
  kind: LayoutLearningKind;
  /** Steps between updates. */
  every: number;
  /** RigL: last step that moves blocks; prune: step that reaches the final density. */
  endStep: number;
}

export const DEFAULT_LAYOUT_LEARNING: LayoutLearning = {kind: 'static', every: 100, endStep: 2000};

/** Calls after each training step; each update that ran is handed to `onUpdate`. */
export interface LayoutLearner {
  afterStep(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<void>;
}

export function checkLayoutLearningKind(kind: string, flag: string): LayoutLearningKind {
  if (!(LAYOUT_LEARNING as readonly string[]).includes(kind)) {
    throw new Error(`${flag} must be one of ${LAYOUT_LEARNING.join(', ')}, but got '${kind}'.`);
  }
  return kind as LayoutLearningKind;
}

/** The learner for `learning` on a model whose sparse kernel ends at `density`; null for 'static'. */
export function layoutLearner(learning: LayoutLearning, density: number,
                              onUpdate: (update: tfbs.sparsity.SparsityUpdate) => void = () => {}): LayoutLearner|null {
  if (learning.kind === 'static') return null;
  let step = 0;
  if (learning.kind === 'rigl') {
    const rigl = tfbs.sparsity.rigl({updateEvery: learning.every, endStep: learning.endStep});
    return {
      async afterStep(model, x, y) {
        const update = await rigl.update(model, ++step, x, y);
        if (update != null) onUpdate(update);
      },
    };
  }
  const pruning = tfbs.sparsity.blockPruning({finalDensity: density, endStep: learning.endStep,
                                              frequency: learning.every});
  return {
    async afterStep(model) {
      const update = await pruning.update(model, ++step);
      if (update != null) onUpdate(update);
    },
  };
}
