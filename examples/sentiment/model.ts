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
  /**
   * Dropout on the LSTM's inputs (the embeddings), inside the LSTM layer: a
   * separate tf.layers.dropout fails at predict time in esbuild bundles of
   * tfjs-layers 4.22 ("Cannot read properties of null (reading 'clone')").
   */
  dropout: number;
  /**
   * Start the block-sparse recurrent kernel with every block, for pruning
   * to `density` while training (layout_learning.ts); default false.
   */
  startDense?: boolean;
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
    const {hiddenSize: units, blockSize} = config;
    model.add(tfbs.layers.blockSparseLSTM({
      units, blockSize, layoutType: config.layoutType, seed: config.seed, unitForgetBias: true, dropout: config.dropout,
      ...(config.startDense ? {recurrentLayout: tfbs.BlockLayout.dense(units, 4 * units, blockSize)} :
                              {recurrentDensity: config.density}),
    }));
  } else {
    // The same layer with dense kernels computes tf.layers.lstm's function
    // (test/layers/lstm_equivalence.spec.ts) and, unlike tf.layers.lstm in
    // tfjs 4.22, masks padded steps correctly on webgpu.
    model.add(tfbs.layers.blockSparseLSTM({
      units: config.hiddenSize, seed: config.seed, unitForgetBias: true, dropout: config.dropout,
    }));
  }
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
