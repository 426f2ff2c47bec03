/**
 * The tables `npm run bench:report` writes into the docs, each made from
 * committed results under docs/bench/ alone. Every table ends with a line
 * saying where its figures come from (command, machine, load, date, commit)
 * and links its data file relative to the page it is written into.
 */
import * as fs from 'fs';
import * as path from 'path';

import {formatDensity} from './products';
import {RunMetadata} from '../scripts/lib/run_metadata';

const ROOT = path.resolve(__dirname, '..');

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as T;
}

function link(file: string, into: string): string {
  return `[${path.basename(file)}](${path.relative(path.dirname(into), file)})`;
}

function times(x: number): string {
  return `${x.toFixed(x >= 10 ? 1 : 2)}x`;
}

/** Where a table's figures come from, in one line. */
function provenance(metadata: RunMetadata, file: string, into: string): string {
  const native = metadata.instructionSet ? `, native kernels ${metadata.instructionSet} on ${metadata.threads} threads` :
                                           '';
  const versions = Object.entries(metadata.versions)
                       .filter(([name]) => name !== 'tfjsBlocksparse')
                       .map(([name, version]) => `${name} ${version}`)
                       .join(', ');
  return `\`${metadata.command}\`: ${metadata.cpu}, ${metadata.cores} cores, load ${
      metadata.loadAverageAtStart} at the start; ${versions}${native}; ${metadata.date.slice(0, 10)}, commit ${
      metadata.commit}. Data: ${link(file, into)}.`;
}

/**
 * A table over several results files: each file gives its rows and one
 * note (its settings and provenance), listed under the table.
 */
function tableOfFiles(header: string[], files: string[], into: string,
                      fromFile: (file: string) => {rows: string[], note: string}): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---|').join('')}`];
  const notes: string[] = [];
  for (const file of files) {
    const {rows, note} = fromFile(file);
    lines.push(...rows);
    notes.push(`- ${note}`);
  }
  return [...lines, '', ...notes].join('\n');
}

interface InstalledResults {
  metadata: RunMetadata;
  settings: {m: number, blockSize: number, pairs: number};
  rows: Array<{loadWith: string, density: string, denseMsMedian: number, sparseMsMedian: number,
               speedupMin: number, speedupMedian: number, efficiency: number}>;
}

/** The installed package on tfjs-node (bench/installed.ts). */
export function installedTensorflowTable(into: string): string {
  const file = 'docs/bench/installed-tensorflow.json';
  const {metadata, settings, rows} = readJson<InstalledResults>(file);
  return [
    `| loaded with | density | dense \`tf.matMul\` ms | block-sparse ms | speedup, median (min) of ${
        settings.pairs} pairs | efficiency |`,
    '|---|---|---|---|---|---|',
    ...rows.map(row => `| \`${row.loadWith}\` | ${row.density} | ${row.denseMsMedian.toFixed(1)} | ${
                    row.sparseMsMedian.toFixed(2)} | ${row.speedupMedian.toFixed(1)}x (${row.speedupMin.toFixed(1)}x) | ${
                    row.efficiency.toFixed(2)} |`),
    '',
    `M = K = N = ${settings.m}, b = ${settings.blockSize}, random layout; the package from \`npm pack\` ` +
        `installed beside tfjs-node ${metadata.versions.tfjsNode} on libtensorflow ${
            metadata.versions.libtensorflow}, its prebuilt kernels (${metadata.instructionSet}, ${
            metadata.threads} threads); ${metadata.cpu}, ${metadata.cores} cores, load ${
            metadata.loadAverageAtStart} at the start, ${metadata.date.slice(0, 10)}, commit ${
            metadata.commit}. Data: ${link(file, into)}.`,
  ].join('\n');
}

interface PairedResults {
  metadata: RunMetadata;
  callsPerSample: number;
  rows: Array<{product: string, M: number, K: number, N: number, blockSize: number, density: number,
               denseMsMedian: number, sparseMsMedian: number, speedupMin: number, speedupMedian: number,
               efficiency: number, vsElementSparse?: number}>;
}

const PRODUCT_ORDER = ['forward', 'transposed', 'sampled'];

/**
 * bench/paired.ts's results, one line per (b, M, density): dense tf.matMul's
 * time and each product's speedup over it, median and min of the pairs.
 */
export function pairedTable(file: string) {
  return (into: string): string => {
    const {metadata, rows} = readJson<PairedResults>(file);
    const products = PRODUCT_ORDER.filter(product => rows.some(row => row.product === product));
    const withBaseline = rows.some(row => row.vsElementSparse !== undefined);
    const keys = [...new Set(rows.map(row => `${row.blockSize}|${row.M}|${row.density}`))];
    const lines = [
      `| b | M | density | dense ms | ${products.map(p => `${p}: speedup (min), efficiency`).join(' | ')} |${
          withBaseline ? ' forward vs `SparseTensorDenseMatMul` |' : ''}`,
      `|---|---|---|---|${products.map(() => '---|').join('')}${withBaseline ? '---|' : ''}`,
    ];
    for (const key of keys) {
      const caseRows = rows.filter(row => `${row.blockSize}|${row.M}|${row.density}` === key);
      const first = caseRows[0];
      const cells = products.map(product => {
        const row = caseRows.find(r => r.product === product);
        return row ? `${times(row.speedupMedian)} (${times(row.speedupMin)}), ${row.efficiency.toFixed(2)}` : '';
      });
      const baseline = caseRows.find(row => row.vsElementSparse !== undefined)?.vsElementSparse;
      lines.push(`| ${first.blockSize} | ${first.M} | ${formatDensity(first.density)} | ${
          first.denseMsMedian.toFixed(first.denseMsMedian >= 10 ? 1 : 2)} | ${cells.join(' | ')} |${
          withBaseline ? ` ${baseline === undefined ? '' : `${baseline.toFixed(0)}x faster`} |` : ''}`);
    }
    const {K, N} = rows[0];
    lines.push('', `K = ${K}, N = ${N}; ${provenance(metadata, file, into)}`);
    return lines.join('\n');
  };
}

interface LstmResults {
  metadata: RunMetadata;
  hidden: number; denseHidden: number; density: number; kernelDensity: number; blockSize: number;
  batch: number; steps: number; input: number; pairs: number;
  sparseMinMs: number; sparseMedianMs: number; denseMinMs: number; denseMedianMs: number;
  ratioOfPairsMin: number; ratioOfPairsMedian: number; sparseParams: number; denseParams: number;
}

/** bench/lstm_step.ts's results: one training step, sparse against dense, per file. */
export function lstmTable(files: string[]) {
  return (into: string): string => tableOfFiles(
      ['backend', 'block-sparse LSTM', 'dense `tf.layers.lstm`', 'batch x steps, input', 'sparse ms', 'dense ms',
       'time ratio sparse / dense, median (min)'],
      files, into, file => {
        const r = readJson<LstmResults>(file);
        return {
          rows: [`| \`${r.metadata.backend}\` | ${r.hidden} units, recurrent density ${
              formatDensity(r.density)}, input kernel ${formatDensity(r.kernelDensity)}, b = ${r.blockSize} (${
              r.sparseParams.toLocaleString('en-US')} params) | ${r.denseHidden} units (${
              r.denseParams.toLocaleString('en-US')} params) | ${r.batch} x ${r.steps}, ${r.input} | ${
              r.sparseMedianMs.toFixed(0)} | ${r.denseMedianMs.toFixed(0)} | ${r.ratioOfPairsMedian.toFixed(3)} (${
              r.ratioOfPairsMin.toFixed(3)}) |`],
          note: `${r.pairs} pairs; ${provenance(r.metadata, file, into)}`,
        };
      });
}

interface AttentionSide {
  status: string;
  msMin?: number;
  msMedian?: number;
  peakBytes?: number;
}
interface AttentionLength {
  sequenceLength: number; nnzBlocks: number; density: number; strideBlocks: number;
  sparse: AttentionSide; dense: AttentionSide; speedupMin?: number; speedupMedian?: number;
}
interface AttentionResults {
  metadata: RunMetadata;
  settings: {heads: number, depth: number, blockSize: number, batch: number, causal: boolean, windowBlocks: number};
  pairs: number;
  scalingPairs: number;
  speed: AttentionLength;
  scaling: AttentionLength[];
}

function attentionMs(side: AttentionSide): string {
  return side.status === 'ok' ? side.msMedian!.toFixed(side.msMedian! >= 10 ? 0 : 1) : side.status;
}

function megabytes(side: AttentionSide): string {
  return side.peakBytes === undefined ? '-' : (side.peakBytes / 2 ** 20).toFixed(0);
}

/** bench/attention.ts's results: forward + backward against dense attention in tfjs ops, per length. */
export function attentionTable(files: string[]) {
  return (into: string): string => tableOfFiles(
      ['backend', 'S', 'kept blocks (density)', 'sparse ms', 'dense ms', 'speedup, median (min)',
       'peak MB, sparse / dense', 'pairs'],
      files, into, file => {
        const r = readJson<AttentionResults>(file);
        // The speed run's length is measured again in the scaling runs, with other pairs: the speed run's stands.
        const lengths = [{...r.speed, pairs: r.pairs}, ...r.scaling
          .filter(s => s.sequenceLength !== r.speed.sequenceLength).map(s => ({...s, pairs: r.scalingPairs}))]
          .sort((a, b) => a.sequenceLength - b.sequenceLength);
        const rows = lengths.map(row => {
          const speedup = row.speedupMedian === undefined ? '-' :
                                                            `${times(row.speedupMedian)} (${times(row.speedupMin!)})`;
          return `| \`${r.metadata.backend}\` | ${row.sequenceLength} | ${row.nnzBlocks} (${
              row.density.toFixed(3)}) | ${attentionMs(row.sparse)} | ${attentionMs(row.dense)} | ${speedup} | ${
              megabytes(row.sparse)} / ${megabytes(row.dense)} | ${row.pairs} |`;
        });
        const s = r.settings;
        return {
          rows,
          note: `\`${r.metadata.backend}\`: ${s.heads} heads, d = ${s.depth}, b = ${s.blockSize}, batch ${s.batch}, ${
              s.causal ? 'causal' : 'non-causal'}; ${provenance(r.metadata, file, into)}`,
        };
      });
}

/**
 * The README's summary: per backend, x . W's speedup at 1/8 and 1/32, an
 * LSTM training step's time ratio, attention's speedup; details in docs/performance.md.
 */
export function summaryTable(installedFile: string, webgpuFile: string, lstmTensorflowFile: string,
                             lstmWebgpuFile: string, attentionFiles: string[]) {
  return (into: string): string => {
    const installed = readJson<InstalledResults>(installedFile);
    const webgpu = readJson<PairedResults>(webgpuFile);
    const forwardAt = (density: string) => {
      const tensorflow = installed.rows.find(row => row.loadWith === 'require' && row.density === density)!;
      const gpu = webgpu.rows.find(row => row.product === 'forward' && formatDensity(row.density) === density)!;
      return `| x . W, M = K = N = 2048, b = 32, density ${density}: speedup over \`tf.matMul\` | ${
          times(tensorflow.speedupMedian)} | ${times(gpu.speedupMedian)} |`;
    };
    const lstm = [lstmTensorflowFile, lstmWebgpuFile].map(file => readJson<LstmResults>(file));
    const attention = attentionFiles.map(file => readJson<AttentionResults>(file));
    const a = attention[0].speed;
    return [
      '| measure (median of the pairs) | `tensorflow` (Node) | `webgpu` (lavapipe) |',
      '|---|---|---|',
      forwardAt('1/8'),
      forwardAt('1/32'),
      `| LSTM training step, ${lstm[0].hidden} units, both kernels at ${formatDensity(lstm[0].density)}, ` +
          `against \`tf.layers.lstm\` ${lstm[0].denseHidden}: time ratio | ${
              lstm.map(r => r.ratioOfPairsMedian.toFixed(2)).join(' | ')} |`,
      `| attention forward + backward, S = ${a.sequenceLength}, ${attention[0].settings.heads} heads, d = ${
          attention[0].settings.depth}, density ${a.density.toFixed(3)}: speedup | ${
          attention.map(r => times(r.speed.speedupMedian!)).join(' | ')} |`,
      '',
      `\`tensorflow\`: x . W timed in the installed package (${link(installedFile, into)}), the rest in a ` +
          'checkout on the same prebuilt binary; ' +
          `\`webgpu\` runs on the CPU here, so compare its ratios, not its times. Machine: ${
              installed.metadata.cpu}, ${installed.metadata.cores} cores. Commands, settings, the load of each ` +
          `run, and the full tables: [docs/performance.md](${path.relative(path.dirname(into), PERFORMANCE_DOC)}).`,
    ].join('\n');
  };
}

const PERFORMANCE_DOC = 'docs/performance.md';

interface SparsityResults {
  metadata: RunMetadata;
  settings: {hidden: number, input: number, batch: number, steps: number, blockSize: number, finalDensity: number,
             pruneSteps: number, frequency: number, pairs: number};
  atStart: {sparseMsMedian: number, denseMsMedian: number, ratioMedian: number, ratioMin: number};
  atEnd: {sparseMsMedian: number, denseMsMedian: number, ratioMedian: number, ratioMin: number};
  density: {start: number, end: number};
  pruning: {updates: number, updateMsMedian: number, stepMsMedian: number};
  rigl: {updates: number, updateMsMedian: number, stepMsMedian: number};
}

/** bench/sparsity.ts's results: a training step before and after pruning, and what updates cost. */
export function sparsityTable(file: string) {
  return (into: string): string => {
    const r = readJson<SparsityResults>(file);
    const s = r.settings;
    const row = (when: string, density: number, m: SparsityResults['atStart']) => `| ${when} | ${
        formatDensity(density)} | ${m.sparseMsMedian.toFixed(0)} | ${m.denseMsMedian.toFixed(0)} | ${
        m.ratioMedian.toFixed(3)} (${m.ratioMin.toFixed(3)}) |`;
    const update = (name: string, u: SparsityResults['pruning']) => `| ${name} | ${u.updates} | ${
        u.updateMsMedian.toFixed(0)} | ${u.stepMsMedian.toFixed(0)} | ${(u.updateMsMedian / u.stepMsMedian).toFixed(2)} |`;
    return [
      '| training step | recurrent density | block-sparse LSTM ms | `tf.layers.lstm` ms | time ratio, median (min) |',
      '|---|---|---|---|---|',
      row('before pruning', r.density.start, r.atStart),
      row(`after ${s.pruneSteps} steps of pruning`, r.density.end, r.atEnd),
      '',
      '| update | updates | median ms | median training step ms | update / step |',
      '|---|---|---|---|---|',
      update(`pruning, every ${s.frequency} steps`, r.pruning),
      update('RigL (its gradient probe included)', r.rigl),
      '',
      `${s.hidden} units, b = ${s.blockSize}, batch ${s.batch} x ${s.steps} timesteps, input ${s.input}; ${
          s.pairs} interleaved pairs per step comparison. ${provenance(r.metadata, file, into)}`,
    ].join('\n');
  };
}

/**
 * A few lines on an experiment for the README, taken from the report its
 * harness wrote from its results (experiments/): the verdict sentences and
 * the command, with a link to the whole report.
 */
export function experimentSummary(reportFile: string) {
  return (into: string): string => {
    const lines = fs.readFileSync(path.join(ROOT, reportFile), 'utf8').split('\n');
    const command = /`([^`]+)`/.exec(lines.find(line => line.startsWith('Written by')) ?? '')?.[1];
    if (command == null) throw new Error(`${reportFile} has no 'Written by \`command\`' line.`);
    const verdicts = lines.filter(line => line.startsWith('**') || line.startsWith('Learned layout:'));
    return [...verdicts.flatMap(line => [line, '']),
      `Written by \`${command}\` from its results; the table, the curves and the settings: ${link(reportFile, into)}.`,
    ].join('\n');
  };
}
