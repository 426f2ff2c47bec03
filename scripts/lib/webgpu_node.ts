/**
 * Run the tfjs WebGPU backend in Node, on Dawn (npm package `webgpu`) over a
 * Vulkan driver: on machines without a GPU, Mesa's software driver lavapipe
 * prepared by `scripts/setup-webgpu.sh`.
 *
 *   import {initWebGPUBackendInNode} from './webgpu_node';
 *   await initWebGPUBackendInNode();   // tf.getBackend() === 'webgpu' after
 *
 * Callers go through startNodeBackend('webgpu') in ./node_backends.ts, the
 * one module that loads backends in Node.
 *
 * Needs the npm packages `webgpu` and `@tensorflow/tfjs-backend-webgpu`
 * (both are loaded with require() at call time, so nothing here is imported
 * unless a caller asks for WebGPU), and the system pieces installed by
 * `bash scripts/setup-webgpu.sh`.
 *
 * Ordering constraints (why this is a function and not a plain import):
 *  - VK_ICD_FILENAMES must be in the environment before Dawn creates its Vulkan
 *    instance, which happens at `create()` / first `requestAdapter()`, not
 *    when the `webgpu` module is loaded. Setting `process.env` at run time
 *    before that works (Node's process.env setter calls setenv(3), and the
 *    Vulkan loader reads it with getenv(3)): checked. Setting it in the npm
 *    script as well is harmless.
 *  - `@tensorflow/tfjs-backend-webgpu` registers its backend at import time
 *    only if `navigator.gpu` exists then, so it must be required after the
 *    globals are installed: never import it statically anywhere else.
 *  - `tf.setBackend('webgpu')` resolves to false on failure (it only logs a
 *    warning) while `tf.getBackend()` may still say 'webgpu': its return value
 *    is checked here.
 *
 * In Node, read GPU tensors with `await t.data()`: `dataSync()` throws.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';

/** Minimal view of what the `webgpu` npm package exports. */
interface DawnModule {
  create(options: string[]): DawnGPU;
  globals: Record<string, unknown>;
}
interface DawnGPU {
  requestAdapter(options?: Record<string, unknown>): Promise<DawnAdapter|null>;
}
interface DawnAdapter {
  info?: {vendor?: string, architecture?: string, device?: string, description?: string};
  limits: Record<string, number>;
}

const SETUP_HINT =
    'Run `bash scripts/setup-webgpu.sh` from the repo root (as root: it ' +
    'apt-installs libvulkan1 and mesa-vulkan-drivers and extracts Mesa 25 ' +
    'lavapipe from bookworm-backports into .cache/vulkan/, writing ' +
    '.cache/vulkan/lvp_icd.json), and make sure the npm packages `webgpu` ' +
    'and `@tensorflow/tfjs-backend-webgpu` are installed.';

function fail(message: string, cause?: unknown): never {
  const detail = cause == null ? '' :
      `\n  cause: ${cause instanceof Error ? cause.message : String(cause)}`;
  throw new Error(
      `[webgpu_node] WebGPU backend unavailable: ${message}${detail}\n` +
      `  ${SETUP_HINT}`);
}

/** The repo root: the nearest ancestor of this file holding package.json. */
function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return process.cwd();
    }
    dir = parent;
  }
}

/** Where scripts/setup-webgpu.sh writes the ICD manifest. */
export function defaultIcdPath(): string {
  const dir = process.env.VULKAN_CACHE_DIR ||
      path.join(repoRoot(), '.cache', 'vulkan');
  return path.join(dir, 'lvp_icd.json');
}

/** Sets VK_ICD_FILENAMES (unless the caller chose a driver already). */
function configureVulkanEnv(): void {
  const chosen = process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES;
  if (chosen) {
    for (const f of chosen.split(path.delimiter)) {
      if (f && !fs.existsSync(f)) {
        fail(`VK_ICD_FILENAMES/VK_DRIVER_FILES names ${f}, which does not exist`);
      }
    }
  } else {
    const icd = defaultIcdPath();
    if (!fs.existsSync(icd)) {
      fail(`no Vulkan ICD manifest at ${icd} and VK_ICD_FILENAMES is not set`);
    }
    process.env.VK_ICD_FILENAMES = icd;
  }
  // lavapipe's WSI code calls libwayland, which prints "error: XDG_RUNTIME_DIR
  // is invalid or not set" when it is unset (harmless; silenced here).
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = path.join(os.tmpdir(), `xdg-runtime-${process.pid}-webgpu`);
    try {
      fs.mkdirSync(dir, {recursive: true, mode: 0o700});
      process.env.XDG_RUNTIME_DIR = dir;
      process.once('exit', () => {
        try {
          fs.rmSync(dir, {recursive: true, force: true});
        } catch {
          // best effort
        }
      });
    } catch {
      // cosmetic only
    }
  }
}

/**
 * Loads the `webgpu` package. It is an ES module; Node >= 20.19 can require()
 * it. On an older Node fall back to its native addon (same create/globals,
 * minus a small buffer-unmapping patch in its index.js).
 */
function loadDawn(): DawnModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('webgpu') as DawnModule;
  } catch (e) {
    const code = (e as {code?: string}).code;
    if (code !== 'ERR_REQUIRE_ESM') {
      fail('cannot load the npm package `webgpu`', e);
    }
    const pkgDir = path.dirname(require.resolve('webgpu/package.json'));
    const arch = process.platform === 'darwin' ? 'universal' : process.arch;
    const addon = path.join(pkgDir, 'dist', `${process.platform}-${arch}`, 'dawn.node');
    try {
      return require(addon) as DawnModule;
    } catch (e2) {
      return fail(`cannot load ${addon}`, e2);
    }
  }
}

/** Puts `gpu` on navigator (Node >= 21 already has a read-only navigator). */
function installNavigatorGpu(gpu: DawnGPU): void {
  const g = globalThis as unknown as {navigator?: Record<string, unknown>};
  if (g.navigator != null) {
    Object.defineProperty(g.navigator, 'gpu', {
      value: gpu, configurable: true, enumerable: true, writable: true});
  } else {
    Object.defineProperty(globalThis, 'navigator', {
      value: {gpu}, configurable: true, enumerable: true, writable: true});
  }
}

let initPromise: Promise<void>|null = null;

async function init(): Promise<void> {
  configureVulkanEnv();
  const dawn = loadDawn();

  // GPUBufferUsage, GPUMapMode, GPUShaderStage, ... used by the backend.
  Object.assign(globalThis, dawn.globals);
  let gpu: DawnGPU;
  try {
    gpu = dawn.create([]);
  } catch (e) {
    return fail('webgpu create() failed', e);
  }
  installNavigatorGpu(gpu);

  // Check the adapter ourselves: without one the backend's factory dies with
  // a TypeError that tf.setBackend() only logs.
  let adapter: DawnAdapter|null = null;
  try {
    adapter = await gpu.requestAdapter({powerPreference: 'high-performance'});
  } catch (e) {
    fail('navigator.gpu.requestAdapter() threw', e);
  }
  if (adapter == null) {
    fail(`Dawn found no WebGPU adapter (VK_ICD_FILENAMES=${
        process.env.VK_ICD_FILENAMES}). Debian bookworm's own lavapipe ` +
        '(Mesa 22.3) is too old for Dawn; the manifest must name the Mesa 25 ' +
        'libvulkan_lvp.so');
  }

  if (tf.findBackendFactory('webgpu') == null) {
    try {
      require('@tensorflow/tfjs-backend-webgpu');
    } catch (e) {
      fail('cannot load @tensorflow/tfjs-backend-webgpu', e);
    }
  }
  if (tf.findBackendFactory('webgpu') == null) {
    fail('@tensorflow/tfjs-backend-webgpu did not register a backend: it was ' +
        'imported before navigator.gpu was set (do not import it statically), ' +
        'or it resolved a different copy of @tensorflow/tfjs-core (npm ls ' +
        '@tensorflow/tfjs-core)');
  }

  let ok = false;
  try {
    ok = await tf.setBackend('webgpu');
  } catch (e) {
    fail('tf.setBackend(\'webgpu\') threw', e);
  }
  if (!ok || tf.getBackend() !== 'webgpu') {
    fail('tf.setBackend(\'webgpu\') returned false (see the warning logged ' +
        'above by tfjs)');
  }
}

/**
 * Makes 'webgpu' the active tfjs backend in Node, or throws an Error saying
 * what is missing. Safe to call more than once (the work is done once; a
 * failed attempt can be retried).
 */
export async function initWebGPUBackendInNode(): Promise<void> {
  if (initPromise == null) {
    initPromise = init().catch((e) => {
      initPromise = null;
      throw e;
    });
  }
  await initPromise;
  if (tf.getBackend() !== 'webgpu') {
    // Initialised earlier, then another backend was selected: switch back.
    if (!(await tf.setBackend('webgpu'))) {
      fail('tf.setBackend(\'webgpu\') returned false');
    }
  }
}
