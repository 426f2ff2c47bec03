/**
 * The child process of child_runs.ts: receives one run, starts the backend,
 * trains the run and sends back its results, then exits.
 */
import {parseNodeBackend, startNodeBackend} from '../../scripts/lib/node_backends';

import type {ChildAnswer, ChildTask} from './child_runs';
import {runBudgetRun} from './run';

function answer(message: ChildAnswer): Promise<void> {
  return new Promise(resolve => process.send!(message, () => resolve()));
}

process.once('message', async (task: ChildTask) => {
  try {
    await startNodeBackend(parseNodeBackend(task.settings.backend, 'the results\' backend'), {verbose: task.verbose});
    const run = await runBudgetRun(task.request, task.settings, line => console.log(line));
    await answer({run});
    process.exit(0);
  } catch (error) {
    await answer({error: (error as Error).message});
    process.exit(1);
  }
});
