/**
 * The resumable loop of the equal-budget experiment: every (model, seed) not
 * yet in the results file is trained, settings.jobs at a time, and written
 * to the file as soon as it finishes. How a run is trained (in this process, or in a
 * child process held to one thread) is the caller's `train`.
 */
import {budgetOf, budgetText} from './budget';
import type {BudgetModel} from './models';
import {BudgetResults, BudgetRun, BudgetSettings, findRun, openBudgetResults, writeBudgetResults} from './results';
import {RunRequest, runLabel} from './run';

export interface BudgetExperiment {
  models: BudgetModel[];
  seeds: number[];
  settings: BudgetSettings;
  resultsFile: string;
  train: (request: RunRequest) => Promise<BudgetRun>;
  log: (line: string) => void;
}

export interface RunFailure {
  request: RunRequest;
  error: Error;
}

/** Seed by seed, so that an experiment stopped half-way has every model at its first seeds. */
export function requestedRuns(models: BudgetModel[], seeds: number[]): RunRequest[] {
  return seeds.flatMap(seed => models.map(model => ({model, seed})));
}

/**
 * Trains the runs missing from the results file and resolves to the results
 * with the runs that failed; a failed run stays missing, to be redone by the
 * next call, and does not stop the others.
 */
export async function runBudgetExperiment(experiment: BudgetExperiment):
    Promise<{results: BudgetResults, failures: RunFailure[]}> {
  const {resultsFile, log, settings: {jobs}} = experiment;
  if (!(Number.isInteger(jobs) && jobs >= 1)) {
    throw new Error(`runBudgetExperiment: 'settings.jobs' must be a positive integer, but got ${jobs}.`);
  }
  const results = openBudgetResults(resultsFile, experiment.settings);
  const requests = requestedRuns(experiment.models, experiment.seeds);
  const pending = requests.filter(r => findRun(results, r.model.name, r.seed) == null);
  log(`${requests.length - pending.length} of ${requests.length} runs already in ${resultsFile}; ` +
      `${pending.length} to train, ${jobs} at a time, ${budgetText(budgetOf(experiment.settings))} each`);
  const failures: RunFailure[] = [];
  const worker = async () => {
    for (let request = pending.shift(); request != null; request = pending.shift()) {
      try {
        const run = await experiment.train(request);
        if (run.model !== request.model.name || run.seed !== request.seed) {
          throw new Error(`asked for ${runLabel(request)}, but got the results of ${run.model} seed ${run.seed}`);
        }
        results.runs.push(run);
        writeBudgetResults(resultsFile, results);
        log(`${runLabel(request)}: best dev accuracy ${run.bestDevAccuracy.toFixed(4)} in ${run.steps} steps; ` +
            `written to ${resultsFile}`);
      } catch (error) {
        failures.push({request, error: error as Error});
        log(`${runLabel(request)} failed: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({length: jobs}, worker));
  return {results, failures};
}
