/**
 * A CommonJS `require` for Node, reached without importing a Node built-in,
 * so that bundlers never see one and a browser never loads one: the ES
 * module has no `require` of its own, and a static `import 'module'` would
 * break browser bundles.
 */
import {moduleUrl} from './module_url';

interface NodeProcess {
  getBuiltinModule?: (name: string) => unknown;
}

/**
 * `require` relative to this package's files; undefined outside Node, and
 * in an ES module on Node older than 20.16 (no process.getBuiltinModule).
 */
export function nodeRequire(): NodeRequire|undefined {
  const url = moduleUrl();
  if (url === undefined) return undefined;
  const process = (globalThis as {process?: NodeProcess}).process;
  if (typeof process?.getBuiltinModule === 'function') {
    const module = process.getBuiltinModule('module') as typeof import('module');
    return module.createRequire(url);
  }
  // The CommonJS build on any Node: its own require.
  return typeof require === 'function' ? require : undefined;
}
