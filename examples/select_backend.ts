/**
 * `--backend NAME` for the Node examples and benchmarks: loads the backend's
 * package, selects it and checks that it really is the one in use.
 */
import * as tf from '@tensorflow/tfjs';

export const NODE_BACKENDS = ['cpu', 'webgpu', 'tensorflow', 'wasm'] as const;
export type NodeBackend = typeof NODE_BACKENDS[number];

export function backendArgument(argv: string[], fallback: NodeBackend = 'cpu'): NodeBackend {
  const i = argv.indexOf('--backend');
  const name = (i >= 0 ? argv[i + 1] : fallback) as NodeBackend;
  if (!NODE_BACKENDS.includes(name)) {
    throw new Error(`--backend must be one of ${NODE_BACKENDS.join(', ')}, but got '${name}'.`);
  }
  return name;
}

export async function loadBackend(name: NodeBackend): Promise<void> {
  if (name === 'webgpu') {
    const {initWebGPUBackendInNode} = require('../test/setup/webgpu_node');
    await initWebGPUBackendInNode();
  } else if (name === 'tensorflow') {
    require('@tensorflow/tfjs-node');
  } else if (name === 'wasm') {
    require('@tensorflow/tfjs-backend-wasm');
  }
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`Backend '${name}' could not be started (setBackend returned ${ok}).`);
  }
}

export async function selectBackend(argv: string[], fallback: NodeBackend = 'cpu'): Promise<NodeBackend> {
  const name = backendArgument(argv, fallback);
  await loadBackend(name);
  return name;
}
