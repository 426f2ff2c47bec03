/**
 * `npm run bench:docs`: runs every benchmark whose results the docs show,
 * one after another, each writing its JSON into docs/bench/<name>/; then
 * `npm run bench:report` rewrites the docs' tables from those files.
 *
 *   npm run bench:docs                        # all of them (about an hour here)
 *   npm run bench:docs -- --only tensorflow-main,lstm-tensorflow
 *   npm run bench:docs -- --list
 *
 * It waits (up to --wait-min minutes) for the one-minute load average to
 * fall below 0.7 before each run (so it is below 1 when the run reads it), as the figures are taken on a quiet machine;
 * do nothing else on the machine while it runs. Each run's own JSON records
 * its command, commit, date, CPU, versions and load (scripts/lib/run_metadata.ts).
 */
import {spawnSync} from 'child_process';
import * as os from 'os';
import * as path from 'path';

import {flagSpecs, parseFlags, parseList} from '../scripts/lib/command_flags';

const ROOT = path.resolve(__dirname, '..');

interface SuiteRun {
  /** Also the folder under docs/bench/ its results go to. */
  name: string;
  file: string;
  args: string[];
  env?: {[name: string]: string};
}

// The tensorflow runs time the prebuilt binary that `npm install` delivers,
// not a build from source: the docs show what users get.
const PREBUILT = {TFJS_BLOCKSPARSE_NATIVE_ADDON: 'prebuilds/linux-x64/tfjs_blocksparse_native.node'};

const MAIN_DENSITIES = ['--densities', '1,1/2,1/4,1/8,1/16,1/32'];
const OTHER_BLOCK_SIZES = ['--m', '2048', '--b', '8,16,64', '--densities', '1/2,1/4,1/8,1/16'];
const LSTM_EQUAL_PARAMS = ['--hidden', '1024', '--dense-hidden', '362', '--batch', '64', '--steps', '30',
  '--input', '128', '--kernel-density', '1', '--label', 'equal-params'];

/** The runs, in the order they go; docs/performance.md says what each shows. */
export const SUITE: SuiteRun[] = [
  {name: 'tensorflow-main', file: 'bench/paired.ts',
   args: ['--backend', 'tensorflow', '--m', '2048', '--b', '32', ...MAIN_DENSITIES, '--pairs', '7', '--baseline'],
   env: PREBUILT},
  {name: 'tensorflow-block-sizes', file: 'bench/paired.ts',
   args: ['--backend', 'tensorflow', ...OTHER_BLOCK_SIZES, '--pairs', '5'], env: PREBUILT},
  {name: 'tensorflow-lstm-shapes', file: 'bench/paired.ts',
   args: ['--backend', 'tensorflow', '--m', '32,64', '--k', '1024', '--n', '4096', '--b', '32', '--densities', '1/8',
     '--pairs', '21'], env: PREBUILT},
  // The same products without the native addon: what a platform without a prebuilt binary gets.
  {name: 'tensorflow-composed', file: 'bench/paired.ts',
   args: ['--backend', 'tensorflow', '--m', '2048', '--b', '32', '--densities', '1,1/8,1/32', '--pairs', '7'],
   env: {TFJS_BLOCKSPARSE_NATIVE_ADDON: '/none'}},
  {name: 'lstm-tensorflow', file: 'bench/lstm_step.ts', args: ['--backend', 'tensorflow', '--pairs', '7'],
   env: PREBUILT},
  {name: 'lstm-tensorflow', file: 'bench/lstm_step.ts', args: ['--backend', 'tensorflow', '--pairs', '9',
     ...LSTM_EQUAL_PARAMS], env: PREBUILT},
  {name: 'sparsity-tensorflow', file: 'bench/sparsity.ts', args: ['--backend', 'tensorflow'], env: PREBUILT},
  {name: 'attention-tensorflow', file: 'bench/attention.ts', args: ['--backend', 'tensorflow', '--scaling-pairs', '7'],
   env: PREBUILT},
  {name: 'webgpu-main', file: 'bench/paired.ts',
   args: ['--backend', 'webgpu', '--m', '2048', '--b', '32', ...MAIN_DENSITIES, '--pairs', '3']},
  {name: 'webgpu-block-sizes', file: 'bench/paired.ts',
   args: ['--backend', 'webgpu', ...OTHER_BLOCK_SIZES, '--products', 'forward', '--pairs', '3']},
  {name: 'webgpu-lstm-shapes', file: 'bench/paired.ts',
   args: ['--backend', 'webgpu', '--m', '32', '--b', '8,16,32,64', '--densities', '1/8', '--products', 'forward',
     '--pairs', '5']},
  {name: 'lstm-webgpu', file: 'bench/lstm_step.ts', args: ['--backend', 'webgpu', '--pairs', '3']},
  {name: 'lstm-webgpu', file: 'bench/lstm_step.ts', args: ['--backend', 'webgpu', '--pairs', '3',
     ...LSTM_EQUAL_PARAMS]},
  {name: 'attention-webgpu', file: 'bench/attention.ts',
   args: ['--backend', 'webgpu', '--lengths', '1024,2048,4096', '--pairs', '3']},
];

const FLAGS = flagSpecs({only: null, list: false, 'wait-min': '20'});

function sleep(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The load average a run waits for: below 1 with room for the run's own
 * start-up (compiling, starting the backend), which raises it before the
 * run reads the load it records.
 */
const QUIET_LOAD = 0.7;

/** Waits for a one-minute load average below QUIET_LOAD; false when it never came. */
function waitForQuiet(minutes: number): boolean {
  const until = Date.now() + minutes * 60_000;
  while (os.loadavg()[0] >= QUIET_LOAD) {
    if (Date.now() > until) return false;
    console.log(`load average ${os.loadavg()[0].toFixed(2)}: waiting for it to fall below ${QUIET_LOAD}`);
    sleep(30_000);
  }
  return true;
}

function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const names = new Set(SUITE.map(run => run.name));
  const only = flags.only === undefined ? names : new Set(parseList(flags.only));
  for (const name of only) {
    if (!names.has(name)) throw new Error(`--only: expected names from ${[...names].join(', ')}, got '${name}'.`);
  }
  const runs = SUITE.filter(run => only.has(run.name));
  if (!flags.list && runs.some(run => run.env === PREBUILT)) {
    // Cached: seconds when the binary is up to date with the sources.
    const built = spawnSync('bash', ['scripts/build-prebuilt.sh'], {cwd: ROOT, stdio: 'inherit'});
    if (built.status !== 0) throw new Error(`scripts/build-prebuilt.sh failed (exit ${built.status}).`);
  }
  for (const run of runs) {
    const command = ['npx', 'ts-node', '--transpile-only', run.file, ...run.args, '--out', `docs/bench/${run.name}`];
    const env = Object.entries(run.env ?? {}).map(([name, value]) => `${name}=${value} `).join('');
    if (flags.list) {
      console.log(`${run.name}: ${env}${command.join(' ')}`);
      continue;
    }
    if (!waitForQuiet(Number(flags['wait-min']))) {
      throw new Error(`The load average stayed at or above ${QUIET_LOAD} for ${flags['wait-min']} minutes; ` +
                      'figures taken now would not be comparable. Run again on a quiet machine.');
    }
    console.log(`\n== ${run.name}: ${env}${command.join(' ')}`);
    const started = Date.now();
    const result = spawnSync(command[0], command.slice(1), {cwd: ROOT, stdio: 'inherit',
      env: {...process.env, ...run.env}});
    if (result.status !== 0) throw new Error(`${run.name} failed (exit ${result.status}).`);
    console.log(`== ${run.name} took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  }
  if (!flags.list) console.log('\nNow: npm run bench:report');
}

main();
