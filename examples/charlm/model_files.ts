/**
 * Saves and loads a character model as a directory: model.json +
 * weights.bin (the repo's Node model-directory handler), alphabet.json and
 * charlm.json (configuration, data, validation perplexity). The browser page
 * loads the same directory over HTTP.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

import {modelDirectory} from '../../scripts/lib/model_directory';
import '../../src/index';  // registers blockSparseMultiHeadAttention for deserialization
import './position_embedding';

import {Alphabet} from './data/alphabet';
import {CharLMConfig} from './model';

export interface CharLMMetadata {
  format: 'tfjs-blocksparse-charlm/1';
  model: CharLMConfig;
  trainedOn: string;
  steps: number;
  backend: string;
  validationPerplexity?: number;
}

export async function saveCharLM(model: tf.LayersModel, dir: string, alphabet: Alphabet, metadata: CharLMMetadata): Promise<void> {
  await model.save(modelDirectory(dir));
  fs.writeFileSync(path.join(dir, 'alphabet.json'), JSON.stringify(alphabet.toJSON()));
  fs.writeFileSync(path.join(dir, 'charlm.json'), JSON.stringify(metadata, null, 1));
}

function readJson<T>(file: string, what: string): T {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: expected a ${what} saved by 'npm run charlm -- train'.`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export async function loadCharLM(dir: string): Promise<{model: tf.LayersModel, alphabet: Alphabet, metadata: CharLMMetadata}> {
  const model = await tf.loadLayersModel(modelDirectory(dir));
  const alphabet = Alphabet.fromJSON(readJson(path.join(dir, 'alphabet.json'), 'alphabet'));
  const metadata = readJson<CharLMMetadata>(path.join(dir, 'charlm.json'), 'character model description');
  return {model, alphabet, metadata};
}
