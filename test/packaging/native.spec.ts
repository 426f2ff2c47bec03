/**
 * The native kernels as a user gets them: the packed package installed into
 * a scratch project beside tfjs-node (whose libtensorflow comes from a PyPI
 * wheel, as its own download host is unreachable here), loaded through
 * `require` and `import`, must run the prebuilt addon and agree with the
 * cpu backend; on the oldest libtensorflow we can stage (2.9.1, what
 * tfjs-node 4.22 downloads) and on 2.21; under tfjs-node-gpu; after a build
 * from the shipped sources; and with two copies of the package in one
 * process. `npm run test:packaging`.
 */
import * as fs from 'fs';
import * as path from 'path';
import {expect} from 'chai';

import {createScratchProject, ScratchProject, stageTensorflow, TensorflowStaging, TFJS_NODE_VERSION} from '../../scripts/lib/scratch_project';
import type {NativeKernels} from '../../src/index';
import {BUILT_FROM_SOURCE_PATH, prebuiltPath} from '../../src/kernels/tensorflow/native_addon';

import {readmeBlock} from './readme';

const CHECK_SCRIPT = path.join(__dirname, 'native_check.cjs');
/** float32 products of a few dozen terms against the cpu backend's, relative to the largest value. */
const TOLERANCE = 1e-5;

interface CheckResult {
  backend: string;
  nativeKernels: NativeKernels;
  maxErrors: number[];
  libtensorflow: string;
}

function check(project: ScratchProject, tfjsNode: string, loadWith: 'require'|'import',
               packageName = 'tfjs-blocksparse'): CheckResult {
  fs.copyFileSync(CHECK_SCRIPT, path.join(project.dir, 'native_check.cjs'));
  const output = project.run('node', ['native_check.cjs', tfjsNode, loadWith, packageName]).trim().split('\n');
  return JSON.parse(output[output.length - 1]) as CheckResult;
}

function expectNative(result: CheckResult, file: string, libtensorflow: string): void {
  expect(result.backend).to.equal('tensorflow');
  expect(result.libtensorflow).to.equal(libtensorflow);
  expect(result.nativeKernels.reason).to.equal('');
  expect(result.nativeKernels.available).to.equal(true);
  expect(fs.realpathSync(result.nativeKernels.file!)).to.equal(fs.realpathSync(file));
  expect(result.nativeKernels.instructionSet).to.be.oneOf(['avx512', 'avx2-fma', 'portable']);
  expect(result.maxErrors).to.have.length(4);
  for (const error of result.maxErrors) expect(error).to.be.at.most(TOLERANCE);
}

interface Setup extends TensorflowStaging {
  label: string;
  libtensorflow: string;
}

const SETUPS: Setup[] = [
  {label: 'tfjs-node on libtensorflow 2.21', tfjsNode: '@tensorflow/tfjs-node', wheel: 'tensorflow-cpu',
   wheelVersion: '2.21.0', libtensorflow: '2.21.0'},
  {label: 'tfjs-node on libtensorflow 2.9.1', tfjsNode: '@tensorflow/tfjs-node', wheel: 'tensorflow-cpu',
   wheelVersion: '2.9.1', libtensorflow: '2.9.1'},
  {label: 'tfjs-node-gpu on libtensorflow 2.21 (CUDA build, CPU tensors)', tfjsNode: '@tensorflow/tfjs-node-gpu',
   wheel: 'tensorflow', wheelVersion: '2.21.0', libtensorflow: '2.21.0'},
];

for (const setup of SETUPS) {
  describe(`the installed package's native kernels, ${setup.label}`, () => {
    let project: ScratchProject;
    let prebuilt: string;

    before(() => {
      project = createScratchProject(readmeBlock('Install', 'sh'), [`${setup.tfjsNode}@${TFJS_NODE_VERSION}`]);
      stageTensorflow(project, setup);
      prebuilt = path.join(project.installed, prebuiltPath('linux', 'x64'));
      console.log(`      scratch project: ${project.dir}`);
    });

    after(() => project?.remove());

    for (const loadWith of ['require', 'import'] as const) {
      it(`run the prebuilt addon through ${loadWith}, agreeing with the cpu backend`, () => {
        expectNative(check(project, setup.tfjsNode, loadWith), prebuilt, setup.libtensorflow);
      });
    }

    if (setup.tfjsNode === '@tensorflow/tfjs-node' && setup.wheelVersion === '2.21.0') {
      it('survive two copies of the package in one process (CommonJS and ES module, two addon files)', () => {
        const nested = path.join(project.dir, 'nested', 'node_modules', 'tfjs-blocksparse');
        fs.cpSync(project.installed, nested, {recursive: true});
        const script = `
          require(${JSON.stringify(setup.tfjsNode)});
          const first = require('tfjs-blocksparse');
          import(${JSON.stringify(path.join(nested, 'dist', 'tfjs-blocksparse.mjs'))}).then(second => {
            const a = first.nativeKernels(), b = second.nativeKernels();
            const tf = require('@tensorflow/tfjs-core');
            const errors = [first, second].map(copy => {
              const spec = {inputSize: 64, outputSize: 96, blockSize: 32, density: 1 / 2, seed: 3};
              const layout = copy.balancedRandomLayout(spec);  // each copy checks for its own BlockLayout class
              const x = tf.randomNormal([5, 64], 0, 1, 'float32', 1);
              const w = tf.randomNormal(layout.weightShape, 0, 1, 'float32', 2);
              const dense = tf.matMul(x, copy.blocksToDense(w, layout));
              return tf.max(tf.abs(tf.sub(copy.blockSparseMatMul(x, w, layout), dense))).dataSync()[0];
            });
            console.log(JSON.stringify({files: [a.file, b.file], available: [a.available, b.available], errors}));
          });`;
        fs.writeFileSync(path.join(project.dir, 'two_copies.cjs'), script);
        const output = project.run('node', ['two_copies.cjs']).trim().split('\n');
        const result = JSON.parse(output[output.length - 1]);
        expect(result.available).to.deep.equal([true, true]);
        expect(result.files[0]).to.not.equal(result.files[1]);
        for (const error of result.errors) expect(error).to.be.below(1e-4);
      });

      it('say what runs with `npx tfjs-blocksparse info`', () => {
        const info = JSON.parse(project.run('npx', ['--no-install', 'tfjs-blocksparse', 'info']));
        expect(info).to.include({available: true, source: 'prebuilt'});
        expect(fs.realpathSync(info.file)).to.equal(fs.realpathSync(prebuilt));
      });

      it('build from the shipped sources with `npx tfjs-blocksparse build-native`, and prefer that build', () => {
        project.run('npx', ['--no-install', 'tfjs-blocksparse', 'build-native']);
        const built = path.join(project.installed, BUILT_FROM_SOURCE_PATH);
        for (const loadWith of ['require', 'import'] as const) {
          const result = check(project, setup.tfjsNode, loadWith);
          expectNative(result, built, setup.libtensorflow);
          expect(result.nativeKernels.source).to.equal('built from source');
        }
      });
    }
  });
}
