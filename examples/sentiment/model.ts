/**
 * The sentiment classifier: embedding (padding id 0 masked) -> LSTM (dense
 * tf.layers.lstm or tfbs blockSparseLSTM) -> sigmoid. Shared by the Node
 * command and the browser page so a model trained in one loads in the other.
 */
import * as tf from '@tensorflow/tfjs';

import * as tfbs from '../../src/index';
import type {LayoutType} from '../../src/layout/generators';

export interface SentimentModelConfig {
  vocabularySize: number;
  embeddingSize: number;
  hiddenSize: number;
  /** Block-sparse recurrent (and input) kernels, or a dense tf.layers.lstm. */
  sparse: boolean;
  /** Density of the block-sparse kernels, in (0, 1]. */
  density: number;
  blockSize: number;
  layoutType: LayoutType;
  seed: number;
  /** Dropout on the LSTM output before the classifier. */
  dropout: number;
}

export const DEFAULT_MODEL_CONFIG: SentimentModelConfig = {
  vocabularySize: 20000,
  embeddingSize: 64,
  hiddenSize: 256,
  sparse: true,
  density: 1 / 8,
  blockSize: 32,
  layoutType: 'balanced',
  seed: 1,
  dropout: 0.3,
};

export function buildSentimentModel(config: SentimentModelConfig): tf.LayersModel {
  const model = tf.sequential();
  // Variable-length input: each batch is padded only to its longest sentence.
  model.add(tf.layers.embedding({
    inputDim: config.vocabularySize, outputDim: config.embeddingSize, maskZero: true,
    inputShape: [null as unknown as number], embeddingsInitializer: tf.initializers.randomUniform({minval: -0.05, maxval: 0.05, seed: config.seed}),
  }));
  if (config.sparse) {
    model.add(tfbs.layers.blockSparseLSTM({
      units: config.hiddenSize, blockSize: config.blockSize, recurrentDensity: config.density,
      layoutType: config.layoutType, seed: config.seed, unitForgetBias: true,
    }));
  } else {
    model.add(tf.layers.lstm({units: config.hiddenSize, recurrentActivation: 'sigmoid', unitForgetBias: true}));
  }
  if (config.dropout > 0) model.add(tf.layers.dropout({rate: config.dropout, seed: config.seed}));
  model.add(tf.layers.dense({units: 1, activation: 'sigmoid'}));
  return model;
}

/**
 * Parameters of the recurrent kernel U [hidden, 4 * hidden]: the budget the
 * dense-against-sparse comparison holds equal (dense 362 ~ sparse 1024 at 1/8).
 */
export function recurrentParameterCount(config: Pick<SentimentModelConfig, 'hiddenSize'|'sparse'|'density'>): number {
  const full = 4 * config.hiddenSize * config.hiddenSize;
  return config.sparse ? Math.round(full * config.density) : full;
}
