/**
 * The published package, installed from its tarball into an empty project as
 * the README says, works the three ways the README shows: required as
 * CommonJS, imported as an ES module, and from `<script>` tags in a browser
 * (headless chromium, on WebGPU). `npm run test:packaging`.
 */
import * as fs from 'fs';
import * as path from 'path';
import {expect} from 'chai';

import {openReadmePage, ReadmePage} from './browser_page';
import {NATIVE_SOURCES_PATH, prebuiltPath} from '../../src/kernels/tensorflow/native_addon';

import {readmeBlock, toCommonJS} from './readme';
import {createScratchProject, ScratchProject} from '../../scripts/lib/scratch_project';

import type * as tfjs from '@tensorflow/tfjs';
import type * as tfjsBlocksparse from '../../src/index';

// The page's globals, set by the README's <script> tags.
declare const tf: typeof tfjs;
declare const tfbs: typeof tfjsBlocksparse;

const TSC = require.resolve('typescript/bin/tsc');
const ESBUILD = require.resolve('esbuild/bin/esbuild');
const CHECK_PREBUILT = path.resolve(__dirname, '../../scripts/check-prebuilt.sh');

describe('the packed package, installed into a scratch project', () => {
  let project: ScratchProject;
  let installed: string;

  before(() => {
    // The browser page needs the WebGPU backend, which the README names as optional.
    project = createScratchProject(readmeBlock('Install', 'sh'), ['@tensorflow/tfjs-backend-webgpu']);
    installed = path.join(project.dir, 'node_modules', 'tfjs-blocksparse');
    console.log(`      scratch project: ${project.dir}`);
  });

  after(() => project?.remove());

  describe('the tarball', () => {
    let files: string[];
    before(() => {
      files = project.run('tar', ['tzf', project.tarball]).trim().split('\n');
    });

    it('ships the CommonJS build with types, both bundles and the command, but no TypeScript sources', () => {
      expect(files).to.include.members([
        'package/package.json', 'package/README.md', 'package/dist/src/index.js', 'package/dist/src/index.d.ts',
        'package/dist/tfjs-blocksparse.mjs', 'package/dist/tfjs-blocksparse.min.js',
        'package/dist/src/cli/tfjs_blocksparse.js',
      ]);
      expect(files.filter(file => /^package\/(src|ops|gradients|test|scripts)\//.test(file) &&
                                  !file.startsWith(`package/${NATIVE_SOURCES_PATH}/`)))
          .to.deep.equal([]);
    });

    it('ships the prebuilt linux-x64 addon and the native sources to build elsewhere', () => {
      expect(files).to.include.members([
        `package/${prebuiltPath('linux', 'x64')}`,
        `package/${NATIVE_SOURCES_PATH}/binding.gyp`,
        `package/${NATIVE_SOURCES_PATH}/addon.cc`,
      ]);
      // Object files or a local build must never ride along.
      expect(files.filter(file => file.includes(`${NATIVE_SOURCES_PATH}/build/`))).to.deep.equal([]);
    });

    it('gives npm nothing to run at install: no install scripts, no binding.gyp at the root', () => {
      expect(files).to.not.include('package/binding.gyp');
      const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
      expect(Object.keys(manifest.scripts ?? {}).filter(name => /^(pre|post)?install$/.test(name)))
          .to.deep.equal([]);
      expect(manifest.gypfile).to.equal(undefined);
    });

    it('stays small', () => {
      const tarballBytes = fs.statSync(project.tarball).size;
      const addonBytes = fs.statSync(path.join(installed, prebuiltPath('linux', 'x64'))).size;
      console.log(`      tarball ${(tarballBytes / 1024).toFixed(0)} kB, ${files.length} files; ` +
                  `prebuilt addon ${(addonBytes / 1024).toFixed(0)} kB unpacked`);
      expect(tarballBytes).to.be.below(2 << 20);
    });

    it('carries a prebuilt addon that passes the portability check', () => {
      const output = project.run('bash', [CHECK_PREBUILT, path.join(installed, prebuiltPath('linux', 'x64'))]);
      console.log(output.trim().split('\n').map(line => `      ${line}`).join('\n'));
    });
  });

  it('bundles for the browser with no externals or shims, never reaching the addon or Node built-ins', () => {
    fs.writeFileSync(path.join(project.dir, 'browser_entry.mjs'),
                     `import * as tfbs from 'tfjs-blocksparse';\nconsole.log(tfbs.version);\n`);
    project.run(ESBUILD, ['browser_entry.mjs', '--bundle', '--platform=browser', '--outfile=browser_bundle.js',
                          '--metafile=browser_meta.json', '--log-level=warning']);
    const inputs = Object.keys(JSON.parse(fs.readFileSync(path.join(project.dir, 'browser_meta.json'), 'utf8')).inputs);
    // Of this package, esbuild took in the ES module alone: no addon, no other file. (A Node built-in
    // would have failed to resolve; tfjs-core's own appear as "(disabled):", by its browser field.)
    expect(inputs.filter(input => input.includes('tfjs-blocksparse')))
        .to.deep.equal(['node_modules/tfjs-blocksparse/dist/tfjs-blocksparse.mjs']);
    expect(inputs.filter(input => input.endsWith('.node'))).to.deep.equal([]);
    const bundle = fs.readFileSync(path.join(project.dir, 'browser_bundle.js'), 'utf8');
    expect(bundle).to.not.match(/require\(["'](node:)?(fs|path|module|url|child_process)["']\)/);
  });

  it('resolves require to the CommonJS build and import to the ES module', () => {
    const {exports} = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    const targets = JSON.stringify(exports).match(/"\.\/[^"]+"/g)!.map(target => JSON.parse(target) as string);
    expect(targets.filter(target => !fs.existsSync(path.join(installed, target)))).to.deep.equal([]);
    expect(project.run('node', ['-p', 'require.resolve("tfjs-blocksparse")']).trim())
        .to.equal(path.join(fs.realpathSync(installed), 'dist/src/index.js'));
    expect(project.run('node', ['--input-type=module', '-e',
                                'console.log(import.meta.resolve("tfjs-blocksparse"))']).trim())
        .to.equal(`file://${path.join(fs.realpathSync(installed), 'dist/tfjs-blocksparse.mjs')}`);
  });

  it('gives TypeScript its types from CommonJS and from ES modules', () => {
    const source = `import * as tfbs from 'tfjs-blocksparse';\n` +
        `export const layout: tfbs.BlockLayout = tfbs.denseLayout({inputSize: 64, outputSize: 64, blockSize: 32});\n`;
    fs.writeFileSync(path.join(project.dir, 'types.cts'), source);
    fs.writeFileSync(path.join(project.dir, 'types.mts'), source);
    fs.writeFileSync(path.join(project.dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true,
                        skipLibCheck: true, types: []},
      files: ['types.cts', 'types.mts'],
    }));
    project.run(process.execPath, [TSC, '-p', 'tsconfig.json']);
  });

  describe("the README's usage example in Node", () => {
    const usage = () => readmeBlock('Usage', 'js');
    let commonJSOutput: string;

    it('runs as CommonJS', () => {
      fs.writeFileSync(path.join(project.dir, 'usage.cjs'), toCommonJS(usage()));
      commonJSOutput = project.run('node', ['usage.cjs']).trim();
      expect(commonJSOutput).to.not.equal('');
    });

    it('runs as an ES module, printing the same', () => {
      fs.writeFileSync(path.join(project.dir, 'usage.mjs'), usage());
      expect(project.run('node', ['usage.mjs']).trim()).to.equal(commonJSOutput);
    });
  });

  describe("the README's <script> tags in headless chromium", () => {
    let readmePage: ReadmePage;

    before(async () => {
      readmePage = await openReadmePage(readmeBlock('Install', 'html'), path.join(project.dir, 'node_modules'));
    });

    after(async () => {
      await readmePage?.close();
    });

    it('compute one block-sparse product on WebGPU, equal to the dense tf.matMul', async () => {
      const result = await readmePage.page.evaluate(async () => {
        const started = await tf.setBackend('webgpu');
        const layout = tfbs.balancedRandomLayout(
            {inputSize: 256, outputSize: 192, blockSize: 32, density: 1 / 4, seed: 5});
        const w = tf.randomNormal(layout.weightShape, 0, 1, 'float32', 1);
        const x = tf.randomNormal([24, 256], 0, 1, 'float32', 2);
        const sparse = tfbs.blockSparseMatMul(x, w, layout);
        const dense = tf.matMul(x, tfbs.blocksToDense(w, layout));
        const maxError = (await tf.max(tf.abs(tf.sub(sparse, dense))).data())[0];
        const scale = (await tf.max(tf.abs(dense)).data())[0];
        return {started, backend: tf.getBackend(), shape: sparse.shape, maxError, scale};
      });
      expect(readmePage.errors).to.deep.equal([]);
      expect(result.started).to.equal(true);
      expect(result.backend).to.equal('webgpu');
      expect(result.shape).to.deep.equal([24, 192]);
      expect(result.scale).to.be.above(1);
      expect(result.maxError).to.be.at.most(1e-4 * result.scale);
    });
  });
});
