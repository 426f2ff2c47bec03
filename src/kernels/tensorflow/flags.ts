/**
 * tf.env() flags of the `tensorflow` kernels, as tfjs-backend-webgpu's
 * `WEBGPU_MATMUL_PROGRAM_TYPE`: a user or a test forces a path with
 * `tf.env().set(name, value)`, and the kernels read it on every call.
 *
 * ```js
 * tf.env().set('BLOCKSPARSE_TENSORFLOW_NATIVE', false);     // composed TF ops
 * tf.env().set('BLOCKSPARSE_TENSORFLOW_PLAN', 'grouped');   // and this plan
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

/** Use the native CPU kernels when the addon is built and tensors are on the CPU. */
export const NATIVE_FLAG = 'BLOCKSPARSE_TENSORFLOW_NATIVE';
/** Composed path only: 'auto' (the cost model), or 'dense', 'grouped', 'blockwise'. */
export const PLAN_FLAG = 'BLOCKSPARSE_TENSORFLOW_PLAN';
/** Grouped plan: the cost of one bucket in block slots; 0 means the cost model's. */
export const BUCKET_SLOTS_FLAG = 'BLOCKSPARSE_TENSORFLOW_BUCKET_SLOTS';
/** Grouped plan: target bytes of gathered blocks per row chunk; 0 means the default. */
export const CHUNK_BYTES_FLAG = 'BLOCKSPARSE_TENSORFLOW_CHUNK_BYTES';

export type TensorflowPlan = 'dense'|'grouped'|'blockwise';
export const TENSORFLOW_PLANS: readonly TensorflowPlan[] = ['dense', 'grouped', 'blockwise'];

const ENV = tf.env();
ENV.registerFlag(NATIVE_FLAG, () => true);
ENV.registerFlag(PLAN_FLAG, () => 'auto');
ENV.registerFlag(BUCKET_SLOTS_FLAG, () => 0);
ENV.registerFlag(CHUNK_BYTES_FLAG, () => 0);

/** The plan forced by PLAN_FLAG, or null for the cost model's choice. */
export function forcedPlan(): TensorflowPlan|null {
  const plan = ENV.get(PLAN_FLAG);
  if (plan === 'auto') return null;
  if (!(TENSORFLOW_PLANS as readonly unknown[]).includes(plan)) {
    // Checked here rather than in a set hook: tfjs stores the value first.
    throw new Error(`tf.env() flag ${PLAN_FLAG} must be one of auto, ${
        TENSORFLOW_PLANS.join(', ')}, but got '${plan}'.`);
  }
  return plan as TensorflowPlan;
}
