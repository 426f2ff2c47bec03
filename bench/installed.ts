/**
 * What a user gets from `npm install`: packs this checkout, installs the
 * tarball into a scratch project beside @tensorflow/tfjs-node (its
 * libtensorflow staged from the PyPI wheel, as its download host is
 * unreachable here), and times the installed package there, through
 * `require` and through `import`: the main shape, M = K = N = 2048 at
 * b = 32, block-sparse x . W against dense tf.matMul on the same backend in
 * the same process, in interleaved pairs.
 *
 *   npm run bench:installed -- [--pairs 21] [--densities 1/8,1/32] [--out bench-results]
 *
 * Prints the load average first (figures for the docs are taken below 1),
 * then a table of min and median per-pair speedups; writes
 * installed-tensorflow.json with the run's metadata (scripts/lib/run_metadata.ts).
 */
import * as fs from 'fs';
import * as path from 'path';

import {flagSpecs, parseFlags, parseNumber} from '../scripts/lib/command_flags';
import {createScratchProject, stageTensorflow, TFJS_NODE_VERSION} from '../scripts/lib/scratch_project';

import {startRunMetadata} from '../scripts/lib/run_metadata';
import {median} from './timing';

const FLAGS = flagSpecs({pairs: '21', m: '2048', b: '32', densities: '1/8,1/32', out: 'bench-results'});
const TIMING_SCRIPT = path.join(__dirname, 'installed_timing.cjs');

interface TimedRow {
  density: string;
  nnzBlocks: number;
  denseMs: number[];
  sparseMs: number[];
}

interface TimedRun {
  loadWith: 'require'|'import';
  nativeKernels: {available: boolean, reason: string, instructionSet: string|null, threads: number|null,
                  file: string|null, source: string|null};
  versions: {[name: string]: string};
  rows: TimedRow[];
}

function densityValue(text: string): number {
  const [numerator, denominator] = text.split('/').map(Number);
  return denominator ? numerator / denominator : numerator;
}

function summarize(run: TimedRun, row: TimedRow) {
  const speedups = row.denseMs.map((dense, i) => dense / row.sparseMs[i]);
  const speedupMedian = median(speedups);
  return {
    loadWith: run.loadWith,
    density: row.density,
    nnzBlocks: row.nnzBlocks,
    denseMsMedian: median(row.denseMs),
    sparseMsMedian: median(row.sparseMs),
    speedupMin: Math.min(...speedups),
    speedupMedian,
    efficiency: speedupMedian * densityValue(row.density),
    denseMs: row.denseMs,
    sparseMs: row.sparseMs,
  };
}

function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const pairs = parseNumber(flags.pairs, '--pairs');
  const size = parseNumber(flags.m, '--m');
  const blockSize = parseNumber(flags.b, '--b');
  const densities = flags.densities.split(',');
  densities.forEach(text => {
    if (!(densityValue(text) > 0 && densityValue(text) <= 1)) {
      throw new Error(`--densities must be fractions in (0, 1] such as 1/8, but got '${text}'.`);
    }
  });
  const metadata = startRunMetadata('tensorflow');
  console.log(`Installed package on 'tensorflow', ${metadata.cpu}, ${metadata.cores} cores, load average ${
      metadata.loadAverageAtStart} at the start`);

  const project = createScratchProject('npm install tfjs-blocksparse @tensorflow/tfjs',
                                       [`@tensorflow/tfjs-node@${TFJS_NODE_VERSION}`]);
  try {
    stageTensorflow(project, {tfjsNode: '@tensorflow/tfjs-node', wheel: 'tensorflow-cpu', wheelVersion: '2.21.0'});
    fs.copyFileSync(TIMING_SCRIPT, path.join(project.dir, 'installed_timing.cjs'));
    const runs: TimedRun[] = (['require', 'import'] as const).map(loadWith => {
      const output = project.run('node', ['installed_timing.cjs', loadWith, String(pairs), String(size),
                                          String(blockSize), ...densities]);
      const lines = output.trim().split('\n');
      return JSON.parse(lines[lines.length - 1]) as TimedRun;
    });
    for (const run of runs) {
      if (!run.nativeKernels.available || run.nativeKernels.source !== 'prebuilt') {
        throw new Error(`The installed package should run its prebuilt native kernels through ${
            run.loadWith}, but nativeKernels() says ${JSON.stringify(run.nativeKernels)}.`);
      }
    }
    const rows = runs.flatMap(run => run.rows.map(row => summarize(run, row)));
    console.log(`\nM = K = N = ${size}, b = ${blockSize}, random layout, ${pairs} pairs; ` +
                `native kernels: ${runs[0].nativeKernels.instructionSet}, ${runs[0].nativeKernels.threads} threads\n`);
    console.log('| loaded with | density | dense ms | sparse ms | speedup min | speedup median | efficiency |');
    console.log('|---|---|---|---|---|---|---|');
    for (const row of rows) {
      console.log(`| ${row.loadWith} | ${row.density} | ${row.denseMsMedian.toFixed(2)} | ${
          row.sparseMsMedian.toFixed(2)} | ${row.speedupMin.toFixed(2)}x | ${row.speedupMedian.toFixed(2)}x | ${
          row.efficiency.toFixed(2)} |`);
    }
    fs.mkdirSync(flags.out, {recursive: true});
    const json = path.join(flags.out, 'installed-tensorflow.json');
    const {instructionSet, threads} = runs[0].nativeKernels;
    fs.writeFileSync(json, JSON.stringify({
      metadata: {...metadata, versions: runs[0].versions, instructionSet, threads},
      settings: {m: size, k: size, n: size, blockSize, layout: 'random', pairs, densities},
      tarball: path.basename(project.tarball),
      rows,
    }, null, 2) + '\n');
    console.log(`\nwrote ${json}`);
  } finally {
    project.remove();
  }
}

main();
