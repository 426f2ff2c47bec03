/**
 * A small decoder-only transformer over characters, built from standard
 * tfjs layers around blockSparseMultiHeadAttention: embedding + positions,
 * `numLayers` pre-norm blocks (causal attention and a dense MLP, each with a
 * residual), a final layerNorm and logits over the alphabet.
 * `attention: 'dense'` builds the same model with a full causal layout,
 * which the layer computes exactly as dense attention.
 */
import * as tf from '@tensorflow/tfjs';

import {AttentionPattern, blockSparseMultiHeadAttention} from '../../src/layers/exports';

import {PositionEmbedding} from './position_embedding';

export type AttentionKind = 'sparse'|'dense';
export const PATTERN_NAMES = ['local', 'strided', 'fixed', 'bigbird'] as const;
export type PatternName = typeof PATTERN_NAMES[number];

export interface CharLMConfig {
  vocabularySize: number;
  sequenceLength: number;
  modelDim: number;
  numHeads: number;
  numLayers: number;
  blockSize: number;
  attention: AttentionKind;
  /** The sparse layout's generator; its size parameter is `patternBlocks`. */
  pattern: PatternName;
  /** windowBlocks of local and bigbird, strideBlocks of strided and fixed. */
  patternBlocks: number;
}

export const DEFAULT_CHARLM_CONFIG: Omit<CharLMConfig, 'vocabularySize'> = {
  sequenceLength: 128, modelDim: 64, numHeads: 4, numLayers: 2, blockSize: 16,
  attention: 'sparse', pattern: 'strided', patternBlocks: 3,
};

export function attentionPattern(config: CharLMConfig): AttentionPattern {
  if (config.attention === 'dense') return {type: 'dense'};
  const blocks = config.patternBlocks;
  switch (config.pattern) {
    case 'local': return {type: 'local', windowBlocks: blocks};
    case 'strided': return {type: 'strided', strideBlocks: blocks};
    case 'fixed': return {type: 'fixed', strideBlocks: blocks};
    case 'bigbird': return {type: 'bigbird', windowBlocks: blocks, globalBlocks: 1, randomBlocks: 1, seed: 1};
  }
}

/** x + attention(layerNorm(x)), then x + mlp(layerNorm(x)): one pre-norm transformer block. */
export function transformerBlock(x: tf.SymbolicTensor, config: CharLMConfig, name: string): tf.SymbolicTensor {
  const {modelDim, numHeads} = config;
  const attention = blockSparseMultiHeadAttention({
    numHeads, keyDim: modelDim / numHeads, blockSize: config.blockSize, pattern: attentionPattern(config),
    causal: true, name: `${name}_attention`,
  });
  const normed = tf.layers.layerNormalization({name: `${name}_norm1`}).apply(x);
  x = tf.layers.add().apply([x, attention.apply(normed) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({units: 4 * modelDim, activation: 'gelu', name: `${name}_mlp1`})
      .apply(tf.layers.layerNormalization({name: `${name}_norm2`}).apply(x));
  const mlp = tf.layers.dense({units: modelDim, name: `${name}_mlp2`}).apply(hidden) as tf.SymbolicTensor;
  return tf.layers.add().apply([x, mlp]) as tf.SymbolicTensor;
}

/** [batch, S] character ids -> [batch, S, vocabularySize] logits of the next character. */
export function buildCharLM(config: CharLMConfig): tf.LayersModel {
  if (config.modelDim % config.numHeads !== 0) {
    throw new Error(`modelDim must be a multiple of numHeads (${config.numHeads}), but got ${config.modelDim}.`);
  }
  const ids = tf.input({shape: [config.sequenceLength], dtype: 'int32', name: 'characters'});
  const embedded = tf.layers.embedding({inputDim: config.vocabularySize, outputDim: config.modelDim, name: 'embedding'}).apply(ids);
  let x = new PositionEmbedding({name: 'positions'}).apply(embedded) as tf.SymbolicTensor;
  for (let i = 0; i < config.numLayers; i++) x = transformerBlock(x, config, `block${i}`);
  x = tf.layers.layerNormalization({name: 'final_norm'}).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({units: config.vocabularySize, name: 'logits'}).apply(x) as tf.SymbolicTensor;
  return tf.model({inputs: ids, outputs: logits, name: `charlm_${config.attention}`});
}
