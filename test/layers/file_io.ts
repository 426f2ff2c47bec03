/**
 * A minimal Node file IOHandler (model.json + weights.bin in a directory),
 * standing in for tfjs-node's file:// handler when tfjs-node is not loaded,
 * so the round trip goes through real JSON text on disk.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

function joinWeightData(data: ArrayBuffer|ArrayBuffer[]): ArrayBuffer {
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

export function fileHandler(dir: string): tf.io.IOHandler {
  const jsonPath = path.join(dir, 'model.json');
  const binPath = path.join(dir, 'weights.bin');
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      fs.mkdirSync(dir, {recursive: true});
      const weightData = joinWeightData(artifacts.weightData!);
      fs.writeFileSync(binPath, Buffer.from(weightData));
      fs.writeFileSync(jsonPath, JSON.stringify({
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest:
            [{paths: ['weights.bin'], weights: artifacts.weightSpecs}],
      }));
      return {modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts)};
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
      const bytes = fs.readFileSync(binPath);
      const weightData =
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: json.weightsManifest[0].weights,
        weightData,
      };
    },
  };
}
