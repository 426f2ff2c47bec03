/**
 * `npm run sentiment:budget`: dense against block-sparse LSTMs on SST-2 at an
 * equal training-time budget. Every model trains for the same minutes of
 * training time (dev evaluations, every few seconds of training time, not
 * counted), so the curves give dev accuracy against training time; or, with
 * --budget-steps, for the same number of steps (budget.ts). Each
 * finished run (model and seed) is written to OUT/results.json at once;
 * running the command again skips the runs found there and redoes one that
 * was interrupted. Then (or with --report alone) it writes the report: a
 * markdown page and OUT/dev-accuracy.svg.
 *
 * Options: --backend tensorflow --budget-minutes 10 --evaluate-every 30 (s), or --budget-steps N
 *   --evaluate-every 100 (steps)
 *   --models all (or e.g. dense-362,sparse-1024-1/8) --seeds 1,2,3
 *   --jobs 1 (N > 1: N child processes held to one thread each)
 *   --out docs/bench/sentiment-budget --doc PATH (default
 *   docs/sentiment-budget.md, or OUT/sentiment-budget.md when --out is given)
 *   --report (only write the report) --verbose, and the shared 'train'
 *   options: --data --block-size 32 --layout --embedding 128 --dropout 0.4
 *   --batch-size --max-length --vocab-size --min-count --lr --max-batches
 */
import * as os from 'os';
import * as path from 'path';

import {flagSpecs, FlagValues, parseFlags, parseNumber, parseNumberList} from '../../scripts/lib/command_flags';
import {parseNodeBackend, startCommandBackend} from '../../scripts/lib/node_backends';

import {trainInChildProcess} from './child_runs';
import {requestedRuns, runBudgetExperiment} from './experiment';
import {parseBudgetModels} from './models';
import {writeBudgetReport} from './report';
import {BudgetSettings, readBudgetResults} from './results';
import {runBudgetRun} from './run';
import {defaultDataPath, HOW_TO_GET_SST2} from '../../examples/sentiment/data/node_files';
import {TRAIN_FLAGS, trainOptionsFromFlags} from '../../examples/sentiment/train_flags';
import {DEFAULT_TRAIN_OPTIONS} from '../../examples/sentiment/train_model';

const DEFAULT_OUT = 'docs/bench/sentiment-budget';
const DEFAULT_DOC = 'docs/sentiment-budget.md';

// The model, seed, epochs and time limits are set per run, so they are refused rather than ignored.
const {model: _model, hidden: _hidden, density: _density, seed: _seed, epochs: _epochs, 'time-limit': _timeLimit,
  out: _out, ...SHARED_TRAIN_FLAGS} = TRAIN_FLAGS;
const FLAGS = {
  ...SHARED_TRAIN_FLAGS,
  ...flagSpecs({
    backend: 'tensorflow', 'budget-minutes': null, 'budget-steps': null, 'evaluate-every': null, models: 'all',
    seeds: '1,2,3', jobs: '1',
    out: DEFAULT_OUT, doc: null, report: false, verbose: false, 'block-size': '32', embedding: '128', dropout: '0.4',
  }),
};
type Flags = FlagValues<typeof FLAGS>;

function positiveNumber(text: string, flag: string, integer = false): number {
  const value = parseNumber(text, flag);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new Error(`${flag} must be a positive ${integer ? 'integer' : 'number'}, but got '${text}'.`);
  }
  return value;
}

const DEFAULTS = {budgetMinutes: '10', evaluateEverySeconds: '30', evaluateEverySteps: '100'};

/**
 * Minutes of training time (the default) with evaluations every so many
 * seconds, or steps with evaluations every so many steps (budget.ts).
 */
function budgetFromFlags(flags: Flags):
    Pick<BudgetSettings, 'budgetMinutes'|'budgetSteps'|'evaluateEverySeconds'|'evaluateEverySteps'> {
  const [minutes, steps, every] = [flags['budget-minutes'], flags['budget-steps'], flags['evaluate-every']];
  if (minutes != null && steps != null) {
    throw new Error(`Give --budget-minutes or --budget-steps, not both, but got --budget-minutes ${minutes} and ` +
                    `--budget-steps ${steps}.`);
  }
  return steps != null ?
      {budgetSteps: positiveNumber(steps, '--budget-steps', true),
        evaluateEverySteps: positiveNumber(every ?? DEFAULTS.evaluateEverySteps, '--evaluate-every', true)} :
      {budgetMinutes: positiveNumber(minutes ?? DEFAULTS.budgetMinutes, '--budget-minutes'),
        evaluateEverySeconds: positiveNumber(every ?? DEFAULTS.evaluateEverySeconds, '--evaluate-every')};
}

function settingsFromFlags(flags: Flags): BudgetSettings {
  const options = {...DEFAULT_TRAIN_OPTIONS, ...trainOptionsFromFlags(flags)};
  const {sparse: _s, hiddenSize: _h, density: _d, seed: _r, epochs: _e, timeLimitMinutes: _t, trainingBudgetMinutes: _b,
    trainingSteps: _n, evaluateEverySeconds: _v, evaluateEverySteps: _p, save: _w, outDir: _o, dataPath, layoutLearning,
    ...training} = options;
  const data = dataPath ?? defaultDataPath();
  if (data == null) throw new Error(`No --data given and ../shared/data does not exist. ${HOW_TO_GET_SST2}`);
  return {
    backend: parseNodeBackend(flags.backend, '--backend'),
    ...budgetFromFlags(flags),
    jobs: positiveNumber(flags.jobs, '--jobs', true), data: path.resolve(data), training,
    // Only when asked for, so that results of static layouts keep their settings.
    ...(flags['learn-every'] != null || flags['learn-until'] != null ?
            {layoutLearning: {every: layoutLearning.every, endStep: layoutLearning.endStep}} :
            {}),
  };
}

function seedsFromFlag(text: string): number[] {
  const seeds = parseNumberList(text, '--seeds');
  const bad = seeds.find(s => !Number.isInteger(s));
  if (bad != null) throw new Error(`--seeds must list integers, but got ${bad}.`);
  return seeds;
}

async function main() {
  const argv = process.argv.slice(2);
  const flags = parseFlags(argv, FLAGS);
  const models = parseBudgetModels(flags.models, '--models');
  const seeds = seedsFromFlag(flags.seeds);
  const resultsFile = path.join(flags.out, 'results.json');
  const reportOptions = {
    requests: requestedRuns(models, seeds), resultsFile, svgFile: path.join(flags.out, 'dev-accuracy.svg'),
    docFile: flags.doc ?? (flags.out === DEFAULT_OUT ? DEFAULT_DOC : path.join(flags.out, 'sentiment-budget.md')),
    command: `npm run sentiment:budget -- ${argv.join(' ')}`.trim(),
  };
  if (flags.report) {
    const results = readBudgetResults(resultsFile);
    if (results == null) throw new Error(`No results at ${resultsFile} to report on: run the experiment first.`);
    writeBudgetReport(results, reportOptions);
    console.log(`wrote ${reportOptions.docFile} and ${reportOptions.svgFile}`);
    return;
  }
  const settings = settingsFromFlags(flags);
  const {jobs} = settings;
  if (jobs > os.cpus().length) console.warn(`--jobs ${jobs} is more than the ${os.cpus().length} cores: runs will compete.`);
  // One run at a time trains here with all cores; several train in child processes with one thread each.
  if (jobs === 1 && await startCommandBackend(settings.backend, {verbose: flags.verbose}) === undefined) return;
  const {results, failures} = await runBudgetExperiment({
    models, seeds, settings, resultsFile, log: line => console.log(line),
    train: jobs === 1 ? request => runBudgetRun(request, settings, line => console.log(line)) :
                        trainInChildProcess(settings, flags.verbose),
  });
  writeBudgetReport(results, reportOptions);
  console.log(`wrote ${reportOptions.docFile} and ${reportOptions.svgFile}`);
  if (failures.length > 0) {
    throw new Error(`${failures.length} run(s) failed and stay missing (run the command again to redo them): ${
        failures.map(f => `${f.request.model.name} seed ${f.request.seed}: ${f.error.message}`).join('; ')}`);
  }
}

main().catch(error => {
  console.error(error instanceof Error ? (process.env.DEBUG ? error.stack : error.message) : error);
  process.exit(1);
});
