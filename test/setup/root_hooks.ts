/**
 * Mocha root hooks: select the backend before any spec and check after every
 * spec that it is still the one in use.
 */
import * as tf from '@tensorflow/tfjs-core';

// Users load the union package, which also registers every standard gradient.
import '@tensorflow/tfjs';
import '../../src/index';

import {requestedBackend, useRequestedBackend} from './backends';
import {checkTensorflowPathOnEveryCall, checkTensorflowPathRan, runTensorflowPath} from './tensorflow_path';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(300000);
    const name = await useRequestedBackend();
    console.log(`    [tfjs-blocksparse tests] backend in use: ${tf.getBackend()}`);
    if (tf.getBackend() !== name) throw new Error('backend changed');
    if (name === 'tensorflow') {
      checkTensorflowPathOnEveryCall();
      console.log(`    [tfjs-blocksparse tests] tensorflow kernels: the ${
          runTensorflowPath()} path, checked on every call`);
    }
  },
  afterAll() {
    if (requestedBackend() !== 'tensorflow') return;
    console.log(`    [tfjs-blocksparse tests] ${checkTensorflowPathRan()}`);
  },
  afterEach() {
    const expected = requestedBackend();
    if (tf.getBackend() !== expected) {
      throw new Error(`Test ran on backend '${tf.getBackend()}', expected '${
          expected}'.`);
    }
  },
};
