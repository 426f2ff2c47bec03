/**
 * Bundles the browser page (web/main.ts with tfjs, the WebGPU backend,
 * tfjs-vis and this plugin) into web/dist/bundle.js with esbuild.
 */
import * as path from 'path';
import {build} from 'esbuild';

export const WEB_DIR = path.join(__dirname, 'web');
export const BUNDLE_PATH = path.join(WEB_DIR, 'dist', 'bundle.js');

/** `webDir` lets another example's page (web/main.ts beside it) be bundled the same way. */
export async function buildWebBundle(webDir = WEB_DIR): Promise<string> {
  const outfile = path.join(webDir, 'dist', 'bundle.js');
  await build({
    entryPoints: [path.join(webDir, 'main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    sourcemap: true,
    outfile,
    logLevel: 'warning',
    // tfjs-vis require()s tfjs-core, which esbuild would resolve to its CommonJS
    // build, a second copy beside the ES modules tfjs imports: tensors of one copy
    // then lack the other's op handler (tensor.clone() fails in tf.layers.add).
    plugins: [{
      name: 'one-tfjs-core',
      setup(bundle) {
        const esm = path.join(path.dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist', 'index.js');
        bundle.onResolve({filter: /^@tensorflow\/tfjs-core$/}, () => ({path: esm}));
      },
    }],
    // tfjs-core's Node platform code is guarded at run time; keep it out of the bundle.
    external: ['fs', 'path', 'os', 'crypto', 'worker_threads', 'perf_hooks', 'util'],
  });
  return outfile;
}

if (require.main === module) {
  buildWebBundle().then(p => console.log(`built ${p}`)).catch(error => {
    console.error(error);
    process.exit(1);
  });
}
