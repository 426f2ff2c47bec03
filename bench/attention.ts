/**
 * `npm run bench:attention -- --backend webgpu`: forward plus backward
 * (tf.grads w.r.t. q, k and v, given a random output gradient) of blockSparseAttention
 * against dense attention written with tfjs ops (matMul, softmax, matMul,
 * with the same causal mask added densely), on one backend in one run
 * (issue 13's targets):
 *
 * - speed and memory at --length (2048), --heads 4, --depth 64,
 *   --block-size 32, --batch 1 on a local + strided layout of density about
 *   --density 1/16 (the exact density is reported): min and median of
 *   interleaved (dense, sparse) pairs and their ratio, target >= 8x; peak
 *   tf.memory().numBytes during one forward + backward (sampled at every
 *   tensor creation, ./peak_memory.ts) and the largest single tensor;
 * - scaling over --lengths 1024,2048,4096,8192: sparse and dense times and
 *   peaks at each length, with each query's span fixed: the local window and
 *   as many strided blocks per row as the --length layout has (the stride
 *   grows with S), so the kept blocks grow as S, not S^2. Dense is
 *   skipped at a length, recorded as 'out of memory', when it throws, or
 *   when the peak extrapolated from the shorter lengths exceeds
 *   --memory-limit-gb (default 3/4 of this machine's memory: the kernel would
 *   kill the process rather than throw); and as 'over time limit' when its
 *   first run takes longer than --time-limit-s (120). Target: at 4096 and
 *   8192 sparse runs where dense is skipped or takes > 30x as long.
 *
 * Prints the load average (at the start and the end) and the tables;
 * writes <out>/attention-<backend>.json, a time-vs-S SVG and a
 * peak-memory-vs-S SVG (log-log). --quick is a seconds-long smoke run (CI).
 *
 * Options: --backend cpu|webgpu|tensorflow|wasm --length 2048 --lengths 1024,2048,4096,8192
 *   --heads 4 --depth 64 --block-size 32 --batch 1 --density 1/16 --window-blocks 1
 *   --non-causal --pairs 5 --scaling-pairs 3 --time-limit-s 120 --memory-limit-gb N
 *   --quick --out bench-results
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

import {flagSpecs, parseFlags, parseNumber, parseNumberList} from '../scripts/lib/command_flags';
import {startCommandBackend} from '../scripts/lib/node_backends';
import * as tfbs from '../src/index';

import {localStridedLayout} from './attention_layout';
import {formatDensity} from './products';
import {peakMemoryOf} from './peak_memory';
import {logLogPlot, Series} from '../scripts/lib/svg_plot';
import {pairRatios, timeInterleavedPairs} from './interleaved_pairs';
import {runMetadata} from '../scripts/lib/run_metadata';
import {median} from './timing';
import {withDeviceErrors} from './webgpu_errors';

// Without a value, a size flag takes the issue's setting, or a tiny one with --quick (CI).
const FLAGS = flagSpecs({
  backend: 'cpu', quick: false, length: null, lengths: null, heads: null, depth: null, 'block-size': null,
  batch: '1', density: '1/16', 'window-blocks': '1', 'non-causal': false, pairs: null, 'scaling-pairs': null,
  'time-limit-s': '120', 'memory-limit-gb': null, out: 'bench-results',
});

const SPEED_TARGET = 8;
const SCALING_TARGET = 30;
const SCALING_TARGET_LENGTHS = [4096, 8192];

interface Settings {
  heads: number;
  depth: number;
  blockSize: number;
  batch: number;
  targetDensity: number;
  windowBlocks: number;
  causal: boolean;
  timeLimitMs: number;
  memoryLimitBytes: number;
}

type Status = 'ok'|'out of memory'|'over time limit';

interface ContenderResult {
  status: Status;
  /** Why it was skipped: the error, or the estimate or time that exceeded a limit. */
  reason?: string;
  firstRunMs?: number;
  samplesMs: number[];
  msMin?: number;
  msMedian?: number;
  /** Peak tf.memory().numBytes above the shared inputs (q, k, v, upstream gradient), constants included. */
  peakBytes?: number;
  largestTensorSize?: number;
  largestTensorShape?: number[];
}

interface LengthResult {
  sequenceLength: number;
  blockSize: number;
  heads: number;
  depth: number;
  batch: number;
  causal: boolean;
  windowBlocks: number;
  strideBlocks: number;
  nnzBlocks: number;
  /** Kept blocks / (S/b)^2. */
  density: number;
  sparse: ContenderResult;
  dense: ContenderResult;
  /** dense ms / sparse ms, per interleaved pair. */
  speedupMin?: number;
  speedupMedian?: number;
}

/** One way to compute attention's gradients w.r.t. q, k and v. */
interface Contender {
  gradients: () => tf.Tensor[];
  /** Bytes of tensors it keeps between calls (dense: the causal mask). */
  constantBytes: number;
  dispose: () => void;
}

const SYNCHRONOUS_BACKENDS = ['tensorflow', 'cpu', 'wasm'];

/** One forward + backward, plus the read-back of the gradients on asynchronous backends, in ms. */
async function timeOnce(gradients: () => tf.Tensor[]): Promise<number> {
  const start = performance.now();
  const grads = gradients();
  if (!SYNCHRONOUS_BACKENDS.includes(tf.getBackend())) await Promise.all(grads.map(g => g.data()));
  const elapsed = performance.now() - start;
  tf.dispose(grads);
  return elapsed;
}

/**
 * The gradients w.r.t. q, k and v of attention(q, k, v) given a fixed random
 * gradient of its output, `upstream` (the dy of tf.grads). Through a scalar
 * loss sum(attention(q, k, v) * upstream) instead, both contenders also ran
 * that loss's multiply, sum and gradient, which builds a ones tensor the size
 * of the output in JavaScript (8 MB at S = 8192): 3-5 ms per call that are
 * not attention.
 */
function attentionGradients(attention: (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor,
                            inputs: tf.Tensor[], upstream: tf.Tensor): () => tf.Tensor[] {
  return () => tf.grads(attention)(inputs, upstream);
}

function sparseContender(layout: tfbs.BlockLayout, causal: boolean, inputs: tf.Tensor[], upstream: tf.Tensor):
    Contender {
  return {
    gradients: attentionGradients((q, k, v) => tfbs.blockSparseAttention(q, k, v, layout, {causal}), inputs, upstream),
    constantBytes: 0,
    dispose: () => layout.dispose(),
  };
}

/** softmax(scale * q . k^T + mask) . v, the mask -1e9 above the diagonal when causal (exp gives exactly 0). */
function denseContender(S: number, depth: number, causal: boolean, inputs: tf.Tensor[], upstream: tf.Tensor):
    Contender {
  const scale = 1 / Math.sqrt(depth);
  const mask = causal ?
      tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([S, S]), -1, 0)), -1e9)) :
      undefined;
  return {
    gradients: attentionGradients((q, k, v) => {
      const scores = tf.mul(tf.matMul(q, k, false, true), scale);
      const probs = tf.softmax(mask ? tf.add(scores, mask) : scores);
      return tf.matMul(probs, v);
    }, inputs, upstream),
    constantBytes: mask ? mask.size * 4 : 0,
    dispose: () => mask?.dispose(),
  };
}

/**
 * The first run (warm-up: shaders, lookup tables; and the time-limit check),
 * then one run under the memory hook, kept out of the timed pairs.
 */
async function firstRuns(contender: Contender, timeLimitMs: number): Promise<ContenderResult> {
  let firstRunMs: number;
  try {
    const {value, deviceError} = await withDeviceErrors(() => timeOnce(contender.gradients));
    if (deviceError != null) return {status: 'out of memory', reason: `WebGPU: ${deviceError}`, samplesMs: []};
    firstRunMs = value;
  } catch (error) {
    return {status: 'out of memory', reason: (error as Error).message.split('\n')[0], samplesMs: []};
  }
  if (firstRunMs > timeLimitMs) {
    return {status: 'over time limit', reason: `first run took ${(firstRunMs / 1000).toFixed(3)} s`,
            firstRunMs, samplesMs: []};
  }
  const memory = await peakMemoryOf(async () => {
    await timeOnce(contender.gradients);
  });
  return {
    status: 'ok', firstRunMs, samplesMs: [], peakBytes: memory.peakBytesAboveStart + contender.constantBytes,
    largestTensorSize: memory.largestTensorSize, largestTensorShape: memory.largestTensorShape,
  };
}

/** Interleaved pairs (interleaved_pairs.ts); only the sparse side when dense was skipped. */
async function timePairs(sparse: Contender, dense: Contender|undefined, pairs: number,
                         sparseResult: ContenderResult, denseResult: ContenderResult): Promise<number[]> {
  const samples = await timeInterleavedPairs(dense && (() => timeOnce(dense.gradients)),
                                             () => timeOnce(sparse.gradients), pairs);
  sparseResult.samplesMs.push(...samples.sparseMs);
  denseResult.samplesMs.push(...samples.denseMs);
  for (const result of [sparseResult, denseResult]) {
    if (result.samplesMs.length === 0) continue;
    result.msMin = Math.min(...result.samplesMs);
    result.msMedian = median(result.samplesMs);
  }
  return dense ? pairRatios(samples.denseMs, samples.sparseMs).ratios : [];
}

/**
 * Dense's peak bytes per score entry (batch * heads * S^2) at the longest
 * length measured so far, to extrapolate to longer ones (shorter lengths
 * overstate it: their [S, d] tensors weigh more against S^2).
 */
const denseCalibration = {sequenceLength: 0, bytesPerScore: 0};

async function measureLength(
    S: number, settings: Settings, pairs: number, givenStride?: number): Promise<LengthResult> {
  const {heads, depth, blockSize, batch, causal} = settings;
  const {layout, strideBlocks} = localStridedLayout({
    sequenceLength: S, blockSize, windowBlocks: settings.windowBlocks, causal, targetDensity: settings.targetDensity,
    strideBlocks: givenStride,
  });
  const shape = [batch, heads, S, depth];
  const inputs = [tf.randomNormal(shape), tf.randomNormal(shape), tf.randomNormal(shape)];
  const upstream = tf.randomNormal(shape);
  const scores = batch * heads * S * S;
  const row: LengthResult = {
    sequenceLength: S, blockSize, heads, depth, batch, causal, windowBlocks: settings.windowBlocks, strideBlocks,
    nnzBlocks: layout.nnzBlocks, density: layout.density,
    sparse: {status: 'ok', samplesMs: []}, dense: {status: 'ok', samplesMs: []},
  };
  const sparse = sparseContender(layout, causal, inputs, upstream);
  // The time limit guards against dense's S^2 only; sparse always runs to the end.
  row.sparse = await firstRuns(sparse, Infinity);
  const estimatedDenseBytes = denseCalibration.bytesPerScore * scores;
  let dense: Contender|undefined;
  if (estimatedDenseBytes > settings.memoryLimitBytes) {
    row.dense = {
      status: 'out of memory', samplesMs: [],
      reason: `not run: peak extrapolated from shorter lengths ${gb(estimatedDenseBytes)} > --memory-limit-gb ${
          gb(settings.memoryLimitBytes)}`,
    };
  } else {
    try {
      dense = denseContender(S, depth, causal, inputs, upstream);  // the [S, S] mask alone may not fit
    } catch (error) {
      row.dense = {status: 'out of memory', reason: (error as Error).message.split('\n')[0], samplesMs: []};
    }
  }
  if (dense) {
    row.dense = await firstRuns(dense, settings.timeLimitMs);
    if (row.dense.peakBytes !== undefined && S >= denseCalibration.sequenceLength) {
      Object.assign(denseCalibration, {sequenceLength: S, bytesPerScore: row.dense.peakBytes / scores});
    }
  }
  if (row.sparse.status === 'ok') {
    const ratios = await timePairs(sparse, row.dense.status === 'ok' ? dense : undefined, pairs, row.sparse, row.dense);
    if (ratios.length > 0) {
      row.speedupMin = Math.min(...ratios);
      row.speedupMedian = median(ratios);
    }
  }
  sparse.dispose();
  dense?.dispose();
  tf.dispose([...inputs, upstream]);
  return row;
}

function gb(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GB` : `${(bytes / 2 ** 20).toFixed(2)} MB`;
}

function mb(bytes: number|undefined): string {
  return bytes === undefined ? '-' : (bytes / 2 ** 20).toFixed(1);
}

function ms(result: ContenderResult, which: 'msMin'|'msMedian'): string {
  const value = result[which];
  return value !== undefined ? value.toFixed(value < 10 ? 2 : 0) : result.status;
}

function speedup(value: number|undefined): string {
  return value === undefined ? '-' : `${value.toFixed(2)}x`;
}

function printSpeedAndMemory(row: LengthResult, pairs: number): void {
  console.log(`\nSpeed and memory: S=${row.sequenceLength}, ${row.heads} heads, d=${row.depth}, b=${row.blockSize}, ` +
              `batch ${row.batch}, ${row.causal ? 'causal' : 'non-causal'}; local window ${row.windowBlocks} + ` +
              `every ${row.strideBlocks}th block: ${row.nnzBlocks} blocks, density ${row.density.toFixed(4)} ` +
              `(${formatDensity(row.density)}); forward + backward, ${pairs} interleaved pairs`);
  // 1 means a tensor as large as the dense score matrix [batch, heads, S, S].
  console.log('| attention | min ms | median ms | peak MB above inputs | largest tensor | largest / (batch heads S^2) |');
  console.log('|---|---|---|---|---|---|');
  const S2 = row.batch * row.heads * row.sequenceLength ** 2;
  for (const [name, result] of [['block-sparse', row.sparse], ['dense', row.dense]] as const) {
    const largest = result.largestTensorShape ? `[${result.largestTensorShape}]` : '-';
    const ofS2 = result.largestTensorSize !== undefined ? (result.largestTensorSize / S2).toFixed(3) : '-';
    console.log(`| ${name} | ${ms(result, 'msMin')} | ${ms(result, 'msMedian')} | ${mb(result.peakBytes)} | ${
        largest} | ${ofS2} |`);
  }
  const memoryRatio = row.sparse.peakBytes && row.dense.peakBytes ? row.dense.peakBytes / row.sparse.peakBytes : undefined;
  console.log(`dense / sparse per pair: min ${speedup(row.speedupMin)}, median ${speedup(row.speedupMedian)} ` +
              `(target >= ${SPEED_TARGET}x); peak memory dense / sparse ${speedup(memoryRatio)}`);
}

function printScaling(rows: LengthResult[]): void {
  console.log('\nScaling: forward + backward, median ms');
  console.log('| S | density | stride | sparse ms | dense ms | dense / sparse | sparse peak MB | dense peak MB |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.sequenceLength} | ${r.density.toFixed(4)} | ${r.strideBlocks} | ${ms(r.sparse, 'msMedian')} | ${
        ms(r.dense, 'msMedian')} | ${speedup(r.speedupMedian)} | ${mb(r.sparse.peakBytes)} | ${mb(r.dense.peakBytes)} |`);
  }
  for (const r of rows) {
    for (const [name, result] of [['sparse', r.sparse], ['dense', r.dense]] as const) {
      if (result.reason) console.log(`  S=${r.sequenceLength} ${name}: ${result.status} (${result.reason})`);
    }
  }
}

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean|null;
}

/** The issue's speed setting; other settings are measured, but the target is not theirs. */
function isIssueSetting(r: LengthResult): boolean {
  return r.sequenceLength === 2048 && r.heads === 4 && r.depth === 64 && r.blockSize === 32 && r.batch === 1 &&
      r.causal && Math.abs(Math.log2(r.density * 16)) < 0.25;
}

function checkTargets(speed: LengthResult, scaling: LengthResult[]): TargetCheck[] {
  const setting = isIssueSetting(speed) ? '' : ' (not the issue\'s setting)';
  const checks: TargetCheck[] = [{
    target: `S=${speed.sequenceLength}: forward + backward >= ${SPEED_TARGET}x faster than dense (median of pairs)${
        setting}`,
    measured: speedup(speed.speedupMedian),
    met: speed.speedupMedian === undefined ? null : speed.speedupMedian >= SPEED_TARGET,
  }];
  for (const S of SCALING_TARGET_LENGTHS) {
    const r = scaling.find(row => row.sequenceLength === S);
    const target = `S=${S}: sparse runs where dense is skipped or takes > ${SCALING_TARGET}x as long`;
    if (!r) {
      checks.push({target, measured: 'not measured', met: null});
    } else if (r.sparse.status !== 'ok') {
      checks.push({target, measured: `sparse ${r.sparse.status}`, met: false});
    } else if (r.dense.status !== 'ok') {
      checks.push({target, measured: `dense ${r.dense.status}`, met: true});
    } else {
      checks.push({target, measured: speedup(r.speedupMedian), met: (r.speedupMedian ?? 0) > SCALING_TARGET});
    }
  }
  return checks;
}

function writeResults(outDir: string, backend: string, record: object, scaling: LengthResult[]): void {
  fs.mkdirSync(outDir, {recursive: true});
  const base = path.join(outDir, `attention-${backend}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(record, null, 2));
  const series = (value: (r: ContenderResult) => number|undefined) => (['sparse', 'dense'] as const).map(side => ({
    label: side === 'sparse' ? 'block-sparse' : 'dense (tfjs ops)',
    points: scaling.filter(r => value(r[side]) !== undefined)
                .map(r => ({x: r.sequenceLength, y: value(r[side])!})),
  }));
  const timeSeries: Series[] = series(r => r.msMedian);
  const memorySeries: Series[] = series(r => r.peakBytes === undefined ? undefined : r.peakBytes / 2 ** 20);
  fs.writeFileSync(`${base}.svg`, logLogPlot(
      `Attention forward + backward on '${backend}' (median)`, 'sequence length S', 'ms', timeSeries));
  fs.writeFileSync(`${base}-memory.svg`, logLogPlot(
      `Attention peak memory on '${backend}'`, 'sequence length S', 'peak MB above inputs', memorySeries));
  console.log(`wrote ${base}.json, ${base}.svg and ${base}-memory.svg`);
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const backend = await startCommandBackend(flags.backend);
  if (backend === undefined) return;  // a child process ran the command (TensorFlow's log lines filtered)
  const quick = flags.quick;
  const length = parseNumber(flags.length ?? (quick ? '128' : '2048'), '--length');
  const lengths = parseNumberList(flags.lengths ?? (quick ? '64,128' : '1024,2048,4096,8192'), '--lengths')
                      .sort((a, b) => a - b);  // shortest first: they calibrate dense's memory estimate
  const settings: Settings = {
    heads: parseNumber(flags.heads ?? (quick ? '2' : '4'), '--heads'),
    depth: parseNumber(flags.depth ?? (quick ? '16' : '64'), '--depth'),
    blockSize: parseNumber(flags['block-size'] ?? (quick ? '8' : '32'), '--block-size'),
    batch: parseNumber(flags.batch, '--batch'),
    targetDensity: parseNumber(flags.density, '--density'),
    windowBlocks: parseNumber(flags['window-blocks'], '--window-blocks'),
    causal: !flags['non-causal'],
    timeLimitMs: parseNumber(flags['time-limit-s'], '--time-limit-s') * 1000,
    memoryLimitBytes: flags['memory-limit-gb'] == null ? 0.75 * os.totalmem() :
                                                         parseNumber(flags['memory-limit-gb'], '--memory-limit-gb') * 2 ** 30,
  };
  const pairs = parseNumber(flags.pairs ?? (quick ? '1' : '5'), '--pairs');
  const scalingPairs = parseNumber(flags['scaling-pairs'] ?? (quick ? '1' : '3'), '--scaling-pairs');
  const metadata = runMetadata(backend);
  const loadAtStart = metadata.loadAverageAtStart;
  const tensorsAtStart = tf.memory().numTensors;
  console.log(`Attention forward + backward on '${backend}', ${os.cpus().length} cores, load average ${
      loadAtStart.toFixed(2)}${loadAtStart >= 1 ? ' (busy: repeat below 1 before quoting)' : ''}`);

  const speed = await measureLength(length, settings, pairs);
  printSpeedAndMemory(speed, pairs);
  const scaling: LengthResult[] = [];
  for (const S of lengths) {
    // The stride scales with S so each row keeps the same number of strided blocks.
    const stride = Math.max(1, Math.round(speed.strideBlocks * S / length));
    scaling.push(await measureLength(S, settings, scalingPairs, stride));
    console.log(`  S=${S} done`);
  }
  printScaling(scaling);

  const targets = checkTargets(speed, scaling);
  console.log('\n| target | measured | verdict |\n|---|---|---|');
  for (const t of targets) console.log(`| ${t.target} | ${t.measured} | ${t.met === null ? '-' : t.met ? 'met' : 'MISSED'} |`);
  const loadAtEnd = os.loadavg()[0];
  console.log(`load average ${loadAtEnd.toFixed(2)} at the end`);
  writeResults(flags.out, backend, {
    metadata, loadAverageAtEnd: loadAtEnd, settings, pairs, scalingPairs, speed, scaling, targets,
  }, scaling);
  const leaked = tf.memory().numTensors - tensorsAtStart;
  if (leaked !== 0) throw new Error(`the benchmark leaked ${leaked} tensors (expected 0).`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
