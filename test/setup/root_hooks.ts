/**
 * Mocha root hooks: select the backend before any spec and check after every
 * spec that it is still the one in use.
 */
import * as tf from '@tensorflow/tfjs-core';

// Users load the union package, which also registers every standard gradient.
import '@tensorflow/tfjs';
import '../../src/index';

import type {TFNodeBackend} from '../../src/kernels/tensorflow/tf_ops';

import {requestedBackend, useRequestedBackend} from './backends';
import {checkTensorflowPathOnEveryCall, checkTensorflowPathRan, runTensorflowPath} from './tensorflow_path';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(300000);
    const name = await useRequestedBackend();
    console.log(`    [tfjs-blocksparse tests] backend in use: ${tf.getBackend()}`);
    if (tf.getBackend() !== name) throw new Error('backend changed');
    if (name === 'tensorflow') {
      // A run against a staged libtensorflow (npm run test:tensorflow:tf2.9) says which one it expects.
      const libtensorflow = (tf.backend() as unknown as TFNodeBackend).binding.TF_Version;
      console.log(`    [tfjs-blocksparse tests] libtensorflow ${libtensorflow}`);
      const expected = process.env.TFJS_LIBTENSORFLOW_VERSION;
      if (expected != null && libtensorflow !== expected) {
        throw new Error(`TFJS_LIBTENSORFLOW_VERSION is ${expected}, but the backend runs libtensorflow ${libtensorflow}.`);
      }
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
