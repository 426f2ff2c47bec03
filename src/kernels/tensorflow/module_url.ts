/**
 * Where this module's file lies, as a path or file: URL, or undefined where
 * modules have no file (a browser). The native addon is found relative to it.
 *
 * This body serves the CommonJS build (tsc) and the tests (ts-node). The
 * bundles replace the whole module (scripts/build.ts): the ES module with
 * `import.meta.url`, the `<script>` bundle with `undefined`. Neither form
 * compiles as CommonJS, hence a module of its own.
 */
export function moduleUrl(): string|undefined {
  return typeof __filename === 'string' ? __filename : undefined;
}
