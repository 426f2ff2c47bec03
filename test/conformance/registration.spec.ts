/**
 * Importing the package registers a kernel for every kernel name on every
 * backend it supports, and a gradient for every kernel the tape
 * differentiates through a registered one: checked in tfjs's own registry,
 * whatever backend the run is about (the registry is keyed by backend name,
 * installed or not).
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {BLOCK_SPARSE_KERNEL_NAMES, KERNEL_GRADIENTS} from '../../src/kernel_names';

/** The backends the package supports (README), written out here so that dropping one fails. */
const SUPPORTED_BACKENDS = ['cpu', 'webgpu', 'tensorflow', 'wasm', 'webgl'];

/** Our kernels registered for `backendName`: all names starting with BlockSparse. */
function registeredKernelNames(backendName: string): string[] {
  return tf.getKernelsForBackend(backendName)
      .map(config => config.kernelName)
      .filter(kernelName => kernelName.startsWith('BlockSparse'));
}

describe('kernel registration', () => {
  for (const backendName of SUPPORTED_BACKENDS) {
    it(`has a kernel for every kernel name on '${backendName}'`, () => {
      const registered = new Set(registeredKernelNames(backendName));
      const missing = BLOCK_SPARSE_KERNEL_NAMES.filter(kernelName => !registered.has(kernelName));
      expect(missing, `kernel names with no '${backendName}' kernel`).to.deep.equal([]);
    });

    it(`registers nothing on '${backendName}' under a name kernel_names.ts does not list`, () => {
      const known = new Set<string>(BLOCK_SPARSE_KERNEL_NAMES);
      const unknown = registeredKernelNames(backendName).filter(kernelName => !known.has(kernelName));
      expect(unknown, `'${backendName}' kernels missing from kernel_names.ts`).to.deep.equal([]);
    });
  }

  it(`registers a gradient for exactly the kernels KERNEL_GRADIENTS marks 'registered'`, () => {
    const expected =
        BLOCK_SPARSE_KERNEL_NAMES.filter(kernelName => KERNEL_GRADIENTS[kernelName] === 'registered');
    const withGradient =
        BLOCK_SPARSE_KERNEL_NAMES.filter(kernelName => tf.getGradient(kernelName) != null);
    expect(withGradient, 'kernels with a registered gradient').to.deep.equal(expected);
  });
});
