/**
 * `npm run sentiment:compare`: at equal recurrent parameter count, a dense
 * LSTM against a wider block-sparse LSTM (default dense hidden 362 against
 * sparse hidden 1024 at density 1/8: 4 x 362^2 ~ 4 x 1024^2 / 8), several
 * seeds each, on SST-2; writes a markdown table with dev accuracy (mean and
 * spread), train time and parameters to docs/sentiment-comparison.md.
 *
 * Options: --backend tensorflow --seeds 1,2,3 --epochs 1 --dense-hidden 362
 *   --sparse-hidden 1024 --density 1/8 --block-size 32 --data PATH (and any
 *   'train' option, passed through; --model, --hidden, --seed and --out are
 *   set per run) --verbose
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import {flagSpecs, parseFlags, parseNumber, parseNumberList} from '../../scripts/lib/command_flags';
import {startCommandBackend} from '../../scripts/lib/node_backends';
import {gitCommit} from '../../scripts/lib/run_metadata';

import {TRAIN_FLAGS, trainOptionsFromFlags} from './train_flags';
import {trainSentimentModel, TrainResult} from './train_model';

// Set per run, so the comparison refuses them rather than ignoring them.
const {model: _model, hidden: _hidden, seed: _seed, out: _out, ...PASSED_THROUGH} = TRAIN_FLAGS;
const FLAGS = {
  ...PASSED_THROUGH,
  ...flagSpecs({
    backend: 'tensorflow', verbose: false, seeds: '1,2,3', 'dense-hidden': '362', 'sparse-hidden': '1024',
    epochs: '1', density: '1/8', 'block-size': '32',
  }),
};

interface Row {
  kind: 'dense'|'sparse';
  hidden: number;
  results: TrainResult[];
}

/** min-max of the 1-minute load averages, as the report gives them. */
function loadRange(loads: number[]): string {
  const [low, high] = [Math.min(...loads), Math.max(...loads)].map(l => l.toFixed(2));
  return low === high ? low : `${low}-${high}`;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function spread(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const seeds = parseNumberList(flags.seeds, '--seeds');
  const shared = trainOptionsFromFlags(flags);
  if (await startCommandBackend(flags.backend, {verbose: flags.verbose}) === undefined) return;
  const rows: Row[] = [
    {kind: 'dense', hidden: parseNumber(flags['dense-hidden'], '--dense-hidden'), results: []},
    {kind: 'sparse', hidden: parseNumber(flags['sparse-hidden'], '--sparse-hidden'), results: []},
  ];
  // A run next to other work trains more slowly: the report says how loaded
  // the machine was as each run started (dense and sparse alternate, so both
  // see the same conditions).
  const loadsAtStart: number[] = [];
  for (const seed of seeds) {
    for (const row of rows) {
      loadsAtStart.push(Number(os.loadavg()[0].toFixed(2)));
      console.log(`\n== ${row.kind} LSTM, hidden ${row.hidden}, seed ${seed}`);
      row.results.push(await trainSentimentModel({
        ...shared, sparse: row.kind === 'sparse', hiddenSize: row.hidden, seed,
        outDir: path.join('sentiment-models', 'compare', `${row.kind}-h${row.hidden}-seed${seed}`),
      }));
    }
  }
  const lines = [
    `| model | hidden | recurrent params | all params | dev accuracy (mean ± sd over ${seeds.length} seeds) | per-seed | train time (mean) | tokens/s |`,
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(r => {
      const acc = r.results.map(x => x.devAccuracy);
      return `| ${r.kind === 'dense' ? 'dense LSTM' : `block-sparse LSTM (density ${flags.density}, b=${flags['block-size']})`} | ${r.hidden} | ` +
          `${r.results[0].recurrentParameters.toLocaleString('en-US')} | ${r.results[0].parameters.toLocaleString('en-US')} | ` +
          `${mean(acc).toFixed(4)} ± ${spread(acc).toFixed(4)} | ${acc.map(a => a.toFixed(4)).join(', ')} | ` +
          `${(mean(r.results.map(x => x.trainSeconds)) / 60).toFixed(1)} min | ${Math.round(mean(r.results.map(x => x.tokensPerSecond)))} |`;
    }),
  ];
  const command = `npm run sentiment:compare -- ${process.argv.slice(2).join(' ')}`.trim();
  const rate = (r: Row) => mean(r.results.map(x => x.tokensPerSecond));
  const text = `# Dense against block-sparse LSTM at equal recurrent parameters (SST-2)\n\n` +
      `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)} (commit ${gitCommit()}), ` +
      `dense and sparse runs alternating; 1-minute load average as each run started: ${loadRange(loadsAtStart)} ` +
      `on ${os.cpus().length} cores.\n\n${lines.join('\n')}\n\n` +
      `Sparse tokens/s over dense: ${(rate(rows[1]) / rate(rows[0])).toFixed(2)}x.\n`;
  fs.mkdirSync('docs', {recursive: true});
  fs.writeFileSync('docs/sentiment-comparison.md', text);
  console.log(`\n${text}\nwrote docs/sentiment-comparison.md`);
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
