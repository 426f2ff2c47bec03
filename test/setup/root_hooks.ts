/**
 * Mocha root hooks: select the backend before any spec and check after every
 * spec that it is still the one in use.
 */
import * as tf from '@tensorflow/tfjs-core';

// Users load the union package, which also registers every standard gradient.
import '@tensorflow/tfjs';
import '../../src/index';

import {requestedBackend, useRequestedBackend} from './backends';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(300000);
    const name = await useRequestedBackend();
    console.log(`    [tfjs-blocksparse tests] backend in use: ${tf.getBackend()}`);
    if (tf.getBackend() !== name) throw new Error('backend changed');
  },
  afterEach() {
    const expected = requestedBackend();
    if (tf.getBackend() !== expected) {
      throw new Error(`Test ran on backend '${tf.getBackend()}', expected '${
          expected}'.`);
    }
  },
};
