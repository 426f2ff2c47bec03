/**
 * Saves and loads a sentiment model as a directory: the standard tfjs layout
 * (model.json + weights.bin, written by the repo's one Node model-directory
 * handler), plus vocabulary.json and sentiment.json. The browser page loads
 * the same directory over HTTP with tf.loadLayersModel('/models/NAME/model.json').
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

import {modelDirectory} from '../../scripts/lib/model_directory';
import '../../src/index';  // registers the block-sparse layer classes for deserialization

import {Vocabulary} from './data/vocabulary';
import {SentimentModelConfig} from './model';

/** What is saved beside the weights: how to encode text and what was trained. */
export interface SentimentMetadata {
  format: 'tfjs-blocksparse-sentiment/1';
  model: SentimentModelConfig;
  maxLength: number;
  trainedOn: string;
  devAccuracy?: number;
}

export async function saveSentimentModel(
    model: tf.LayersModel, dir: string, vocabulary: Vocabulary, metadata: SentimentMetadata): Promise<void> {
  await model.save(modelDirectory(dir));
  fs.writeFileSync(path.join(dir, 'vocabulary.json'), JSON.stringify(vocabulary.toJSON()));
  fs.writeFileSync(path.join(dir, 'sentiment.json'), JSON.stringify(metadata, null, 1));
}

function readJson<T>(file: string, what: string): T {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: expected a ${what} saved by 'npm run sentiment -- train'.`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${file}: expected JSON (${what}), but parsing failed: ${(error as Error).message}`);
  }
}

export async function loadSentimentModel(dir: string):
    Promise<{model: tf.LayersModel, vocabulary: Vocabulary, metadata: SentimentMetadata}> {
  const model = await tf.loadLayersModel(modelDirectory(dir));
  const vocabulary = Vocabulary.fromJSON(readJson(path.join(dir, 'vocabulary.json'), 'vocabulary'));
  const metadata = readJson<SentimentMetadata>(path.join(dir, 'sentiment.json'), 'sentiment model description');
  return {model, vocabulary, metadata};
}
