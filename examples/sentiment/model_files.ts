/**
 * Saves and loads a sentiment model as a directory in the standard tfjs
 * layout (model.json + weights.bin), plus vocabulary.json and
 * sentiment.json, from Node on any backend (tfjs-node's file:// handler is
 * only there when tfjs-node is loaded). The browser page loads the same
 * directory over HTTP with tf.loadLayersModel('/models/NAME/model.json').
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

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
  fs.mkdirSync(dir, {recursive: true});
  await model.save(tf.io.withSaveHandler(async artifacts => {
    const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData!);
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(weights));
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology!,
      format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy,
      weightsManifest: [{paths: ['weights.bin'], weights: artifacts.weightSpecs!}],
    };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(modelJson));
    return {modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts)};
  }));
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
  const modelJson = readJson<tf.io.ModelJSON>(path.join(dir, 'model.json'), 'model topology');
  const weightFile = path.join(dir, modelJson.weightsManifest[0].paths[0]);
  if (!fs.existsSync(weightFile)) throw new Error(`${weightFile} is missing: the weights named by ${path.join(dir, 'model.json')}.`);
  const bytes = fs.readFileSync(weightFile);
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest.flatMap(group => group.weights),
    weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  }));
  const vocabulary = Vocabulary.fromJSON(readJson(path.join(dir, 'vocabulary.json'), 'vocabulary'));
  const metadata = readJson<SentimentMetadata>(path.join(dir, 'sentiment.json'), 'sentiment model description');
  return {model, vocabulary, metadata};
}
