/**
 * What every run of the experiment gets the same of: minutes of training time
 * (`--budget-minutes`, the equal-cost question) or training steps
 * (`--budget-steps`, the equal-data question, where a model that starts dense
 * and is pruned meets one sparse from the start). Dev evaluations come on the
 * same scale: every so many seconds of training time, or every so many steps,
 * so that at equal steps every model is evaluated at the same points. The
 * training limits, the report's wording and its plot's axis follow from it.
 */
import type {DevEvaluation, SentimentTrainOptions} from '../../examples/sentiment/train_model';

import type {BudgetSettings} from './results';

export type Budget = {kind: 'minutes', minutes: number, evaluateEverySeconds: number}|
    {kind: 'steps', steps: number, evaluateEverySteps: number};

type BudgetFields = 'budgetMinutes'|'budgetSteps'|'evaluateEverySeconds'|'evaluateEverySteps';

/** The settings' budget: minutes with evaluations every so many seconds, or steps with evaluations every so many steps. */
export function budgetOf(settings: Pick<BudgetSettings, BudgetFields>): Budget {
  const {budgetMinutes, budgetSteps, evaluateEverySeconds, evaluateEverySteps} = settings;
  if (budgetMinutes != null && budgetSteps == null && evaluateEverySeconds != null && evaluateEverySteps == null) {
    return {kind: 'minutes', minutes: budgetMinutes, evaluateEverySeconds};
  }
  if (budgetSteps != null && budgetMinutes == null && evaluateEverySteps != null && evaluateEverySeconds == null) {
    return {kind: 'steps', steps: budgetSteps, evaluateEverySteps};
  }
  throw new Error(`Budget settings must set budgetMinutes with evaluateEverySeconds, or budgetSteps with ` +
                  `evaluateEverySteps, but got ${JSON.stringify({budgetMinutes, budgetSteps, evaluateEverySeconds,
                    evaluateEverySteps})}.`);
}

/** The options of trainSentimentModel that the budget sets: when to stop, and when to evaluate. */
export function budgetTrainOptions(budget: Budget):
    Pick<SentimentTrainOptions, 'trainingBudgetMinutes'|'trainingSteps'|'evaluateEverySeconds'|'evaluateEverySteps'> {
  return budget.kind === 'minutes' ?
      {trainingBudgetMinutes: budget.minutes, trainingSteps: Infinity, evaluateEverySeconds: budget.evaluateEverySeconds,
        evaluateEverySteps: Infinity} :
      {trainingBudgetMinutes: Infinity, trainingSteps: budget.steps, evaluateEverySeconds: Infinity,
        evaluateEverySteps: budget.evaluateEverySteps};
}

/** '10 min of training time' or '3000 training steps'. */
export function budgetText(budget: Budget): string {
  return budget.kind === 'minutes' ? `${budget.minutes} min of training time` : `${budget.steps} training steps`;
}

/** When the dev set is evaluated, for the report's settings sentence. */
export function evaluationText(budget: Budget): string {
  return budget.kind === 'minutes' ?
      `dev evaluations, every ${budget.evaluateEverySeconds} s of training time, are not counted` :
      `dev evaluations every ${budget.evaluateEverySteps} steps and at each epoch's end`;
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
 * and the spacing of the common points that seeds are read at (the
 * evaluation interval).
 */
export interface BudgetAxis {
  label: string;
  of: (point: DevEvaluation) => number;
  end: number;
  every: number;
}

export function budgetAxis(budget: Budget): BudgetAxis {
  return budget.kind === 'minutes' ?
      {label: 'training minutes', of: p => p.trainSeconds / 60, end: budget.minutes,
        every: budget.evaluateEverySeconds / 60} :
      {label: 'training steps', of: p => p.steps, end: budget.steps, every: budget.evaluateEverySteps};
}
