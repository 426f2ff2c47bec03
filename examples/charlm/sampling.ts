/**
 * Generates text one character at a time: the model reads the last S
 * characters (fewer at the start, padded after them: causal attention never
 * lets a position see later ones), and the next character is drawn from
 * softmax(logits / temperature) at the last real position, never the
 * unknown character.
 */
import * as tf from '@tensorflow/tfjs';

import {createRng} from '../../src/layout/random';

import {Alphabet} from './data/alphabet';

export interface SampleOptions {
  prompt: string;
  length: number;
  temperature: number;
  seed?: number;
}

/**
 * Index drawn from the probabilities of softmax(logits / temperature),
 * never 0: the unknown character is a placeholder, not text to write.
 */
function draw(logits: Float32Array, temperature: number, random: () => number): number {
  let max = -Infinity;
  for (let i = 1; i < logits.length; i++) max = Math.max(max, logits[i] / temperature);
  const weights = Array.from(logits, (l, i) => i === 0 ? 0 : Math.exp(l / temperature - max));
  let threshold = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    threshold -= weights[i];
    if (threshold <= 0) return i;
  }
  return weights.length - 1;
}

/** The `length` characters generated after the prompt (the prompt not included). */
export async function sampleText(model: tf.LayersModel, alphabet: Alphabet, options: SampleOptions): Promise<string> {
  const {length, temperature} = options;
  if (!(temperature > 0)) throw new Error(`--temperature must be a number > 0, but got ${temperature}.`);
  if (!(Number.isInteger(length) && length >= 0)) throw new Error(`--length must be an integer >= 0, but got ${length}.`);
  const S = model.inputs[0].shape[1]!;
  const rng = createRng(options.seed ?? Date.now());
  const random = () => rng.next();
  // A line break starts a sentence, as in the training text.
  const context = Array.from(alphabet.encode('\n' + options.prompt));
  const generated: number[] = [];
  for (let i = 0; i < length; i++) {
    const window = context.slice(-S);
    const ids = new Int32Array(S);
    ids.set(window);
    const input = tf.tensor2d(ids, [1, S], 'int32');
    const last = tf.tidy(() => tf.reshape(tf.slice(model.predict(input) as tf.Tensor, [0, window.length - 1, 0], [1, 1, -1]), [-1]));
    const next = draw(await last.data() as Float32Array, temperature, random);
    tf.dispose([input, last]);
    context.push(next);
    generated.push(next);
  }
  return alphabet.decode(generated);
}
