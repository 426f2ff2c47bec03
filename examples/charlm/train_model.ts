/**
 * `npm run charlm -- train`: builds the model, trains it on the active
 * backend with Adam, logs the running loss, reports validation perplexity
 * and saves model + alphabet.
 */
import * as tf from '@tensorflow/tfjs';

import {Alphabet} from './data/alphabet';
import {loadCorpus} from './data/node_files';
import {buildCharLM, CharLMConfig} from './model';
import {saveCharLM} from './model_files';
import {perplexity, trainStep, WindowSampler} from './training';

export interface TrainOptions {
  model: Omit<CharLMConfig, 'vocabularySize'>;
  dataPath?: string;
  steps: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Validation windows (of S characters) for perplexity. */
  validationWindows: number;
  out: string;
}

export async function trainCharLM(options: TrainOptions): Promise<number> {
  const corpus = loadCorpus(options.dataPath);
  console.log(`data: ${corpus.description}`);
  const alphabet = Alphabet.build(corpus.train);
  const config: CharLMConfig = {...options.model, vocabularySize: alphabet.size};
  const model = buildCharLM(config);
  const S = config.sequenceLength;
  console.log(`${config.attention} attention${config.attention === 'sparse' ? ` (${config.pattern}, ${config.patternBlocks} blocks)` : ''}, ` +
      `S ${S}, b ${config.blockSize}, ${config.numLayers} layers of width ${config.modelDim}, ${model.countParams()} parameters, ` +
      `alphabet of ${alphabet.size} on ${tf.getBackend()}`);
  const sampler = new WindowSampler(alphabet.encode(corpus.train), S, options.seed);
  const optimizer = tf.train.adam(options.learningRate);
  const started = Date.now();
  let running = 0;
  for (let step = 1; step <= options.steps; step++) {
    const loss = await trainStep(model, optimizer, sampler.next(options.batchSize));
    running = step === 1 ? loss : 0.95 * running + 0.05 * loss;
    if (step % 50 === 0 || step === options.steps) {
      const seconds = (Date.now() - started) / 1000;
      console.log(`step ${step}/${options.steps}: loss ${running.toFixed(3)} (${(step * options.batchSize * S / seconds).toFixed(0)} chars/s)`);
    }
  }
  const validationPerplexity = await perplexity(
      model, alphabet.encode(corpus.validation), S, options.batchSize, options.validationWindows);
  console.log(`validation perplexity ${validationPerplexity.toFixed(3)} (SST-2 dev, up to ${options.validationWindows} windows of ${S})`);
  await saveCharLM(model, options.out, alphabet, {
    format: 'tfjs-blocksparse-charlm/1', model: config, trainedOn: corpus.description, steps: options.steps,
    backend: tf.getBackend(), validationPerplexity,
  });
  console.log(`saved to ${options.out}`);
  optimizer.dispose();
  model.dispose();
  return validationPerplexity;
}
