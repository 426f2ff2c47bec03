/**
 * Calls of the native ops as the kernels make them, for the specs that feed
 * them malformed input directly (test/tensorflow/).
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {loadNativeAddon, NativeAddon} from '../../src/kernels/tensorflow/native_addon';
import type {TFEOpAttr, TFNodeBackend} from '../../src/kernels/tensorflow/tf_ops';

export function nativeAddon(): NativeAddon {
  const load = loadNativeAddon();
  if (load.addon == null) throw new Error(`native addon: ${load.reason}`);
  return load.addon;
}

export function tfNodeBackend(): TFNodeBackend {
  return tf.backend() as unknown as TFNodeBackend;
}

/** Runs the raw op; one tensor per output. */
export function runRawOp(
    op: string, attrs: TFEOpAttr[], inputs: tf.TensorInfo[], numOutputs = 1): tf.Tensor[] {
  const backend = tfNodeBackend();
  return numOutputs === 1 ? [backend.executeSingleOutput(op, attrs, inputs)] :
                            backend.executeMultipleOutputs(op, attrs, inputs, numOutputs);
}

/**
 * Runs the raw op on the inputs `makeInputs` creates and returns the error it
 * throws (failing if none); once the inputs are disposed, no engine tensor
 * or TF handle is left over.
 */
export function errorOfRawOp(
    op: string, attrs: TFEOpAttr[], makeInputs: () => tf.Tensor[], numOutputs = 1): string {
  const backend = tfNodeBackend();
  const tensors = tf.memory().numTensors;
  const handles = backend.binding.getNumOfTensors();
  const inputs = makeInputs();
  let message = '';
  try {
    tf.dispose(runRawOp(op, attrs, inputs, numOutputs));
  } catch (error) {
    message = (error as Error).message;
  }
  tf.dispose(inputs);
  expect(tf.memory().numTensors, 'engine tensors after the error').to.equal(tensors);
  expect(backend.binding.getNumOfTensors(), 'TF handles after the error').to.equal(handles);
  expect(message, `${op} accepted bad input`).to.not.equal('');
  return message;
}
