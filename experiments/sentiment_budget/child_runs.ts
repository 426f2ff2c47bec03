/**
 * Runs of the equal-budget experiment in child processes (`--jobs N`), one
 * process per run, each held to one thread so that N runs share N cores
 * without competing for them: TensorFlow's intra-op and inter-op pools read
 * TF_NUM_INTRAOP_THREADS and TF_NUM_INTEROP_THREADS, the native block-sparse
 * kernels TFJS_BLOCKSPARSE_NUM_THREADS. Each run records its threads and its
 * CPU seconds per second, which shows whether the limits held.
 */
import {fork} from 'child_process';
import * as path from 'path';

import {tensorflowLogFilter} from '../../scripts/lib/tensorflow_log_filter';

import type {BudgetRun, BudgetSettings} from './results';
import {RunRequest, runLabel} from './run';

export const ONE_THREAD_ENVIRONMENT = {
  TF_NUM_INTRAOP_THREADS: '1',
  TF_NUM_INTEROP_THREADS: '1',
  TFJS_BLOCKSPARSE_NUM_THREADS: '1',
} as const;

/** What the parent sends a child (child_run.ts), and what the child answers. */
export interface ChildTask {
  request: RunRequest;
  settings: BudgetSettings;
  verbose: boolean;
}
export type ChildAnswer = {run: BudgetRun}|{error: string};

const CHILD_ENTRY = path.join(__dirname, `child_run${path.extname(__filename)}`);

/** A `train` for runBudgetExperiment that trains each run in a child process held to one thread. */
export function trainInChildProcess(settings: BudgetSettings, verbose: boolean):
    (request: RunRequest) => Promise<BudgetRun> {
  return request => new Promise((resolve, reject) => {
    // The entry is TypeScript when this file is: load it the way this process was.
    const execArgv = CHILD_ENTRY.endsWith('.ts') ? ['-r', require.resolve('ts-node/register/transpile-only')] : [];
    const child = fork(CHILD_ENTRY, [], {
      execArgv, env: {...process.env, ...ONE_THREAD_ENVIRONMENT}, stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      // Structured clone keeps what JSON would lose, like maxBatches: Infinity.
      serialization: 'advanced',
    });
    // libtensorflow logs a few lines while loading, before it reads TF_CPP_MIN_LOG_LEVEL.
    if (verbose) child.stderr!.pipe(process.stderr, {end: false});
    else child.stderr!.pipe(tensorflowLogFilter()).pipe(process.stderr, {end: false});
    let answer: ChildAnswer|undefined;
    child.on('message', message => answer = message as ChildAnswer);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (answer != null && 'run' in answer) resolve(answer.run);
      else if (answer != null) reject(new Error(answer.error));
      else reject(new Error(`the child process training ${runLabel(request)} ended (${
          signal ?? `exit code ${code}`}) without results`));
    });
    const task: ChildTask = {request, settings, verbose};
    child.send(task);
  });
}
