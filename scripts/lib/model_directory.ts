/**
 * A tfjs IOHandler for a model saved as a directory in the standard tfjs
 * layout (model.json + weights.bin), in Node on any backend: tfjs-node's
 * file:// handler exists only when tfjs-node is loaded. The layers tests
 * (test/layers/) and the sentiment example (examples/sentiment/) both save
 * and load through it; it lives in scripts/lib, the repo's shared tooling, so
 * neither imports the other's folder. tfjs-node's file:// handler and a
 * browser's tf.loadLayersModel(url) read the same directory
 * (test/tensorflow/file_io.spec.ts).
 *
 *   await model.save(modelDirectory('models/a'));
 *   const loaded = await tf.loadLayersModel(modelDirectory('models/a'));
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

function readModelJson(file: string): tf.io.ModelJSON {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: expected a model saved with model.save().`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as tf.io.ModelJSON;
  } catch (error) {
    throw new Error(`${file}: expected the JSON of a tfjs model, but parsing failed: ${(error as Error).message}`);
  }
}

/** Weight files in manifest order, joined: the layout tfjs's own handlers read. */
function readWeights(dir: string, manifest: tf.io.WeightsManifestConfig): [tf.io.WeightsManifestEntry[], ArrayBuffer] {
  const buffers = manifest.flatMap(group => group.paths).map(name => {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: the weights named by ${path.join(dir, MODEL_JSON)}.`);
    const bytes = fs.readFileSync(file);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  });
  return [manifest.flatMap(group => group.weights), tf.io.concatenateArrayBuffers(buffers)];
}

export function modelDirectory(dir: string): tf.io.IOHandler {
  const jsonPath = path.join(dir, MODEL_JSON);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error(`modelDirectory(${dir}).save: expected a JSON model topology, but got binary (a graph model).`);
      }
      fs.mkdirSync(dir, {recursive: true});
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      fs.writeFileSync(path.join(dir, WEIGHTS_BIN), Buffer.from(weights));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology!,
        format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy,
        trainingConfig: artifacts.trainingConfig, userDefinedMetadata: artifacts.userDefinedMetadata,
        weightsManifest: [{paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? []}],
      };
      fs.writeFileSync(jsonPath, JSON.stringify(modelJson));
      return {modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts)};
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = readModelJson(jsonPath);
      return tf.io.getModelArtifactsForJSON(modelJson, async manifest => readWeights(dir, manifest));
    },
  };
}
