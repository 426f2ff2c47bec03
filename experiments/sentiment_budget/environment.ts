/**
 * What a run of the equal-budget experiment records about the machine and
 * the software: load and uptime (a run next to other work trains fewer
 * steps in its budget), thread limits, and versions.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

import {tensorflowPackage} from '../../scripts/lib/node_backends';
import {gitCommit} from '../../scripts/lib/run_metadata';
import {loadNativeAddon} from '../../src/kernels/tensorflow/native_addon';

import type {RunEnvironment} from './results';

const REPO_ROOT = path.resolve(__dirname, '../..');

function uptimeNow(): {seconds: number, loadAverage: number[]} {
  return {seconds: Math.round(os.uptime()), loadAverage: os.loadavg().map(l => Number(l.toFixed(2)))};
}

function threadLimit(name: string): string|null {
  return process.env[name] ?? null;
}

function versions(backend: string): RunEnvironment['versions'] {
  const packageJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const out: RunEnvironment['versions'] = {node: process.version, tfjs: {...tf.version},
    tfjsBlocksparse: packageJson.version, commit: gitCommit()};
  if (backend === 'tensorflow') {
    // Both are loaded already: the backend runs on them.
    out.tfjsNode = require(tensorflowPackage()).version['tfjs-node'];
    out.tensorflow = (tf.backend() as unknown as {binding: {TF_Version: string}}).binding.TF_Version;
  }
  return out;
}

function nativeKernels(backend: string): RunEnvironment['nativeKernels'] {
  if (backend !== 'tensorflow') return undefined;
  const load = loadNativeAddon();
  return load.addon != null ? {instructionSet: load.addon.instructionSet, numThreads: load.addon.numThreads} :
                              {unavailable: load.reason};
}

/** Call at the start of a run; the returned function, at its end, gives the run's environment. */
export function startRecordingEnvironment(): () => RunEnvironment {
  const startedAt = new Date(), uptimeAtStart = uptimeNow();
  const cpuAtStart = process.cpuUsage(), wallAtStart = performance.now();
  return () => {
    const cpu = process.cpuUsage(cpuAtStart), wallSeconds = (performance.now() - wallAtStart) / 1000;
    const backend = tf.getBackend();
    return {
      backend, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
      uptimeAtStart, uptimeAtEnd: uptimeNow(),
      cpus: {count: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown'},
      threadLimits: {TF_NUM_INTRAOP_THREADS: threadLimit('TF_NUM_INTRAOP_THREADS'),
        TF_NUM_INTEROP_THREADS: threadLimit('TF_NUM_INTEROP_THREADS'),
        TFJS_BLOCKSPARSE_NUM_THREADS: threadLimit('TFJS_BLOCKSPARSE_NUM_THREADS')},
      cpuSecondsPerSecond: Number(((cpu.user + cpu.system) / 1e6 / wallSeconds).toFixed(2)),
      nativeKernels: nativeKernels(backend),
      versions: versions(backend),
    };
  };
}
