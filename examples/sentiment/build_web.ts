/**
 * Bundles the browser page (web/main.ts with tfjs, the WebGPU backend,
 * tfjs-vis and this plugin) into web/dist/bundle.js with esbuild.
 */
import * as path from 'path';
import {build} from 'esbuild';

export const WEB_DIR = path.join(__dirname, 'web');
export const BUNDLE_PATH = path.join(WEB_DIR, 'dist', 'bundle.js');

export async function buildWebBundle(): Promise<string> {
  await build({
    entryPoints: [path.join(WEB_DIR, 'main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    sourcemap: true,
    outfile: BUNDLE_PATH,
    logLevel: 'warning',
    // tfjs-core's Node platform code is guarded at run time; keep it out of the bundle.
    external: ['fs', 'path', 'os', 'crypto', 'worker_threads', 'perf_hooks', 'util'],
  });
  return BUNDLE_PATH;
}

if (require.main === module) {
  buildWebBundle().then(p => console.log(`built ${p}`)).catch(error => {
    console.error(error);
    process.exit(1);
  });
}
