/**
 * `npx tfjs-blocksparse build-native`: builds the native kernels from the
 * sources the package ships (src/kernels/tensorflow/native/, with its
 * binding.gyp) using node-gyp, against the libtensorflow that the installed
 * @tensorflow/tfjs-node or -node-gpu carries in its deps/lib. No TensorFlow
 * headers are needed: the sources declare the C API they use.
 */
import {execFileSync} from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import {BUILT_FROM_SOURCE_PATH, NATIVE_SOURCES_PATH} from '../kernels/tensorflow/native_addon';

import {packageRoot} from './package_root';

export interface BuildNativeOptions {
  /** A package name or a directory; default: the tfjs-node or tfjs-node-gpu that resolves. */
  tfjsNode?: string;
}

const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
/** The framework library each platform's libtensorflow has (Windows has only tensorflow.dll). */
const FRAMEWORK_LIBRARY: {[platform: string]: string} = {
  linux: 'libtensorflow_framework.so.2',
  darwin: 'libtensorflow_framework.2.dylib',
  win32: 'tensorflow.lib',
};

function findTfjsNode(option: string|undefined, root: string): string {
  if (option != null && fs.existsSync(path.join(option, 'package.json'))) return path.resolve(option);
  const names = option != null ? [option] : process.env.TFJS_NODE_PACKAGE ? [process.env.TFJS_NODE_PACKAGE] :
                                                                            TFJS_NODE_PACKAGES;
  for (const name of names) {
    try {
      return path.dirname(require.resolve(`${name}/package.json`, {paths: [process.cwd(), root]}));
    } catch {
      // try the next one
    }
  }
  throw new Error(`--tfjs-node should name an installed package or its directory (${
      TFJS_NODE_PACKAGES.join(' or ')}), but ${names.join(', ')} could not be found from ${process.cwd()}. ` +
                  `Install @tensorflow/tfjs-node first.`);
}

/** npm's own node-gyp: npm names it to the scripts it runs; else it lies inside npm. */
function findNodeGyp(): string {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin',
              'node-gyp.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin',
              'node-gyp.js'),
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js', {paths: [process.cwd()]}));
  } catch {
    // not installed in the project
  }
  const found = candidates.find(file => file != null && fs.existsSync(file));
  if (found == null) {
    throw new Error('node-gyp was not found (it comes with npm); install it with: npm install -g node-gyp');
  }
  return found!;
}

/**
 * Node's headers where Node was installed with them (Debian, NodeSource,
 * the official tarballs), so node-gyp need not download them.
 */
function nodeGypHeaderFlags(): string[] {
  if (process.env.npm_config_nodedir) return [];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const headers = ['include/node/node_api.h', 'include/node/common.gypi'];
  return headers.every(file => fs.existsSync(path.join(prefix, file))) ? [`--nodedir=${prefix}`] : [];
}

export function buildNative(options: BuildNativeOptions): string {
  const root = packageRoot();
  const sources = path.join(root, NATIVE_SOURCES_PATH);
  if (!fs.existsSync(path.join(sources, 'binding.gyp'))) {
    throw new Error(`the native sources are missing: no binding.gyp in ${sources}`);
  }
  const tfjsNode = findTfjsNode(options.tfjsNode, root);
  const libDir = path.join(tfjsNode, 'deps', 'lib');
  const framework = FRAMEWORK_LIBRARY[process.platform] ?? FRAMEWORK_LIBRARY.linux;
  if (!fs.existsSync(path.join(libDir, framework))) {
    throw new Error(`${tfjsNode} has no libtensorflow: ${path.join(libDir, framework)} is missing. ` +
                    `Its install script downloads it; run npm rebuild ${path.basename(tfjsNode)}.`);
  }
  const nodeGyp = findNodeGyp();
  console.error(`tfjs-blocksparse: building the native kernels in ${sources}\n  against ${libDir}\n  with ${nodeGyp}`);
  execFileSync(process.execPath,
               [nodeGyp, 'rebuild', '--loglevel=warn', ...nodeGypHeaderFlags(), '--', `-Dtf_lib_dir=${libDir}`],
               {cwd: sources, stdio: 'inherit', env: {JOBS: 'max', ...process.env}});
  const addon = path.join(root, BUILT_FROM_SOURCE_PATH);
  if (!fs.existsSync(addon)) throw new Error(`node-gyp finished but ${addon} is missing`);
  fs.rmSync(path.join(path.dirname(addon), 'obj.target'), {recursive: true, force: true});
  // Loading it registers the ops: a check that it links against this libtensorflow.
  const check = `require(process.argv[1]); const a = require(process.argv[2]);
    console.error('tfjs-blocksparse: built ' + process.argv[2] + ' (' + a.instructionSet + ', ' + a.numThreads +
                  ' threads, ops ' + Object.values(a.ops).join(', ') + (a.registeredOps ? '' :
                  '; another copy registered them') + '); the package loads it before its prebuilt binary.');`;
  execFileSync(process.execPath, ['-e', check, tfjsNode, addon],
               {stdio: 'inherit', env: {TF_CPP_MIN_LOG_LEVEL: '2', ...process.env}});
  return addon;
}
