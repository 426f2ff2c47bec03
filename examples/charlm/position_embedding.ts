/**
 * Adds a learned embedding of each position to a [batch, S, features] input:
 * the one piece of a transformer tfjs-layers lacks. Registered with
 * tf.serialization, so saved models reload with it.
 */
import * as tf from '@tensorflow/tfjs';
import type {Kwargs} from '@tensorflow/tfjs-layers/dist/types';

export class PositionEmbedding extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'CharLMPositionEmbedding';
  private positions: tf.LayerVariable|null = null;

  override build(inputShape: tf.Shape|tf.Shape[]): void {
    const [, length, features] = inputShape as tf.Shape;
    if (length == null || features == null) {
      throw new Error(`PositionEmbedding needs a known sequence length and width, but got input shape [${inputShape}].`);
    }
    this.positions = this.addWeight('positions', [length, features], 'float32', tf.initializers.randomNormal({stddev: 0.02}));
    this.built = true;
  }

  override call(inputs: tf.Tensor|tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.add(x, this.positions!.read());
    });
  }
}
tf.serialization.registerClass(PositionEmbedding);
