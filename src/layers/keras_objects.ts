/**
 * Initializers, regularizers and activations given in tfjs style (a string
 * such as 'glorotUniform', an instance such as `tf.initializers.zeros()`, or
 * the `{className, config}` form a saved model holds), resolved through the
 * public serialization registry, since tfjs-layers does not export its own
 * `getInitializer` / `getActivation` helpers.
 *
 * ```js
 * const init = resolveInitializer('glorotUniform', 'kernelInitializer');
 * const act = resolveActivation('relu', 'activation');
 * act.apply(tf.tensor([-1, 2])).print();  // [0, 2]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type {Initializer} from '@tensorflow/tfjs-layers/dist/initializers';
import type {Regularizer} from '@tensorflow/tfjs-layers/dist/regularizers';

import {argumentError} from '../errors';

/** A tfjs Initializer (the class tfjs-layers does not export by name). */
export type InitializerLike = Initializer;
/** A tfjs Regularizer (the class tfjs-layers does not export by name). */
export type RegularizerLike = Regularizer;
/** What the layers need of a tfjs activation. */
export interface ActivationLike extends tf.serialization.Serializable {
  apply(x: tf.Tensor, axis?: number): tf.Tensor;
}

/**
 * The `{className, config}` form tfjs stores nested objects in; a type
 * literal, so it is a `ConfigDict` value without a cast.
 */
export type SerializedObject = {
  className: string;
  config: tf.serialization.ConfigDict;
};

export type InitializerIdentifier = string|InitializerLike|SerializedObject;
export type RegularizerIdentifier = string|RegularizerLike|SerializedObject;
export type ActivationIdentifier = string|ActivationLike;

function isSerializedObject(value: unknown): value is SerializedObject {
  return value != null && typeof value === 'object' &&
      typeof (value as SerializedObject).className === 'string';
}

function hasApply(value: unknown): boolean {
  return value instanceof tf.serialization.Serializable &&
      typeof (value as {apply?: unknown}).apply === 'function';
}

/**
 * Builds a registered class from its `{className, config}` form; the caller
 * names the kind it expects, the registry only knows it is Serializable.
 */
function fromRegistry<T extends tf.serialization.Serializable>(
    fn: string, arg: string, kind: string, value: SerializedObject): T {
  const entry =
      tf.serialization.SerializationMap.getMap().classNameMap[value.className];
  if (entry == null) {
    throw argumentError(
        fn, arg, `a registered ${kind} class name`, `'${value.className}'`);
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, value.config ?? {}) as T;
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One of the factories of `tf.initializers` ('glorotUniform', 'zeros', ...). */
function isInitializerFactory(name: string):
    name is keyof typeof tfl.initializers {
  return Object.prototype.hasOwnProperty.call(tfl.initializers, name);
}

/**
 * An initializer from a tfjs identifier: 'glorotUniform', 'zeros', ...
 * (the factories of `tf.initializers`), a registered class name, an instance,
 * or `{className, config}`.
 */
export function resolveInitializer(
    value: InitializerIdentifier, arg: string,
    fn = 'initializer'): InitializerLike {
  if (hasApply(value)) return value as InitializerLike;
  if (typeof value === 'string') {
    if (isInitializerFactory(value)) {
      // Each factory takes its own args type; a bare name means defaults.
      return (tfl.initializers[value] as (args: object) => Initializer)({});
    }
    return fromRegistry<InitializerLike>(
        fn, arg, 'initializer', {className: upperFirst(value), config: {}});
  }
  if (isSerializedObject(value)) {
    return fromRegistry<InitializerLike>(fn, arg, 'initializer', value);
  }
  throw argumentError(
      fn, arg, 'an initializer name, instance or {className, config}', value);
}

/** A regularizer from 'l1l2', an instance, or `{className, config}`; or null. */
export function resolveRegularizer(
    value: RegularizerIdentifier|null|undefined, arg: string,
    fn = 'regularizer'): RegularizerLike|null {
  if (value == null) return null;
  if (hasApply(value)) return value as RegularizerLike;
  if (typeof value === 'string') {
    return fromRegistry<RegularizerLike>(
        fn, arg, 'regularizer', {className: value.toUpperCase(), config: {}});
  }
  if (isSerializedObject(value)) {
    return fromRegistry<RegularizerLike>(fn, arg, 'regularizer', value);
  }
  throw argumentError(
      fn, arg, 'a regularizer name, instance or {className, config}', value);
}

/** An activation from its name ('relu', 'sigmoid', 'linear', ...). */
export function resolveActivation(
    value: ActivationIdentifier, arg: string,
    fn = 'activation'): ActivationLike {
  if (hasApply(value)) return value as ActivationLike;
  if (typeof value === 'string') {
    return fromRegistry<ActivationLike>(fn, arg, 'activation', {className: value, config: {}});
  }
  throw argumentError(fn, arg, 'an activation name such as \'relu\'', value);
}

/** The `{className, config}` form of an initializer or regularizer. */
export function serializeObject(value: tf.serialization.Serializable|null):
    SerializedObject|null {
  if (value == null) return null;
  return {className: value.getClassName(), config: value.getConfig()};
}

/** Activations serialize as their name, as in tfjs. */
export function serializeActivation(value: ActivationLike): string {
  return value.getClassName();
}
