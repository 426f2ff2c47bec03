/**
 * The backend a test run is about: TFJS_BACKEND (default `cpu`), started by
 * the repo's one backend loader (scripts/lib/node_backends.ts), which fails
 * loudly when it cannot: a backend that silently falls back to another has
 * not been tested.
 */
import {NodeBackend, parseNodeBackend, startNodeBackend} from '../../scripts/lib/node_backends';

export type TestBackend = NodeBackend;

export function requestedBackend(): TestBackend {
  return parseNodeBackend(process.env.TFJS_BACKEND ?? 'cpu', 'TFJS_BACKEND');
}

/** Loads, selects and verifies the requested backend. */
export function useRequestedBackend(): Promise<TestBackend> {
  return startNodeBackend(requestedBackend());
}
