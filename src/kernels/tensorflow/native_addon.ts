/**
 * Finds and loads the native block-sparse kernels (an N-API addon built by
 * `scripts/build-native.sh` from `src/kernels/tensorflow/native/`). Loading it
 * registers its ops with the TensorFlow runtime that tfjs-node already
 * loaded, so it is only ever loaded from a `tensorflow` kernel.
 */

/** What the addon exports (native/addon.cc). */
export interface NativeAddon {
  /** TensorFlow op names to run through `backend.executeSingleOutput`. */
  matMulOp: string;
  sampledMatMulOp: string;
  /** The fused LSTM step and its backward, three outputs each (`executeMultipleOutputs`). */
  lstmStepOp: string;
  lstmStepBackwardOp: string;
  /** The attention ops (native/attention_ops.h), one output each. */
  sddOp: string;
  softmaxOp: string;
  softmaxBackwardOp: string;
  dsdOp: string;
  /** Attention fused per block row and its backward (two and three outputs). */
  attentionOp: string;
  attentionBackwardOp: string;
  /** 'avx512', 'avx2-fma' or 'portable': the micro-kernel build picked for this CPU. */
  instructionSet: string;
  numThreads: number;
}

/** The command that builds the addon, for messages. */
export const BUILD_NATIVE_COMMAND = 'bash scripts/build-native.sh';

/** Where the addon file lies, relative to the package root. */
const ADDON_PATH = 'src/kernels/tensorflow/native/build/Release/tfjs_blocksparse_native.node';
/** Overrides the search, e.g. for an addon built elsewhere. */
const ADDON_ENV = 'TFJS_BLOCKSPARSE_NATIVE_ADDON';

export type AddonLoad = {addon: NativeAddon}|{addon: null, reason: string};

let loaded: AddonLoad|undefined;

/** Loads the addon once per process; later calls return the same result. */
export function loadNativeAddon(): AddonLoad {
  if (loaded === undefined) loaded = tryLoad();
  return loaded;
}

function tryLoad(): AddonLoad {
  // An ES module or browser bundle has no require: the addon is for
  // CommonJS Node, where tfjs-node itself runs.
  if (typeof require !== 'function' || typeof __dirname !== 'string') {
    return {addon: null, reason: 'native addons load only from the CommonJS build'};
  }
  const fs = require('fs') as typeof import('fs');
  const path = require('path') as typeof import('path');
  const candidates = process.env[ADDON_ENV] ? [path.resolve(process.env[ADDON_ENV]!)] :
                                              packageRoots(__dirname, path)
                                                  .map(root => path.join(root, ADDON_PATH));
  const file = candidates.find(candidate => fs.existsSync(candidate));
  if (file == null) {
    return {addon: null, reason: `the addon is not built (looked for ${candidates.join(', ')})`};
  }
  try {
    return {addon: require(file) as NativeAddon};
  } catch (error) {
    return {addon: null, reason: `loading ${file} failed: ${(error as Error).message}`};
  }
}

/** This file's directory and its ancestors (src/... and dist/src/... builds). */
function packageRoots(start: string, path: typeof import('path')): string[] {
  const roots: string[] = [];
  for (let dir = start; roots.length < 6; dir = path.dirname(dir)) {
    roots.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  return roots;
}
