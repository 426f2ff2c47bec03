/**
 * The equal-budget experiment (experiments/sentiment_budget/) on a budget of a
 * second, tiny models and a tiny generated data set: runs train for the
 * budget of training time with dev evaluations along the way, a finished
 * run is skipped when the experiment runs again, a failed (interrupted) one
 * is redone, other settings are refused, and the report is written to a
 * temporary directory. The training clock, the curve averaging, the winner
 * sentence and the model names are checked on hand-made inputs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {Budget, budgetOf} from '../../experiments/sentiment_budget/budget';
import {requestedRuns, runBudgetExperiment} from '../../experiments/sentiment_budget/experiment';
import {DEFAULT_BUDGET_MODELS, parseBudgetModels} from '../../experiments/sentiment_budget/models';
import {writeBudgetReport} from '../../experiments/sentiment_budget/report';
import {BudgetRun, BudgetSettings, openBudgetResults, readBudgetResults} from '../../experiments/sentiment_budget/results';
import {RunRequest, runBudgetRun} from '../../experiments/sentiment_budget/run';
import {accuracyAt, ModelSummary, winnerStatement} from '../../experiments/sentiment_budget/summary';
import {DevEvaluation, trainSentimentModel} from '../../examples/sentiment/train_model';
import {TrainingClock} from '../../examples/sentiment/training_clock';
import {createRng} from '../../src/layout/random';

const POSITIVE = ['good', 'great', 'lovely', 'witty', 'moving'];
const NEGATIVE = ['bad', 'dull', 'awful', 'boring', 'weak'];
const FILLER = ['a', 'the', 'film', 'plot', 'is', 'was', 'very', 'and'];

/**
 * Sentences of filler words and one or two sentiment words, labelled by them
 * but for one label in five flipped, so that accuracies differ between models.
 */
function writeTinyData(file: string, count: number, seed: number): void {
  const rng = createRng(seed);
  const pick = (words: string[]) => words[rng.int(words.length)];
  const lines = ['sentence\tlabel'];
  for (let i = 0; i < count; i++) {
    const label = rng.int(2);
    const words = Array.from({length: 2 + rng.int(6)}, () => pick(FILLER));
    for (let k = 0; k <= rng.int(2); k++) words.splice(rng.int(words.length + 1), 0, pick(label ? POSITIVE : NEGATIVE));
    lines.push(`${words.join(' ')}\t${rng.next() < 0.2 ? 1 - label : label}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

function point(trainSeconds: number, devAccuracy: number): DevEvaluation {
  return {trainSeconds, steps: trainSeconds, epoch: 1, tokens: trainSeconds * 10, devAccuracy, devLoss: 0.5};
}

function bestOf(run: BudgetRun): number {
  return Math.max(...run.curve.map(p => p.devAccuracy));
}

function meanAndSd(values: number[]): [number, number] {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return [m, Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1))];
}

const TEN_MINUTES: Budget = {kind: 'minutes', minutes: 10, evaluateEverySeconds: 30};

describe('sentiment example: equal-budget experiment', () => {
  let root: string;
  let settings: BudgetSettings;
  let resultsFile: string;
  const models = parseBudgetModels('dense-8,sparse-16-1/2', '--models');
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const trained: string[] = [];
  /** Trains in this process, counting the runs and checking that none leaks tensors. */
  const train = async (request: RunRequest) => {
    trained.push(`${request.model.name} seed ${request.seed}`);
    const before = tf.memory().numTensors;
    const run = await runBudgetRun(request, settings, log);
    expect(tf.memory().numTensors, `tensors left by ${request.model.name}`).to.equal(before);
    return run;
  };

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-budget-'));
    fs.mkdirSync(path.join(root, 'data'));
    writeTinyData(path.join(root, 'data', 'train.tsv'), 300, 11);
    writeTinyData(path.join(root, 'data', 'dev.tsv'), 40, 12);
    resultsFile = path.join(root, 'out', 'results.json');
    settings = {
      backend: 'cpu', budgetMinutes: 0.02, evaluateEverySeconds: 0.3, jobs: 1, data: path.join(root, 'data'),
      training: {blockSize: 8, layoutType: 'balanced', embeddingSize: 8, dropout: 0, batchSize: 16, maxLength: 12,
        maxVocabularySize: 100, minCount: 1, learningRate: 0.01, maxBatches: 5},
    };
  });

  after(() => fs.rmSync(root, {recursive: true, force: true}));

  it('trains each run for the budget, keeps finished runs and redoes a failed one', async function() {
    this.timeout(60000);
    // First pass: the sparse run fails part-way, as an interrupted run would end.
    const first = await runBudgetExperiment({models, seeds: [1], settings, resultsFile, log,
      train: request => request.model.sparse ? Promise.reject(new Error('interrupted')) : train(request)});
    expect(first.failures.map(f => f.request.model.name)).to.deep.equal(['sparse-16-1/2']);
    const afterFirst = readBudgetResults(resultsFile)!;
    expect(afterFirst.runs.map(r => `${r.model} seed ${r.seed}`)).to.deep.equal(['dense-8 seed 1']);

    const run = afterFirst.runs[0];
    const budgetSeconds = settings.budgetMinutes! * 60;
    expect(run.curve[0]).to.include({trainSeconds: 0, steps: 0, epoch: 0});
    for (let i = 1; i < run.curve.length; i++) {
      expect(run.curve[i].trainSeconds).to.be.greaterThan(run.curve[i - 1].trainSeconds);
      expect(run.curve[i].steps).to.be.greaterThan(run.curve[i - 1].steps);
    }
    // Training stops after the step that crosses the budget; one step of these models takes well under a second.
    expect(run.trainSeconds).to.be.at.least(budgetSeconds).and.below(budgetSeconds + 1);
    // An evaluation at least every 0.3 s of training time, plus one at each epoch's end (5 batches).
    expect(run.curve.length).to.be.at.least(Math.floor(budgetSeconds / settings.evaluateEverySeconds!) + 1);
    expect(run.curve.filter(p => p.epoch > 0).map(p => p.epoch)).to.include.members([1, 2]);
    expect(run.steps).to.equal(run.curve[run.curve.length - 1].steps);
    expect(run.tokensPerSecond).to.be.closeTo(run.tokens / run.trainSeconds, 1e-9);
    expect(run.environment).to.include({backend: 'cpu'});

    // Second pass, one more seed: only the failed run and the new seed's runs train.
    trained.length = 0;
    const second = await runBudgetExperiment({models, seeds: [1, 2], settings, resultsFile, log, train});
    expect(second.failures).to.deep.equal([]);
    expect(trained).to.deep.equal(['sparse-16-1/2 seed 1', 'dense-8 seed 2', 'sparse-16-1/2 seed 2']);
    const afterSecond = readBudgetResults(resultsFile)!;
    expect(afterSecond.runs).to.have.length(4);
    expect(afterSecond.runs[0]).to.deep.equal(run);

    // Third pass: everything is in, nothing trains.
    trained.length = 0;
    await runBudgetExperiment({models, seeds: [1, 2], settings, resultsFile, log, train});
    expect(trained).to.deep.equal([]);
  });

  it('refuses to continue a results file made with other settings, naming the difference', () => {
    expect(() => openBudgetResults(resultsFile, {...settings, budgetMinutes: 0.05}))
        .to.throw(/other settings \(budgetMinutes: 0.02 -> 0.05\)/);
    expect(() => openBudgetResults(resultsFile, {...settings, training: {...settings.training, embeddingSize: 9}}))
        .to.throw(/training.embeddingSize: 8 -> 9/);
  });

  it('writes the report to the directory it is given: table, winner, missing runs and the plot', () => {
    const results = readBudgetResults(resultsFile)!;
    const docFile = path.join(root, 'report', 'budget.md'), svgFile = path.join(root, 'out', 'curves.svg');
    writeBudgetReport(results, {requests: requestedRuns(models, [1, 2, 3]), resultsFile, docFile, svgFile,
      command: 'npm run sentiment:budget -- (test)'});
    const text = fs.readFileSync(docFile, 'utf8');
    const means = new Map<string, number>();
    for (const model of models) {
      const runs = results.runs.filter(r => r.model === model.name).sort((a, b) => a.seed - b.seed);
      const [mean, sd] = meanAndSd(runs.map(bestOf));
      means.set(model.name, mean);
      expect(text).to.contain(`| ${model.name} | ${runs[0].recurrentParameters.toLocaleString('en-US')} | 1, 2 | ` +
                              `${mean.toFixed(4)} ± ${sd.toFixed(4)} | ${runs.map(r => bestOf(r).toFixed(4)).join(', ')} |`);
    }
    const [sparseMean, denseMean] = [means.get('sparse-16-1/2')!, means.get('dense-8')!];
    expect(text).to.contain(sparseMean === denseMean ? '**A tie**' :
                            sparseMean > denseMean ? '**Block-sparse wins**' : '**Dense wins**');
    expect(text).to.contain('Runs still missing (2): dense-8 seed 3, sparse-16-1/2 seed 3.');
    expect(text).to.contain('](../out/results.json)').and.contain('](../out/curves.svg)');

    const svg = fs.readFileSync(svgFile, 'utf8');
    expect(svg).to.contain('dense-8 (2 seeds)').and.contain('sparse-16-1/2 (2 seeds)');
    const polylines = [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map(m => m[1].split(' '));
    // One point per 0.3 s of training time from 0 to the budget (1.2 s).
    expect(polylines.map(p => p.length)).to.deep.equal([5, 5]);
  });

  it('does not count time spent evaluating in the training budget', async function() {
    this.timeout(30000);
    // Each evaluation report takes 0.3 s: counted, it would put 0.3 s between evaluations meant 0.1 s apart.
    const curve: DevEvaluation[] = [];
    const started = performance.now();
    await trainSentimentModel({
      ...settings.training, dataPath: settings.data, sparse: false, hiddenSize: 8, density: 1, seed: 3, epochs: Infinity,
      maxBatches: Infinity, trainingBudgetMinutes: 0.01, evaluateEverySeconds: 0.1, save: false,
    }, {log: () => undefined, progress: false, onEvaluation: p => {
      curve.push(p);
      for (const until = performance.now() + 300; performance.now() < until;) { /* a slow evaluation */ }
    }});
    const wallSeconds = (performance.now() - started) / 1000;
    expect(curve.length).to.be.at.least(6);
    expect(wallSeconds).to.be.at.least(0.6 + 0.3 * curve.length);
    expect(curve[curve.length - 1].trainSeconds).to.be.at.least(0.6).and.below(0.9);
    const gaps = curve.slice(1).map((p, i) => p.trainSeconds - curve[i].trainSeconds);
    expect(Math.max(...gaps)).to.be.below(0.25);
  });

  it('stops the training clock while paused work runs', async () => {
    let now = 100;
    const clock = new TrainingClock(() => now);
    clock.start();
    now += 2;
    await clock.paused(async () => now += 30);
    now += 1;
    expect(clock.seconds()).to.equal(0.003);
    clock.stop();
    now += 5;
    expect(clock.seconds()).to.equal(0.003);
    await clock.paused(async () => now += 1);
    expect(clock.seconds(), 'paused() restarts only a running clock').to.equal(0.003);
  });

  it('reads a run\'s accuracy between evaluations by linear interpolation', () => {
    const run = {curve: [point(0, 0.5), point(10, 0.7), point(20, 0.6)]} as BudgetRun;
    expect(accuracyAt(run, 5)).to.be.closeTo(0.6, 1e-12);
    expect(accuracyAt(run, 15)).to.be.closeTo(0.65, 1e-12);
    expect(accuracyAt(run, 10)).to.be.closeTo(0.7, 1e-12);
    expect(accuracyAt(run, 25), 'after the last evaluation').to.equal(0.6);
  });

  it('says which side wins, and whether the gap is within the seeds\' spread', () => {
    const summary = (model: string, sparse: boolean, bestMean: number, bestSpread: number, seeds = 3) =>
        ({model, sparse, bestMean, bestSpread, runs: Array(seeds).fill({})}) as ModelSummary;
    const dense = summary('dense-362', false, 0.8200, 0.0050), weakDense = summary('dense-256', false, 0.8000, 0.001);
    expect(winnerStatement([weakDense, dense, summary('sparse-1024-1/8', true, 0.8300, 0.0040)], TEN_MINUTES)).to.match(
        /^\*\*Block-sparse wins\*\*.*sparse-1024-1\/8 \(0\.8300 ± 0\.0040, 3 seeds\).*dense-362 \(0\.8200 ± 0\.0050, 3 seeds\).* by 0\.0100, larger than/);
    expect(winnerStatement([dense, summary('sparse-2048-1/16', true, 0.8180, 0.0060)], TEN_MINUTES)).to.match(
        /^\*\*Dense wins\*\*.* by 0\.0020, within the spread over seeds/);
    expect(winnerStatement([dense, summary('sparse-1024-1/4', true, 0.9, 0, 1)], TEN_MINUTES)).to.match(
        /^\*\*Block-sparse wins\*\*.*\(0\.9000 ± 0\.0000, 1 seed\).* by 0\.0800, with one seed, so there is no spread/);
    expect(winnerStatement([dense], TEN_MINUTES)).to.equal('**No winner yet**: no block-sparse run has finished.');
  });

  it('trains rigl- and pruned- models, whose recurrent layouts change on the schedule', async function() {
    this.timeout(60000);
    const learning: BudgetSettings = {...settings, layoutLearning: {every: 2, endStep: 4}};
    for (const [name, steps] of [['rigl-16-1/2', [2]], ['pruned-16-1/2', [2, 4]]] as const) {
      const [model] = parseBudgetModels(name, '--models');
      const before = tf.memory().numTensors;
      const run = await runBudgetRun({model, seed: 1}, learning, log);
      expect(tf.memory().numTensors, `tensors left by ${name}`).to.equal(before);
      expect(run.steps, `${name}: steps trained`).to.be.at.least(5);
      expect(run.layoutUpdates!.map(u => u.step), name).to.deep.equal(steps);
      expect(run.layoutUpdates![run.layoutUpdates!.length - 1].density, name).to.equal(0.5);
    }
  });

  it('trains every model the same number of steps with --budget-steps, and reports on that scale', async function() {
    this.timeout(60000);
    const steps: BudgetSettings = {...settings, budgetMinutes: undefined, budgetSteps: 7, evaluateEverySeconds: undefined,
      evaluateEverySteps: 2, layoutLearning: {every: 2, endStep: 4}};
    const stepsModels = parseBudgetModels('pruned-16-1/2,sparse-16-1/2', '--models');
    const stepsFile = path.join(root, 'steps', 'results.json');
    const {failures, results} = await runBudgetExperiment({models: stepsModels, seeds: [1], settings: steps,
      resultsFile: stepsFile, log, train: request => runBudgetRun(request, steps, log)});
    expect(failures).to.deep.equal([]);
    // 7 steps cross an epoch's end (5 batches): the budget counts steps over epochs.
    expect(results.runs.map(r => [r.model, r.steps])).to.deep.equal([['pruned-16-1/2', 7], ['sparse-16-1/2', 7]]);
    expect(results.runs[0].layoutUpdates!.map(u => [u.step, u.density])).to.deep.equal([[2, 0.5625], [4, 0.5]]);
    // Every 2 steps and at the epoch's end (5 batches): the same points for both models, however long their steps take.
    for (const run of results.runs) expect(run.curve.map(p => p.steps), run.model).to.deep.equal([0, 2, 4, 5, 6, 7]);

    const docFile = path.join(root, 'steps', 'report.md'), svgFile = path.join(root, 'steps', 'curves.svg');
    writeBudgetReport(results, {requests: requestedRuns(stepsModels, [1]), resultsFile: stepsFile, docFile, svgFile,
      command: 'npm run sentiment:budget -- (test)'});
    const text = fs.readFileSync(docFile, 'utf8');
    expect(text).to.contain('Every model trains for 7 training steps on `cpu`, one run at a time on all cores ' +
                            '(dev evaluations every 2 steps and at each epoch\'s end)');
    expect(text).to.match(/\nLearned layout: pruned-16-1\/2 \([0-9.]+ ± 0\.0000\) (leads|trails|ties with)/);
    expect(text, 'no dense model was asked for, so no side wins').not.to.contain('wins**');
    expect(text).to.contain('![mean dev accuracy against training steps]');
    const svg = fs.readFileSync(svgFile, 'utf8');
    expect(svg).to.contain('training steps').and.contain('within 7 training steps');
    const polylines = [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map(m => m[1].split(' '));
    expect(polylines.map(p => p.length), 'points at steps 0, 2, 4, 6 and 7').to.deep.equal([5, 5]);

    expect(() => budgetOf({budgetMinutes: 10, budgetSteps: 7, evaluateEverySteps: 2}))
        .to.throw(/budgetMinutes with evaluateEverySeconds, or budgetSteps with evaluateEverySteps/);
    expect(() => budgetOf({budgetSteps: 7, evaluateEverySeconds: 30})).to.throw(/or budgetSteps with evaluateEverySteps/);
    expect(() => openBudgetResults(stepsFile, {...steps, budgetSteps: 8})).to.throw(/budgetSteps: 7 -> 8/);
  });

  it('names models canonically and refuses malformed names', () => {
    expect(parseBudgetModels('all', '--models').map(m => m.name)).to.deep.equal([...DEFAULT_BUDGET_MODELS]);
    expect(parseBudgetModels('sparse-1024-0.125,dense-362,rigl-2048-0.0625,pruned-512-1/4', '--models')).to.deep.equal([
      {name: 'sparse-1024-1/8', sparse: true, hiddenSize: 1024, density: 0.125, learning: 'static'},
      {name: 'dense-362', sparse: false, hiddenSize: 362, density: 1, learning: 'static'},
      {name: 'rigl-2048-1/16', sparse: true, hiddenSize: 2048, density: 0.0625, learning: 'rigl'},
      {name: 'pruned-512-1/4', sparse: true, hiddenSize: 512, density: 0.25, learning: 'prune'},
    ]);
    expect(() => parseBudgetModels('dense-256,lstm-256', '--models')).to.throw(/--models must list models named .* but got 'lstm-256'/);
    expect(() => parseBudgetModels('sparse-1024-2', '--models')).to.throw(/density in \(0, 1\], but got 2/);
    expect(() => parseBudgetModels('sparse-64-1/4,sparse-64-0.25', '--models')).to.throw(/lists sparse-64-1\/4 twice/);
  });
});
