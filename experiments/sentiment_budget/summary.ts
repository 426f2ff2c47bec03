/**
 * Numbers of the equal-budget report, from the results file: per model the
 * best dev accuracy within the budget over seeds, the training rate and the
 * steps done; the mean dev accuracy curve over seeds; and which side,
 * dense or block-sparse, is ahead.
 */
import type {DevEvaluation} from '../../examples/sentiment/train_model';

import {Budget, BudgetAxis, withinBudgetText} from './budget';
import type {BudgetRun} from './results';

export interface ModelSummary {
  model: string;
  sparse: boolean;
  runs: BudgetRun[];
  /** Over seeds, of each run's best dev accuracy within the budget. */
  bestMean: number;
  /** Sample standard deviation over seeds; 0 with one seed. */
  bestSpread: number;
  finalMean: number;
  tokensPerSecondMean: number;
  stepsMean: number;
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function spread(values: number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, values.length - 1));
}

/** `runs` (all of one model, at least one) summarised. */
export function summarizeModel(runs: BudgetRun[]): ModelSummary {
  const sorted = [...runs].sort((a, b) => a.seed - b.seed);
  const best = sorted.map(r => Math.max(...r.curve.map(p => p.devAccuracy)));
  return {
    model: sorted[0].model, sparse: sorted[0].sparse, runs: sorted,
    bestMean: mean(best), bestSpread: spread(best),
    finalMean: mean(sorted.map(r => r.curve[r.curve.length - 1].devAccuracy)),
    tokensPerSecondMean: mean(sorted.map(r => r.tokens / r.trainSeconds)),
    stepsMean: mean(sorted.map(r => r.steps)),
  };
}

const BY_SECONDS = (p: DevEvaluation) => p.trainSeconds;

/**
 * Dev accuracy of a run at `x` on an axis (by default seconds of training),
 * interpolated linearly between its evaluations.
 */
export function accuracyAt(run: BudgetRun, x: number, of: (p: DevEvaluation) => number = BY_SECONDS): number {
  const curve = run.curve;
  if (x <= of(curve[0])) return curve[0].devAccuracy;
  for (let i = 1; i < curve.length; i++) {
    const [a, b] = [curve[i - 1], curve[i]];
    if (x <= of(b)) {
      const span = of(b) - of(a);
      return span > 0 ? a.devAccuracy + (b.devAccuracy - a.devAccuracy) * (x - of(a)) / span : b.devAccuracy;
    }
  }
  return curve[curve.length - 1].devAccuracy;
}

/**
 * Mean dev accuracy over a model's seeds at common points of the axis
 * (training minutes or steps) up to the budget: each seed evaluates at
 * slightly different points (after the step that crosses each mark), so the
 * seeds are read at the same points before they are averaged.
 */
export function meanCurve(runs: BudgetRun[], axis: BudgetAxis): Array<{x: number, y: number}> {
  const points: number[] = [];
  for (let i = 0; i * axis.every < axis.end * (1 - 1e-9); i++) points.push(i * axis.every);
  points.push(axis.end);
  return points.map(x => ({x, y: mean(runs.map(r => accuracyAt(r, x, axis.of)))}));
}

/** Each side's best model by mean best dev accuracy, and a sentence saying which side wins. */
export function winnerStatement(summaries: ModelSummary[], budget: Budget): string {
  const within = withinBudgetText(budget);
  const bestOf = (sparse: boolean) => summaries.filter(s => s.sparse === sparse)
      .sort((a, b) => b.bestMean - a.bestMean)[0] as ModelSummary|undefined;
  const dense = bestOf(false), sparse = bestOf(true);
  if (dense == null || sparse == null) {
    return `**No winner yet**: no ${dense == null ? 'dense' : 'block-sparse'} run has finished.`;
  }
  const describe = (s: ModelSummary) => `${s.model} (${s.bestMean.toFixed(4)} ± ${s.bestSpread.toFixed(4)}, ${
      s.runs.length} seed${s.runs.length === 1 ? '' : 's'})`;
  const gap = Math.abs(sparse.bestMean - dense.bestMean);
  // Dev accuracies are multiples of 1/872: equal sums of seeds can differ
  // in the last bits, and a gap that prints as 0.0000 is no lead.
  if (gap < 5e-5) {
    return `**A tie**: the best block-sparse model, ${describe(sparse)}, and the best dense model, ${
        describe(dense)}, reach the same mean best dev accuracy ${within}.`;
  }
  const [winner, loser] = sparse.bestMean > dense.bestMean ? [sparse, dense] : [dense, sparse];
  const side = (s: ModelSummary) => s.sparse ? 'block-sparse' : 'dense';
  const clear = Math.min(winner.runs.length, loser.runs.length) < 2 ?
      'with one seed, so there is no spread over seeds to judge the gap by' :
      gap > Math.max(winner.bestSpread, loser.bestSpread) ? 'larger than either model\'s spread over seeds' :
      'within the spread over seeds, so the lead is not clear-cut';
  return `**${side(winner)[0].toUpperCase()}${side(winner).slice(1)} wins**: ${within}, ` +
      `the best ${side(winner)} model, ${describe(winner)}, beats the best ${side(loser)} model, ${describe(loser)}, ` +
      `in best dev accuracy (mean ± sd over seeds) by ${gap.toFixed(4)}, ${clear}.`;
}

/**
 * For each model whose layout was learned (rigl-, pruned-), a sentence
 * comparing it with the same size and density on a fixed layout (sparse-),
 * when both have run; the same rule for a clear lead as winnerStatement.
 */
export function learnedLayoutStatements(summaries: ModelSummary[]): string[] {
  const statements: string[] = [];
  for (const learned of summaries.filter(s => /^(rigl|pruned)-/.test(s.model))) {
    const fixed = summaries.find(s => s.model === learned.model.replace(/^(rigl|pruned)-/, 'sparse-'));
    if (fixed == null) continue;
    const gap = learned.bestMean - fixed.bestMean;
    const spreadOf = Math.max(learned.bestSpread, fixed.bestSpread);
    const verdict = Math.abs(gap) < 5e-5 ? 'ties with' :
        Math.min(learned.runs.length, fixed.runs.length) < 2 ? `${gap > 0 ? 'leads' : 'trails'} (one seed, no spread)` :
        Math.abs(gap) > spreadOf ? `${gap > 0 ? 'beats' : 'loses to'}` :
                                   `${gap > 0 ? 'leads' : 'trails'}, within the spread over seeds,`;
    statements.push(`${learned.model} (${learned.bestMean.toFixed(4)} ± ${learned.bestSpread.toFixed(4)}) ${verdict} ${
        fixed.model} (${fixed.bestMean.toFixed(4)} ± ${fixed.bestSpread.toFixed(4)}) by ${Math.abs(gap).toFixed(4)}; ` +
        `${Math.round(learned.tokensPerSecondMean)} against ${Math.round(fixed.tokensPerSecondMean)} tokens/s.`);
  }
  return statements;
}
