/**
 * Records the TensorFlow ops the `tensorflow` backend runs, by wrapping its
 * executeSingleOutput / executeMultipleOutputs: how the specs tell which path
 * a block-sparse kernel took (the native op, or a plan's composed ops).
 */
import * as tf from '@tensorflow/tfjs-core';

import {loadNativeAddon} from '../../src/kernels/tensorflow/native_addon';
import type {TFNodeBackend} from '../../src/kernels/tensorflow/tf_ops';

/** The native ops' TensorFlow names, as the addon exports them; none when it did not load. */
export function nativeOpNames(): string[] {
  const addon = loadNativeAddon().addon;
  return addon == null ? [] : Object.values(addon.ops);
}

type Listener = (op: string) => void;
const listeners = new Set<Listener>();
let installed: TFNodeBackend|null = null;

/** Wraps the backend's op entry points once; listeners see every op name. */
function install(backend: TFNodeBackend): void {
  if (installed === backend) return;
  installed = backend;
  const single = backend.executeSingleOutput.bind(backend);
  const multiple = backend.executeMultipleOutputs.bind(backend);
  backend.executeSingleOutput = (op, attrs, inputs) => {
    listeners.forEach(listener => listener(op));
    return single(op, attrs, inputs);
  };
  backend.executeMultipleOutputs = (op, attrs, inputs, count) => {
    listeners.forEach(listener => listener(op));
    return multiple(op, attrs, inputs, count);
  };
}

/** Calls `listener` with every op name the current backend runs until removed. */
export function onTensorflowOp(listener: Listener): () => void {
  install(tf.backend() as unknown as TFNodeBackend);
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The op names `body` made the backend run, in order. */
export function opsRunBy<T>(body: () => T): {result: T, ops: string[]} {
  const ops: string[] = [];
  const remove = onTensorflowOp(op => ops.push(op));
  try {
    return {result: body(), ops};
  } finally {
    remove();
  }
}
