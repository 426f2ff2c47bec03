/**
 * What every run of the experiment gets the same of: minutes of training time
 * (`--budget-minutes`, the equal-cost question) or training steps
 * (`--budget-steps`, the equal-data question, where a model that starts dense
 * and is pruned meets one sparse from the start). The report's wording, its
 * plot's axis and the training limits all follow from it.
 */
import type {DevEvaluation} from '../../examples/sentiment/train_model';

import type {BudgetSettings} from './results';

/** The settings' budget: exactly one of minutes or steps is set. */
export type Budget = {kind: 'minutes', minutes: number}|{kind: 'steps', steps: number};

export function budgetOf(settings: Pick<BudgetSettings, 'budgetMinutes'|'budgetSteps'>): Budget {
  const {budgetMinutes, budgetSteps} = settings;
  if ((budgetMinutes == null) === (budgetSteps == null)) {
    throw new Error(`Budget settings must set one of budgetMinutes and budgetSteps, but got ${
        JSON.stringify({budgetMinutes, budgetSteps})}.`);
  }
  return budgetSteps != null ? {kind: 'steps', steps: budgetSteps} : {kind: 'minutes', minutes: budgetMinutes!};
}

/** '10 min of training time' or '3000 training steps'. */
export function budgetText(budget: Budget): string {
  return budget.kind === 'minutes' ? `${budget.minutes} min of training time` : `${budget.steps} training steps`;
}

/** The limits trainSentimentModel takes for the budget. */
export function trainingLimits(budget: Budget): {trainingBudgetMinutes: number, trainingSteps: number} {
  return budget.kind === 'minutes' ? {trainingBudgetMinutes: budget.minutes, trainingSteps: Infinity} :
                                     {trainingBudgetMinutes: Infinity, trainingSteps: budget.steps};
}

/** How the report's sentences end: 'within 10 min of training' or 'within 3000 training steps'. */
export function withinBudgetText(budget: Budget): string {
  return budget.kind === 'minutes' ? `within ${budget.minutes} min of training` : `within ${budget.steps} training steps`;
}

/** How far a run has got, the budget's scale first: '3.50/10 min, 1200 steps' or '1200/3000 steps, 3.50 min'. */
export function progressText(budget: Budget, point: DevEvaluation): string {
  const minutes = (point.trainSeconds / 60).toFixed(2);
  return budget.kind === 'minutes' ? `${minutes}/${budget.minutes} min, ${point.steps} steps` :
                                     `${point.steps}/${budget.steps} steps, ${minutes} min`;
}

/**
 * The plot's x axis: where an evaluation lies on it, where the budget ends,
 * and the spacing of the common points that seeds are read at.
 */
export interface BudgetAxis {
  label: string;
  of: (point: DevEvaluation) => number;
  end: number;
  every: number;
}

/** POINTS_PER_STEP_PLOT common points for a steps budget; one per evaluation interval for minutes. */
const POINTS_PER_STEP_PLOT = 30;

export function budgetAxis(budget: Budget, evaluateEverySeconds: number): BudgetAxis {
  return budget.kind === 'minutes' ?
      {label: 'training minutes', of: p => p.trainSeconds / 60, end: budget.minutes, every: evaluateEverySeconds / 60} :
      {label: 'training steps', of: p => p.steps, end: budget.steps, every: budget.steps / POINTS_PER_STEP_PLOT};
}
