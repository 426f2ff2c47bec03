/**
 * `npm run bench:report`: rewrites the tables between GENERATED markers in
 * the README and docs from the committed benchmark results (docs/bench/),
 * so a figure never drifts from its data. `--check` only compares, and
 * fails naming each stale block (test/docs/generated.spec.ts runs it).
 *
 * A block is
 *   <!-- BEGIN GENERATED <name> (npm run bench:report) -->
 *   ...
 *   <!-- END GENERATED <name> -->
 * and GENERATORS below says what fills it.
 */
import * as fs from 'fs';
import * as path from 'path';

import {attentionTable, experimentSummary, installedTensorflowTable, lstmTable, pairedTable, sparsityTable, summaryTable} from './report_tables';

const ROOT = path.resolve(__dirname, '..');

const LSTM_FILES = ['docs/bench/lstm-tensorflow/lstm-tensorflow.json',
  'docs/bench/lstm-tensorflow/lstm-tensorflow-equal-params.json', 'docs/bench/lstm-webgpu/lstm-webgpu.json',
  'docs/bench/lstm-webgpu/lstm-webgpu-equal-params.json'];
const ATTENTION_FILES = ['docs/bench/attention-tensorflow/attention-tensorflow.json',
  'docs/bench/attention-webgpu/attention-webgpu.json'];

const PERFORMANCE = 'docs/performance.md';

/** Each block's files, and what fills it in a given file (links are relative to it). */
const GENERATORS: {[name: string]: {files: string[], generate: (into: string) => string}} = {
  'summary': {files: ['README.md'], generate: summaryTable(
      'docs/bench/installed-tensorflow.json', 'docs/bench/webgpu-main/paired-webgpu.json', LSTM_FILES[0],
      LSTM_FILES[2], ATTENTION_FILES)},
  'sentiment-rigl': {files: ['README.md'], generate: experimentSummary('docs/sentiment-rigl.md')},
  'sentiment-pruning': {files: ['README.md'], generate: experimentSummary('docs/sentiment-pruning.md')},
  'sentiment-pruning-6000': {files: ['README.md'], generate: experimentSummary('docs/sentiment-pruning-6000.md')},
  'installed-tensorflow': {files: [PERFORMANCE], generate: installedTensorflowTable},
  'tensorflow-main': {files: [PERFORMANCE], generate: pairedTable('docs/bench/tensorflow-main/paired-tensorflow.json')},
  'tensorflow-block-sizes':
      {files: [PERFORMANCE], generate: pairedTable('docs/bench/tensorflow-block-sizes/paired-tensorflow.json')},
  'tensorflow-lstm-shapes':
      {files: [PERFORMANCE], generate: pairedTable('docs/bench/tensorflow-lstm-shapes/paired-tensorflow.json')},
  'tensorflow-composed':
      {files: [PERFORMANCE], generate: pairedTable('docs/bench/tensorflow-composed/paired-tensorflow.json')},
  'webgpu-main': {files: [PERFORMANCE], generate: pairedTable('docs/bench/webgpu-main/paired-webgpu.json')},
  'webgpu-block-sizes':
      {files: [PERFORMANCE], generate: pairedTable('docs/bench/webgpu-block-sizes/paired-webgpu.json')},
  'webgpu-lstm-shapes':
      {files: [PERFORMANCE], generate: pairedTable('docs/bench/webgpu-lstm-shapes/paired-webgpu.json')},
  'lstm-step': {files: [PERFORMANCE], generate: lstmTable(LSTM_FILES)},
  'attention': {files: [PERFORMANCE], generate: attentionTable(ATTENTION_FILES)},
  'sparsity': {files: [PERFORMANCE], generate: sparsityTable('docs/bench/sparsity-tensorflow/sparsity-tensorflow.json')},
};

/** `text` with every block of `name` refilled; throws when the markers are missing. */
function refill(text: string, file: string, name: string, body: string): string {
  const begin = new RegExp(`<!-- BEGIN GENERATED ${name} \\(npm run bench:report\\) -->\\n`);
  const end = `<!-- END GENERATED ${name} -->`;
  const start = text.search(begin);
  const stop = text.indexOf(end, start);
  if (start < 0 || stop < 0) throw new Error(`${file} has no GENERATED block '${name}'.`);
  const head = text.slice(0, start) + text.slice(start).match(begin)![0];
  return head + body + '\n' + text.slice(stop);
}

/** The files whose blocks differ from what their data give; rewrites them unless `check`. */
export function report(check: boolean): string[] {
  const stale: string[] = [];
  for (const [name, {files, generate}] of Object.entries(GENERATORS)) {
    for (const file of files) {
      const body = generate(file);
      const full = path.join(ROOT, file);
      const text = fs.readFileSync(full, 'utf8');
      const updated = refill(text, file, name, body);
      if (updated === text) continue;
      stale.push(`${file} (${name})`);
      if (!check) fs.writeFileSync(full, updated);
    }
  }
  return stale;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const stale = report(check);
  if (check && stale.length > 0) {
    console.error(`Stale generated blocks: ${stale.join(', ')}. Run: npm run bench:report`);
    process.exit(1);
  }
  console.log(stale.length === 0 ? 'generated blocks are up to date' : `rewrote ${stale.join(', ')}`);
}
