/**
 * One run of the equal-budget experiment in this process, on the backend in
 * use: trainSentimentModel for the budget's training time, the dev set
 * evaluated every few seconds of training time, nothing saved.
 */
import {DEFAULT_LAYOUT_LEARNING} from '../../examples/sentiment/layout_learning';
import {DevEvaluation, trainSentimentModel} from '../../examples/sentiment/train_model';

import {Budget, budgetOf, budgetTrainOptions, progressText} from './budget';
import {startRecordingEnvironment} from './environment';
import type {BudgetModel} from './models';
import type {BudgetRun, BudgetSettings} from './results';

export interface RunRequest {
  model: BudgetModel;
  seed: number;
}

export function runLabel({model, seed}: RunRequest): string {
  return `${model.name} seed ${seed}`;
}

function evaluationLine(point: DevEvaluation, budget: Budget): string {
  return `${progressText(budget, point)}: dev acc ${point.devAccuracy.toFixed(4)}, loss ${point.devLoss.toFixed(4)}, ` +
      `epoch ${point.epoch}`;
}

export async function runBudgetRun(
    request: RunRequest, settings: BudgetSettings, log: (line: string) => void): Promise<BudgetRun> {
  const prefix = `[${runLabel(request)}] `;
  const finishEnvironment = startRecordingEnvironment();
  const wallStart = performance.now();
  const curve: DevEvaluation[] = [];
  const {model, seed} = request;
  const budget = budgetOf(settings);
  const result = await trainSentimentModel({
    ...settings.training, dataPath: settings.data, sparse: model.sparse, hiddenSize: model.hiddenSize,
    density: model.density, seed, epochs: Infinity, ...budgetTrainOptions(budget), save: false,
    layoutLearning: {...DEFAULT_LAYOUT_LEARNING, ...settings.layoutLearning, kind: model.learning},
  }, {
    log: line => log(prefix + line), progress: false,
    onEvaluation: point => {
      curve.push(point);
      log(prefix + evaluationLine(point, budget));
    },
  });
  const last = curve[curve.length - 1];
  return {
    model: model.name, seed, sparse: model.sparse, hiddenSize: model.hiddenSize, density: model.density,
    blockSize: model.sparse ? settings.training.blockSize : undefined, parameters: result.parameters,
    ...(model.learning === 'static' ? {} : {layoutUpdates: result.layoutUpdates.map(({step, weights: [recurrent]}) =>
                                              ({step, density: recurrent.density, changedBlocks: recurrent.changedBlocks}))}),
    recurrentParameters: result.recurrentParameters, curve,
    bestDevAccuracy: Math.max(...curve.map(p => p.devAccuracy)),
    trainSeconds: last.trainSeconds, steps: last.steps, tokens: last.tokens,
    tokensPerSecond: last.tokens / last.trainSeconds,
    wallSeconds: (performance.now() - wallStart) / 1000,
    environment: finishEnvironment(),
  };
}
