/**
 * Finds and loads the native block-sparse kernels: an N-API addon (sources in
 * src/kernels/tensorflow/native/) that registers TensorFlow ops with the
 * libtensorflow that @tensorflow/tfjs-node or -node-gpu already loaded, so it
 * is only ever loaded from a `tensorflow` kernel or `nativeKernels()`.
 *
 * Where it looks, in order:
 *  1. the file named by TFJS_BLOCKSPARSE_NATIVE_ADDON;
 *  2. a build from the package's own sources (`npx tfjs-blocksparse
 *     build-native` in an installed package, scripts/build-native.sh in a
 *     checkout), which wins over the prebuilt binary because the user made it;
 *  3. the prebuilt binary shipped in the package for this platform
 *     (prebuilds/<platform>-<arch>/, built by scripts/build-prebuilt.sh).
 */
import {moduleUrl} from './module_url';
import {nodeRequire} from './node_require';

/**
 * The ops the addon registers, by the key it exports each one's TensorFlow
 * name under (`kNativeOps` in native/addon.cc, the one list of them): the
 * products, the fused LSTM step and its backward (three outputs each), the
 * attention ops (one output each) and attention fused per block row with its
 * backward (two and three outputs).
 */
export type NativeOpKey = 'matMul'|'sampledMatMul'|'lstmStep'|'lstmStepBackward'|'sdd'|'softmax'|'softmaxBackward'|
    'dsd'|'attention'|'attentionBackward';

/** What the addon exports (native/addon.cc). */
export interface NativeAddon {
  /** TensorFlow op names, to run through `backend.executeSingleOutput` or `executeMultipleOutputs`. */
  ops: Record<NativeOpKey, string>;
  /** 'avx512', 'avx2-fma' or 'portable': the micro-kernel build picked for this CPU. */
  instructionSet: string;
  numThreads: number;
  /** Version of the ops' signatures; copies with equal versions share one registration. */
  opAbiVersion: number;
  /** False when another copy of the addon in this process had registered the ops first. */
  registeredOps: boolean;
}

/** Where a loaded addon came from. */
export type AddonSource = 'environment'|'built from source'|'prebuilt';

export type AddonLoad = {addon: NativeAddon, file: string, source: AddonSource}|
                        {addon: null, reason: string, buildCommand: string};

export const ADDON_FILE_NAME = 'tfjs_blocksparse_native.node';
/** Relative to the package root: the addon's sources and binding.gyp, shipped in the package. */
export const NATIVE_SOURCES_PATH = 'src/kernels/tensorflow/native';
/** node-gyp's output beside them. */
export const BUILT_FROM_SOURCE_PATH = `${NATIVE_SOURCES_PATH}/build/Release/${ADDON_FILE_NAME}`;
/** Overrides the search, e.g. for an addon built elsewhere. */
export const ADDON_ENV = 'TFJS_BLOCKSPARSE_NATIVE_ADDON';

/** The command that builds the addon in an installed package. */
export const BUILD_NATIVE_COMMAND = 'npx tfjs-blocksparse build-native';
/** The same in a checkout of the repository, which also caches the build. */
const CHECKOUT_BUILD_COMMAND = 'bash scripts/build-native.sh';

const PACKAGE_NAME = 'tfjs-blocksparse';

/** Relative to the package root, for this platform, e.g. prebuilds/linux-x64/... */
export function prebuiltPath(platform: string, arch: string): string {
  return `prebuilds/${platform}-${arch}/${ADDON_FILE_NAME}`;
}

let loaded: AddonLoad|undefined;

/** Loads the addon once per module instance; later calls return the same result. */
export function loadNativeAddon(): AddonLoad {
  if (loaded === undefined) loaded = tryLoad();
  return loaded;
}

function tryLoad(): AddonLoad {
  // Not named `require`, so that bundlers see no module to resolve.
  const load = nodeRequire();
  if (load === undefined) {
    return {
      addon: null,
      reason: 'this ES module cannot load native addons on Node older than 20.16 ' +
          '(no process.getBuiltinModule); require() the package or update Node',
      buildCommand: BUILD_NATIVE_COMMAND,
    };
  }
  const fs = load('fs') as typeof import('fs');
  const path = load('path') as typeof import('path');
  const root = packageRoot(load, fs, path);
  const buildCommand = root != null && fs.existsSync(path.join(root, 'scripts', 'build-native.sh')) ?
      CHECKOUT_BUILD_COMMAND :
      BUILD_NATIVE_COMMAND;
  const candidates: Array<{file: string, source: AddonSource}> = [];
  const fromEnvironment = process.env[ADDON_ENV];
  if (fromEnvironment) {
    candidates.push({file: path.resolve(fromEnvironment), source: 'environment'});
  } else if (root != null) {
    candidates.push({file: path.join(root, BUILT_FROM_SOURCE_PATH), source: 'built from source'});
    candidates.push({file: path.join(root, prebuiltPath(process.platform, process.arch)), source: 'prebuilt'});
  }
  const found = candidates.find(candidate => fs.existsSync(candidate.file));
  if (found == null) {
    const where = candidates.map(candidate => candidate.file).join(', ') || 'nowhere: the package root was not found';
    return {
      addon: null,
      reason: `no native kernels for ${process.platform}-${process.arch} (looked for ${where})`,
      buildCommand,
    };
  }
  try {
    const addon = load(found.file) as NativeAddon;
    if (typeof addon.ops !== 'object' || addon.ops === null) {
      // A build of older sources (before the op table): its ops' names are unknown here.
      return {addon: null, reason: `${found.file} has no op table: it was built from other sources; rebuild it`,
              buildCommand};
    }
    return {addon, ...found};
  } catch (error) {
    return {addon: null, reason: `loading ${found.file} failed: ${(error as Error).message}`, buildCommand};
  }
}

/** The nearest ancestor of this module whose package.json names this package. */
function packageRoot(load: NodeRequire, fs: typeof import('fs'), path: typeof import('path')): string|null {
  const url = load('url') as typeof import('url');
  const location = moduleUrl()!;
  return packageRootAbove(path.dirname(location.startsWith('file:') ? url.fileURLToPath(location) : location), fs,
                          path);
}

/** `dir` or its nearest ancestor whose package.json names this package; the fs and path modules passed in. */
export function packageRootAbove(dir: string, fs: typeof import('fs'), path: typeof import('path')): string|null {
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as {name?: string}).name === PACKAGE_NAME) return dir;
      } catch {
        // An unreadable package.json on the way up is not ours.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
