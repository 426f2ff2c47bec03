/**
 * The record every benchmark's JSON carries, so that a figure can be traced
 * to what produced it: the command, the commit, when, on what CPU, at what
 * load, with which versions.
 */
import {execFileSync} from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

import * as tfbs from '../../src/index';

export interface RunMetadata {
  command: string;
  /** `git describe --always --dirty` of the checkout. */
  commit: string;
  date: string;
  cpu: string;
  cores: number;
  /** One-minute load average when the run started (figures are taken below 1). */
  loadAverageAtStart: number;
  backend: string;
  /** Versions of the libraries the run used (tfjs, libtensorflow, Node, ...). */
  versions: {[name: string]: string};
  /** The native kernels' instruction set and threads, where they ran. */
  instructionSet?: string|null;
  threads?: number|null;
}

const ROOT = path.resolve(__dirname, '../..');

/**
 * The checkout's commit, with '-dirty' when tracked files outside
 * docs/bench/ differ from it (a benchmark run writes its results there, so
 * the runs after the first one of `bench:docs` would otherwise all look
 * dirty); a note when there is no git checkout.
 */
export function gitCommit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, {cwd: ROOT, encoding: 'utf8'}).trim();
    const changed = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)docs/bench');
    return git('rev-parse', '--short=12', 'HEAD') + (changed === '' ? '' : '-dirty');
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** As typed: `npm run <script> -- <flags>` when npm ran it, else the ts-node command. */
function commandLine(): string {
  const flags = process.argv.slice(2);
  const file = path.relative(ROOT, process.argv[1]);
  const script = process.env.npm_lifecycle_event;
  // npx sets the variables too, naming itself: only an npm script that runs this file counts.
  if (script && (process.env.npm_lifecycle_script ?? '').includes(file)) {
    return [`npm run ${script}`, ...(flags.length > 0 ? ['--', ...flags] : [])].join(' ');
  }
  return ['npx ts-node', file, ...flags].join(' ');
}

/** Call at the start of a run: it reads the load average then. */
export function startRunMetadata(backend: string): Omit<RunMetadata, 'versions'> {
  return {
    command: commandLine(),
    commit: gitCommit(),
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    loadAverageAtStart: Number(os.loadavg()[0].toFixed(2)),
    backend,
  };
}

/** The libraries of the backend in use, and the native kernels where they run. */
function backendVersions(backend: string): Pick<RunMetadata, 'versions'|'instructionSet'|'threads'> {
  const versions: {[name: string]: string} = {
    tfjsBlocksparse: tfbs.version, tfjs: tf.version.tfjs, node: process.versions.node,
  };
  if (backend === 'tensorflow') {
    versions.libtensorflow = (tf.backend() as unknown as {binding: {TF_Version: string}}).binding.TF_Version;
    const native = tfbs.nativeKernels();
    return {versions, instructionSet: native.instructionSet, threads: native.threads};
  }
  if (backend === 'webgpu') {
    // tfjs keeps the adapter's vendor and architecture in private fields of its AdapterInfo.
    const info = (tf.backend() as unknown as {adapterInfo?: {vendor?: string, architecture?: string}}).adapterInfo;
    versions.webgpuAdapter = [info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'unknown';
  }
  return {versions};
}

/**
 * The whole record, for a benchmark run in this process on `backend`
 * (started already); call it before timing, as it reads the load average.
 */
export function runMetadata(backend: string): RunMetadata {
  return {...startRunMetadata(backend), ...backendVersions(backend)};
}
