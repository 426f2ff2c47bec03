/**
 * Puts the test run on the backend named by TFJS_BACKEND (default `cpu`) and
 * fails loudly when it cannot: a backend that silently falls back to another
 * has not been tested.
 */
import * as tf from '@tensorflow/tfjs-core';

export type TestBackend = 'cpu'|'webgpu'|'tensorflow'|'wasm';
const TEST_BACKENDS: TestBackend[] = ['cpu', 'webgpu', 'tensorflow', 'wasm'];

export function requestedBackend(): TestBackend {
  const name = (process.env.TFJS_BACKEND ?? 'cpu') as TestBackend;
  if (!TEST_BACKENDS.includes(name)) {
    throw new Error(`TFJS_BACKEND must be one of ${
        TEST_BACKENDS.join(', ')}, but got '${name}'.`);
  }
  return name;
}

const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** The package behind 'tensorflow': TFJS_NODE_PACKAGE, default @tensorflow/tfjs-node. */
export function tensorflowPackage(): string {
  const name = process.env.TFJS_NODE_PACKAGE ?? '@tensorflow/tfjs-node';
  if (!TFJS_NODE_PACKAGES.includes(name)) {
    throw new Error(`TFJS_NODE_PACKAGE must be one of ${TFJS_NODE_PACKAGES.join(', ')}, but got '${
        name}'.`);
  }
  return name;
}

async function loadBackendPackage(name: TestBackend): Promise<void> {
  switch (name) {
    case 'cpu':
      require('@tensorflow/tfjs-backend-cpu');
      return;
    case 'wasm':
      require('@tensorflow/tfjs-backend-wasm');
      return;
    case 'webgpu': {
      const {initWebGPUBackendInNode} = require('./webgpu_node');
      await initWebGPUBackendInNode();
      return;
    }
    case 'tensorflow': {
      // tfjs-node (CPU) or tfjs-node-gpu: both register the 'tensorflow' backend.
      const tfjsNode = tensorflowPackage();
      try {
        require(tfjsNode);
      } catch (error) {
        throw new Error(
            `The 'tensorflow' backend needs ${tfjsNode} built against a ` +
            `libtensorflow; run TFJS_NODE_PACKAGE=${tfjsNode} bash ` +
            `scripts/setup-tfjs-node.sh. Loading it failed with: ${(error as Error).message}`);
      }
      return;
    }
  }
}

/** Loads, selects and verifies the requested backend. */
export async function useRequestedBackend(): Promise<TestBackend> {
  const name = requestedBackend();
  await loadBackendPackage(name);
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`Could not start the '${name}' backend (setBackend returned ${
        ok}, getBackend() is '${tf.getBackend()}').`);
  }
  await tf.ready();
  return name;
}
