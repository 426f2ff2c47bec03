/**
 * Picks the fastest backend this browser offers: WebGPU, then WebGL, then
 * CPU, and says which one runs (a silent fallback would mislead).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

export const BACKEND_ORDER = ['webgpu', 'webgl', 'cpu'] as const;

export interface BackendChoice {
  name: string;
  /** Backends tried before it, with why they failed. */
  skipped: string[];
}

export async function startBestBackend(preferred?: string): Promise<BackendChoice> {
  const order = preferred ? [preferred, ...BACKEND_ORDER.filter(b => b !== preferred)] : [...BACKEND_ORDER];
  const skipped: string[] = [];
  for (const name of order) {
    if (tf.findBackendFactory(name) == null) {
      skipped.push(`${name} (not available)`);
      continue;
    }
    try {
      if (await tf.setBackend(name) && tf.getBackend() === name) return {name, skipped};
      skipped.push(`${name} (failed to start)`);
    } catch (error) {
      skipped.push(`${name} (${(error as Error).message})`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start: ${skipped.join(', ')}`);
}
