/**
 * The results file of the equal-budget experiment: the settings every run
 * shares, then one entry per finished run (model and seed) with its dev
 * accuracy curve and the machine it ran on. It is what makes the experiment
 * resumable: a run is written only once it has finished, so a run found here
 * is skipped and one that was interrupted is simply missing and redone.
 */
import * as fs from 'fs';
import * as path from 'path';

import type {DevEvaluation, SentimentTrainOptions} from '../../examples/sentiment/train_model';

export const BUDGET_RESULTS_FORMAT = 'tfjs-blocksparse-sentiment-budget/1';

/** Training options every run shares; the model, the seed and the time limits are set per run. */
export type SharedTrainOptions = Omit<SentimentTrainOptions,
    'sparse'|'hiddenSize'|'density'|'seed'|'epochs'|'timeLimitMinutes'|'trainingBudgetMinutes'|'trainingSteps'|
    'evaluateEverySeconds'|'evaluateEverySteps'|'save'|'outDir'|'dataPath'|'layoutLearning'>;

export interface BudgetSettings {
  backend: string;
  /**
   * Training time every run gets, evaluations not counted (TrainingClock);
   * or, instead, the training steps every run gets (budget.ts).
   */
  budgetMinutes?: number;
  budgetSteps?: number;
  /** Training seconds between dev evaluations, with budgetMinutes; or steps, with budgetSteps. */
  evaluateEverySeconds?: number;
  evaluateEverySteps?: number;
  /**
   * Runs trained at the same time (--jobs): 1 in one process on all cores,
   * more in child processes of one thread each. A setting, as it decides how
   * much of the machine each run's budget buys.
   */
  jobs: number;
  /** The data directory or file read. */
  data: string;
  training: SharedTrainOptions;
  /**
   * Steps between layout updates and the last step of the rigl- and pruned-
   * models; absent for a results file run with the defaults.
   */
  layoutLearning?: {every: number, endStep: number};
}

export interface RunEnvironment {
  backend: string;
  startedAt: string;
  finishedAt: string;
  /** What `uptime` prints: seconds since boot and the 1, 5 and 15 minute load averages. */
  uptimeAtStart: {seconds: number, loadAverage: number[]};
  uptimeAtEnd: {seconds: number, loadAverage: number[]};
  cpus: {count: number, model: string};
  /** The thread limits in this run's environment; null when unset (the library's default). */
  threadLimits: {TF_NUM_INTRAOP_THREADS: string|null, TF_NUM_INTEROP_THREADS: string|null,
    TFJS_BLOCKSPARSE_NUM_THREADS: string|null};
  /** CPU seconds the process used per second of the run: about 1 when it is held to one thread. */
  cpuSecondsPerSecond: number;
  /** The block-sparse kernels on `tensorflow`: native (instruction set, threads) or why not. */
  nativeKernels?: {instructionSet: string, numThreads: number}|{unavailable: string};
  versions: {node: string, tfjs: Record<string, string>, tfjsNode?: string, tensorflow?: string,
    tfjsBlocksparse: string, commit?: string};
}

export interface BudgetRun {
  model: string;
  seed: number;
  sparse: boolean;
  hiddenSize: number;
  density: number;
  /** Of the block-sparse kernels; absent for dense models. */
  blockSize?: number;
  /** Each update of a learned recurrent layout (rigl-, pruned- models): step, density, changed blocks. */
  layoutUpdates?: Array<{step: number, density: number, changedBlocks: number}>;
  parameters: number;
  recurrentParameters: number;
  /** Dev evaluations against training time, the first one before any training step. */
  curve: DevEvaluation[];
  /** The best dev accuracy of the curve. */
  bestDevAccuracy: number;
  /** Training time, steps and tokens at the end of the run (the curve's last point). */
  trainSeconds: number;
  steps: number;
  tokens: number;
  /** Tokens per second of training time. */
  tokensPerSecond: number;
  /** The run from start to end: data, model, training and evaluations. */
  wallSeconds: number;
  environment: RunEnvironment;
}

export interface BudgetResults {
  format: typeof BUDGET_RESULTS_FORMAT;
  settings: BudgetSettings;
  runs: BudgetRun[];
}

export function findRun(results: BudgetResults, model: string, seed: number): BudgetRun|undefined {
  return results.runs.find(r => r.model === model && r.seed === seed);
}

export function readBudgetResults(file: string): BudgetResults|undefined {
  if (!fs.existsSync(file)) return undefined;
  let results: BudgetResults;
  try {
    results = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not a results file: ${(error as Error).message}.`);
  }
  if (results?.format !== BUDGET_RESULTS_FORMAT || !Array.isArray(results.runs)) {
    throw new Error(`${file}: expected format '${BUDGET_RESULTS_FORMAT}' with a runs array, but got format ${
        JSON.stringify(results?.format)}.`);
  }
  return results;
}

/** JSON with sorted keys, so that settings compare by content; Infinity reads back as null, as JSON has it. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => v != null && typeof v === 'object' && !Array.isArray(v) ?
      Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) : v);
}

/** Settings that differ between two objects, as 'name: old -> new' (nested names joined by dots). */
function differences(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ''): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap(key => {
    const [a, b] = [before[key], after[key]];
    if (a != null && b != null && typeof a === 'object' && typeof b === 'object') {
      return differences(a as Record<string, unknown>, b as Record<string, unknown>, `${prefix}${key}.`);
    }
    const [was, now] = [canonicalJson(a) ?? 'absent', canonicalJson(b) ?? 'absent'];
    return was === now ? [] : [`${prefix}${key}: ${was} -> ${now}`];
  });
}

/**
 * The results in `file` to continue, or new ones. Runs made with other
 * settings are not comparable, so a file with other settings is an error.
 */
export function openBudgetResults(file: string, settings: BudgetSettings): BudgetResults {
  const existing = readBudgetResults(file);
  if (existing == null) return {format: BUDGET_RESULTS_FORMAT, settings, runs: []};
  const changed = differences(JSON.parse(canonicalJson(existing.settings)), JSON.parse(canonicalJson(settings)));
  if (changed.length > 0) {
    throw new Error(`${file} holds runs made with other settings (${changed.join('; ')}): ` +
                    `give the same flags to continue it, or another --out for a new experiment.`);
  }
  return existing;
}

/** Writes through a temporary file and a rename, so an interruption never leaves half a file. */
export function writeBudgetResults(file: string, results: BudgetResults): void {
  fs.mkdirSync(path.dirname(file), {recursive: true});
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(results, null, 1) + '\n');
  fs.renameSync(temporary, file);
}
