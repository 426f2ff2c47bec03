/**
 * `npm run build` (also run by `prepare`, so by `npm pack` and installs from
 * git): the three forms the package ships, into a fresh dist/.
 *
 *  - dist/src/index.js and .d.ts: CommonJS, one file per source (tsc with
 *    tsconfig.build.json); `require('tfjs-blocksparse')` and the types.
 *  - dist/tfjs-blocksparse.mjs: one ES module, for `import` in Node and for
 *    bundlers.
 *  - dist/tfjs-blocksparse.min.js: minified UMD for a `<script>` tag after
 *    tfjs, like tfjs's own plugins: sets the global `tfbs` and takes tfjs
 *    from the global `tf`.
 *
 * Neither bundle contains tfjs: kernels, gradients and layer classes must
 * register with the one tfjs instance the program or page uses.
 */
import {execFileSync} from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {build, BuildOptions, Metafile, Plugin} from 'esbuild';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const ENTRY = path.join(ROOT, 'src', 'index.ts');
const {version} = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {version: string};

export const ESM_BUNDLE = 'dist/tfjs-blocksparse.mjs';
export const BROWSER_BUNDLE = 'dist/tfjs-blocksparse.min.js';

/** What the browser bundle takes from the page, by the module name in src. */
const PAGE_MODULES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'];
/**
 * src/kernels/tensorflow/module_url.ts says where the package's files lie,
 * for finding the native addon. Its CommonJS body uses `__filename`; each
 * bundle gets the body that works there: the ES module asks `import.meta`,
 * the `<script>` bundle has no files (and no native addon).
 */
function moduleUrlPlugin(body: string): Plugin {
  return {
    name: 'module-url',
    setup(build) {
      build.onLoad({filter: /[\\/]kernels[\\/]tensorflow[\\/]module_url\.ts$/},
                   () => ({contents: `export function moduleUrl() { return ${body}; }`, loader: 'ts'}));
    },
  };
}

const LICENSE = `/** tfjs-blocksparse ${version} | Apache-2.0 */`;

/**
 * UMD around esbuild's IIFE: CommonJS and AMD loaders get tfjs from their
 * own `require`; a page gets it from the global `tf`. The IIFE's `require`
 * calls for external modules resolve to the function passed in here.
 */
const UMD_HEADER = `${LICENSE}
(function (root, factory) {
  if (typeof exports === 'object' && typeof module !== 'undefined') {
    module.exports = factory(require);
  } else if (typeof define === 'function' && define.amd) {
    define(${JSON.stringify(PAGE_MODULES)}, function (core, layers) {
      return factory(moduleFromPage(core, layers));
    });
  } else {
    root = typeof globalThis !== 'undefined' ? globalThis : root || self;
    if (root.tf == null) {
      throw new Error('tfjs-blocksparse: the global tf is missing; load @tensorflow/tfjs with a ' +
                      '<script> tag before this one.');
    }
    root.tfbs = factory(moduleFromPage(root.tf, root.tf));
  }
  function moduleFromPage(core, layers) {
    return function (name) {
      if (name === ${JSON.stringify(PAGE_MODULES[0])}) return core;
      if (name === ${JSON.stringify(PAGE_MODULES[1])}) return layers;
      throw new Error('tfjs-blocksparse: ' + name + ' cannot be loaded in a browser.');
    };
  }
})(this, function (require) {`;
const UMD_FOOTER = `return tfbs;
});`;

const COMMON: BuildOptions = {
  entryPoints: [ENTRY],
  bundle: true,
  target: 'es2020',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
};

function runTsc(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
               {cwd: ROOT, stdio: 'inherit'});
}

/** One ES module for Node's `import` and bundlers; packages stay imports. */
const ESM_OPTIONS: BuildOptions = {
  format: 'esm',
  platform: 'neutral',
  packages: 'external',
  outfile: path.join(ROOT, ESM_BUNDLE),
  banner: {js: LICENSE},
  plugins: [moduleUrlPlugin('import.meta.url')],
};

/** The `<script>` bundle: everything but tfjs, minified, inside the UMD wrapper. */
const BROWSER_OPTIONS: BuildOptions = {
  format: 'iife',
  globalName: 'tfbs',
  platform: 'browser',
  minify: true,
  external: PAGE_MODULES,
  plugins: [moduleUrlPlugin('undefined')],
  outfile: path.join(ROOT, BROWSER_BUNDLE),
  banner: {js: UMD_HEADER},
  footer: {js: UMD_FOOTER},
};

async function bundle(options: BuildOptions): Promise<Metafile> {
  const result = await build({...COMMON, ...options});
  return result.metafile!;
}

/**
 * Fails the build when a bundle took code from node_modules or names a
 * module outside `allowed`: a new runtime import of, say, a backend package
 * would otherwise end up inside the bundle or break the page.
 */
function checkBundle(name: string, metafile: Metafile, allowed: (module: string) => boolean): void {
  const packages = new Set(Object.keys(metafile.inputs)
                               .map(input => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(input)?.[1])
                               .filter(name => name != null));
  if (packages.size > 0) {
    throw new Error(`${name} must not contain code from packages, but got code from ${[...packages].join(', ')}.`);
  }
  for (const output of Object.values(metafile.outputs)) {
    const unexpected = output.imports.filter(entry => !allowed(entry.path)).map(entry => entry.path);
    if (unexpected.length > 0) {
      throw new Error(`${name} may import only tfjs, but imports ${
          unexpected.join(', ')}.`);
    }
  }
}

function size(file: string): string {
  return `${(fs.statSync(path.join(ROOT, file)).size / 1024).toFixed(0)} kB`;
}

export async function buildPackage(): Promise<void> {
  fs.rmSync(DIST, {recursive: true, force: true});
  runTsc();
  const isTfjs = (module: string) => module.startsWith('@tensorflow/tfjs-');
  checkBundle(ESM_BUNDLE, await bundle(ESM_OPTIONS), isTfjs);
  checkBundle(BROWSER_BUNDLE, await bundle(BROWSER_OPTIONS), module => PAGE_MODULES.includes(module));
  console.log(`built dist/src (CommonJS and types), ${ESM_BUNDLE} (${size(ESM_BUNDLE)}), ${
      BROWSER_BUNDLE} (${size(BROWSER_BUNDLE)})`);
}

if (require.main === module) {
  buildPackage().catch(error => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
