/**
 * Loads and starts a tfjs backend in Node: the one way this repo does it.
 * The tests (test/setup/root_hooks.ts), the benchmarks (bench/) and the Node
 * examples (examples/) all call startNodeBackend. It lives in scripts/lib,
 * the tooling shared by the repo's commands, so that none of those folders
 * imports another's and src/ stays library-only (a library leaves the choice
 * and loading of backends to its user).
 *
 *   const name = parseNodeBackend(flags.backend, '--backend');
 *   await startNodeBackend(name, {verbose: flags.verbose});
 *
 * Backends: `tensorflow` (@tensorflow/tfjs-node, or tfjs-node-gpu when
 * TFJS_NODE_PACKAGE says so; loaded from another installed copy of that
 * package when TFJS_NODE_PACKAGE_DIR names one), `webgpu` (Dawn over
 * lavapipe, ./webgpu_node.ts), `wasm` and `cpu`. A backend that silently
 * falls back to another has not been used, so tf.getBackend() is checked
 * after selection.
 */
import * as fs from 'fs';
import * as path from 'path';

import * as tf from '@tensorflow/tfjs-core';

import {rerunWithoutTensorflowLogs} from './tensorflow_log_filter';

export const NODE_BACKENDS = ['cpu', 'webgpu', 'tensorflow', 'wasm'] as const;
export type NodeBackend = typeof NODE_BACKENDS[number];

/** `source` names where the name came from (a flag, a variable) for the error. */
export function parseNodeBackend(name: string, source: string): NodeBackend {
  if (!(NODE_BACKENDS as readonly string[]).includes(name)) {
    throw new Error(`${source} must be one of ${NODE_BACKENDS.join(', ')}, but got '${name}'.`);
  }
  return name as NodeBackend;
}

const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** The package behind 'tensorflow': TFJS_NODE_PACKAGE, default @tensorflow/tfjs-node. */
export function tensorflowPackage(): string {
  const name = process.env.TFJS_NODE_PACKAGE ?? '@tensorflow/tfjs-node';
  if (!TFJS_NODE_PACKAGES.includes(name)) {
    throw new Error(`TFJS_NODE_PACKAGE must be one of ${TFJS_NODE_PACKAGES.join(', ')}, but got '${name}'.`);
  }
  return name;
}

/**
 * TFJS_NODE_PACKAGE_DIR: the absolute path of a directory holding the
 * package tensorflowPackage() names, to load instead of the one installed in
 * node_modules; undefined when unset. Such a copy, staged by
 * scripts/setup-tfjs-node.sh with TFJS_NODE_PREFIX (e.g.
 * scripts/setup-tfjs-node-2.9.sh: tfjs-node 4.22 on libtensorflow 2.9.1),
 * has its own deps/ and binding, and must resolve the project's
 * @tensorflow/tfjs-core (it lies inside the checkout, with no tfjs-core of its own).
 */
export function tensorflowPackageDir(): string|undefined {
  const dir = process.env.TFJS_NODE_PACKAGE_DIR;
  if (dir == null || dir === '') return undefined;
  const name = tensorflowPackage();
  if (!path.isAbsolute(dir)) {
    throw new Error(`TFJS_NODE_PACKAGE_DIR must be the absolute path of a ${name} package directory, but got '${dir}'.`);
  }
  let found: string;
  try {
    found = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name;
  } catch (error) {
    throw new Error(`TFJS_NODE_PACKAGE_DIR must be a ${name} package directory, but ${
        path.join(dir, 'package.json')} could not be read: ${(error as Error).message}`);
  }
  if (found !== name) {
    throw new Error(`TFJS_NODE_PACKAGE_DIR must hold ${name} (as TFJS_NODE_PACKAGE says), but got a directory holding '${
        found}': ${dir}.`);
  }
  return dir;
}

/**
 * Requires the copy of the package `name` in `dir`, and makes it what
 * require(name) returns anywhere in this process: loading the node_modules
 * copy too would load a second binding on another libtensorflow into the
 * process, and register a second `tensorflow` backend.
 */
function requireFromDirectory(name: string, dir: string): void {
  const entry = require.resolve(dir);
  require(entry);
  let installed: string;
  try {
    installed = require.resolve(name);
  } catch {
    return;  // none in node_modules
  }
  if (installed !== entry && require.cache[installed] == null) require.cache[installed] = require.cache[entry];
}

export interface NodeBackendOptions {
  /**
   * Keep TensorFlow's C++ log lines (INFO and WARNING: CPU features, oneDNN)
   * on stderr. Default false: they say nothing about the run. Errors always
   * show, and a TF_CPP_MIN_LOG_LEVEL set by the user wins.
   */
  verbose?: boolean;
}

/**
 * libtensorflow reads TF_CPP_MIN_LOG_LEVEL from the environment of the
 * process, and its first lines are logged while tfjs-node loads, so the
 * variable is set before the require (Node's process.env setter calls
 * setenv(3), which the library sees).
 */
function quietTensorflowLogs(verbose: boolean): void {
  if (!verbose && process.env.TF_CPP_MIN_LOG_LEVEL == null) process.env.TF_CPP_MIN_LOG_LEVEL = '2';
}

function loadTensorflow(options: NodeBackendOptions): void {
  const tfjsNode = tensorflowPackage();
  const dir = tensorflowPackageDir();
  quietTensorflowLogs(options.verbose ?? false);
  try {
    if (dir == null) {
      require(tfjsNode);
    } else {
      requireFromDirectory(tfjsNode, dir);
    }
  } catch (error) {
    const setup = dir == null ? `TFJS_NODE_PACKAGE=${tfjsNode} bash scripts/setup-tfjs-node.sh` :
                                `the setup that staged it (scripts/setup-tfjs-node-2.9.sh for libtensorflow 2.9.1)`;
    throw new Error(`The 'tensorflow' backend needs ${tfjsNode}${
        dir == null ? '' : ` in ${dir}`} built against a libtensorflow; run ${setup}. Loading it failed with: ${
        (error as Error).message}`);
  }
  // A copy that resolved another @tensorflow/tfjs-core registered its backend there, out of reach of this one.
  if (dir != null && tf.findBackendFactory('tensorflow') == null) {
    throw new Error(`TFJS_NODE_PACKAGE_DIR must hold a ${tfjsNode} that uses the project's @tensorflow/tfjs-core, ` +
                    `but ${dir} registered its backend with another one (stage it inside the checkout).`);
  }
}

async function loadBackendPackage(name: NodeBackend, options: NodeBackendOptions): Promise<void> {
  switch (name) {
    case 'cpu':
      require('@tensorflow/tfjs-backend-cpu');
      return;
    case 'wasm':
      require('@tensorflow/tfjs-backend-wasm');
      return;
    case 'webgpu': {
      // Required lazily: it installs navigator.gpu before the backend package loads.
      const {initWebGPUBackendInNode} = require('./webgpu_node') as typeof import('./webgpu_node');
      await initWebGPUBackendInNode();
      return;
    }
    case 'tensorflow':
      loadTensorflow(options);
      return;
  }
}

/** Loads, selects and verifies the backend `name`; throws saying why it could not. */
export async function startNodeBackend(name: NodeBackend, options: NodeBackendOptions = {}): Promise<NodeBackend> {
  await loadBackendPackage(name, options);
  // setBackend resolves to false on failure (it only logs a warning), and
  // getBackend() may still name the backend that failed: check both.
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`Could not start the '${name}' backend (setBackend returned ${ok}, getBackend() is '${
        tf.getBackend()}').`);
  }
  await tf.ready();
  return name;
}

/**
 * A command's `--backend NAME`: checks the name and starts that backend.
 * Resolves to undefined when a child process did the command's work instead:
 * on tensorflow, unless verbose, the command runs again as a child whose
 * stderr drops the log lines libtensorflow prints while loading
 * (./tensorflow_log_filter.ts); this process then only waits, and exits with
 * the child's code.
 */
export async function startCommandBackend(value: string, options: NodeBackendOptions = {}):
    Promise<NodeBackend|undefined> {
  const name = parseNodeBackend(value, '--backend');
  if (name === 'tensorflow' && !options.verbose) {
    const childExitCode = await rerunWithoutTensorflowLogs();
    if (childExitCode !== undefined) {
      process.exitCode = childExitCode;
      return undefined;
    }
  }
  return startNodeBackend(name, options);
}
