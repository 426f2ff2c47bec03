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

const ROOT = path.resolve(__dirname, '..');

interface InstalledRow {
  loadWith: string;
  density: string;
  denseMsMedian: number;
  sparseMsMedian: number;
  speedupMin: number;
  speedupMedian: number;
  efficiency: number;
}

interface InstalledResults {
  metadata: {command: string, commit: string, date: string, cpu: string, cores: number, loadAverageAtStart: number,
             versions: {[name: string]: string}, instructionSet: string, threads: number};
  settings: {m: number, blockSize: number, pairs: number};
  rows: InstalledRow[];
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as T;
}

/** The installed package on tfjs-node (bench/installed.ts). */
function installedTensorflowTable(into: string): string {
  const file = 'docs/bench/installed-tensorflow.json';
  const {metadata, settings, rows} = readJson<InstalledResults>(file);
  const lines = [
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
            metadata.commit}. Data: [${path.basename(file)}](${path.relative(path.dirname(into), file)}).`,
  ];
  return lines.join('\n');
}

/** Each block's files, and what fills it in a given file (links are relative to it). */
const GENERATORS: {[name: string]: {files: string[], generate: (into: string) => string}} = {
  'installed-tensorflow': {files: ['README.md', 'docs/performance.md'], generate: installedTensorflowTable},
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
