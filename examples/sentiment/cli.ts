/**
 * `npm run sentiment -- <command> [options]`: train, evaluate and query a
 * (block-sparse) LSTM sentiment classifier from the command line.
 *
 *   train     [--backend tensorflow|webgpu|cpu] [--data PATH] [--model sparse|dense]
 *             [--hidden 256] [--density 0.125] [--block-size 32] [--layout balanced]
 *             [--embedding 64] [--epochs 2] [--batch-size 64] [--max-length 50]
 *             [--vocab-size 20000] [--min-count 1] [--lr 0.003] [--dropout 0.3]
 *             [--seed 1] [--max-batches N] [--time-limit MINUTES] [--out DIR]
 *   evaluate  --model DIR [--data FILE] [--backend ...]
 *   predict   --model DIR [--backend ...] "some sentence" ["another" ...]
 *
 * The data path defaults to ../shared/data when it exists.
 */
import * as tf from '@tensorflow/tfjs';

import {loadBackend, NodeBackend, NODE_BACKENDS} from '../select_backend';

import {loadSentimentData, readLabeledTsv} from './data/node_files';
import {Vocabulary} from './data/vocabulary';
import {buildSentimentModel, DEFAULT_MODEL_CONFIG, recurrentParameterCount, SentimentModelConfig} from './model';
import {loadSentimentModel, saveSentimentModel} from './model_files';
import {BatchReport, compileForTraining, encodeExamples, evaluateSet, predictSet, trainEpoch} from './training';
import {LayoutType} from '../../src/layout/generators';

type Options = Map<string, string>;

/** Splits argv into flags (--name value) and positional words. */
export function parseArgs(argv: string[]): {options: Options, words: string[]} {
  const options: Options = new Map();
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      const next = argv[i + 1];
      options.set(argv[i].slice(2), next == null || next.startsWith('--') ? 'true' : argv[++i]);
    } else {
      words.push(argv[i]);
    }
  }
  return {options, words};
}

function numberOption(options: Options, name: string, fallback: number): number {
  const text = options.get(name);
  if (text == null) return fallback;
  const value = text.includes('/') ? Number(text.split('/')[0]) / Number(text.split('/')[1]) : Number(text);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, but got '${text}'.`);
  return value;
}

async function startBackend(options: Options, fallback: NodeBackend): Promise<NodeBackend> {
  const name = (options.get('backend') ?? fallback) as NodeBackend;
  if (!NODE_BACKENDS.includes(name)) throw new Error(`--backend must be one of ${NODE_BACKENDS.join(', ')}, but got '${name}'.`);
  await loadBackend(name);
  return name;
}

function progressLine(epoch: number, epochs: number, r: BatchReport): string {
  const width = 30, done = Math.round((r.batch / r.batches) * width);
  return `epoch ${epoch}/${epochs} [${'='.repeat(done)}${' '.repeat(width - done)}] ${r.batch}/${r.batches} ` +
      `loss ${r.loss.toFixed(4)} acc ${r.accuracy.toFixed(4)} ${Math.round(r.tokensPerSecond)} tok/s`;
}

export interface TrainResult {
  /** Best dev accuracy over the epochs (the saved model's). */
  devAccuracy: number;
  trainSeconds: number;
  tokensPerSecond: number;
  parameters: number;
  recurrentParameters: number;
}

export async function train(options: Options, log: (line: string) => void = console.log): Promise<TrainResult> {
  const backend = await startBackend(options, 'tensorflow');
  const data = loadSentimentData(options.get('data'));
  const maxLength = numberOption(options, 'max-length', 50);
  const vocabulary = Vocabulary.build(data.train.map(e => e.text), {
    maxSize: numberOption(options, 'vocab-size', DEFAULT_MODEL_CONFIG.vocabularySize),
    minCount: numberOption(options, 'min-count', 1),
  });
  const kind = options.get('model') ?? 'sparse';
  if (kind !== 'sparse' && kind !== 'dense') throw new Error(`--model must be 'sparse' or 'dense', but got '${kind}'.`);
  const config: SentimentModelConfig = {
    vocabularySize: vocabulary.size,
    embeddingSize: numberOption(options, 'embedding', DEFAULT_MODEL_CONFIG.embeddingSize),
    hiddenSize: numberOption(options, 'hidden', DEFAULT_MODEL_CONFIG.hiddenSize),
    sparse: kind === 'sparse',
    density: numberOption(options, 'density', DEFAULT_MODEL_CONFIG.density),
    blockSize: numberOption(options, 'block-size', DEFAULT_MODEL_CONFIG.blockSize),
    layoutType: (options.get('layout') ?? DEFAULT_MODEL_CONFIG.layoutType) as LayoutType,
    seed: numberOption(options, 'seed', 1),
    dropout: numberOption(options, 'dropout', DEFAULT_MODEL_CONFIG.dropout),
  };
  const epochs = numberOption(options, 'epochs', 2);
  const batchSize = numberOption(options, 'batch-size', 64);
  const maxBatches = numberOption(options, 'max-batches', Infinity);
  const timeLimitMs = numberOption(options, 'time-limit', Infinity) * 60000;
  const train = encodeExamples(data.train, vocabulary, maxLength);
  const dev = encodeExamples(data.dev, vocabulary, maxLength);
  const model = buildSentimentModel(config);
  compileForTraining(model, numberOption(options, 'lr', 0.003));
  const recurrent = recurrentParameterCount(config);
  log(`backend ${backend}; data: ${data.description} (${data.train.length} train, ${data.dev.length} dev); ` +
      `vocabulary ${vocabulary.size}`);
  log(`model: ${config.sparse ? `block-sparse LSTM, density ${config.density}, b=${config.blockSize}, ${config.layoutType}` : 'dense LSTM'}` +
      `, hidden ${config.hiddenSize}, ${model.countParams()} parameters (${recurrent} recurrent)`);
  const out = options.get('out') ?? `sentiment-models/${config.sparse ? 'sparse' : 'dense'}-h${config.hiddenSize}`;
  const start = performance.now();
  let devAccuracy = NaN, tokensPerSecond = 0;
  const interactive = process.stderr.isTTY;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let lastPrinted = 0;
    const report = await trainEpoch(model, train, batchSize, config.seed + epoch, r => {
      const now = performance.now();
      if (interactive || now - lastPrinted > 10000 || r.batch === r.batches) {
        process.stderr.write((interactive ? '\r' : '') + progressLine(epoch, epochs, r) + (interactive ? '' : '\n'));
        lastPrinted = now;
      }
    }, {maxBatches, deadline: start + timeLimitMs});
    if (interactive) process.stderr.write('\n');
    tokensPerSecond = report.tokensPerSecond;
    const epochAccuracy = (await evaluateSet(model, dev)).accuracy;
    log(`epoch ${epoch}: train loss ${report.loss.toFixed(4)} acc ${report.accuracy.toFixed(4)}, ` +
        `dev acc ${epochAccuracy.toFixed(4)}, ${Math.round(report.tokensPerSecond)} tok/s, ` +
        `${((performance.now() - start) / 60000).toFixed(1)} min`);
    // Keep the epoch that does best on dev (early stopping): the LSTM overfits SST-2 within a few epochs.
    if (!(epochAccuracy <= devAccuracy)) {
      devAccuracy = epochAccuracy;
      await saveSentimentModel(model, out, vocabulary, {
        format: 'tfjs-blocksparse-sentiment/1', model: config, maxLength, trainedOn: data.description, devAccuracy});
      log(`  saved to ${out} (best dev accuracy so far)`);
    }
    if (performance.now() - start > timeLimitMs) {
      log(`time limit of ${timeLimitMs / 60000} min reached`);
      break;
    }
  }
  const trainSeconds = (performance.now() - start) / 1000;
  log(`best dev accuracy ${devAccuracy.toFixed(4)}; model and vocabulary in ${out}`);
  const result = {devAccuracy, trainSeconds, tokensPerSecond, parameters: model.countParams(), recurrentParameters: recurrent};
  model.dispose();
  return result;
}

async function evaluate(options: Options) {
  const dir = options.get('model');
  if (dir == null) throw new Error(`evaluate needs --model DIR (a directory written by 'train').`);
  await startBackend(options, 'cpu');
  const {model, vocabulary, metadata} = await loadSentimentModel(dir);
  const file = options.get('data');
  const examples = file != null ? readLabeledTsv(file) : loadSentimentData().dev;
  const result = await evaluateSet(model, encodeExamples(examples, vocabulary, metadata.maxLength));
  console.log(`${examples.length} examples from ${file ?? 'the SST-2 dev split'}: accuracy ${result.accuracy.toFixed(4)}, loss ${result.loss.toFixed(4)}`);
}

async function predict(options: Options, sentences: string[]) {
  const dir = options.get('model');
  if (dir == null) throw new Error(`predict needs --model DIR (a directory written by 'train').`);
  if (sentences.length === 0) throw new Error(`predict needs at least one sentence, e.g. predict --model ${dir} "a gorgeous, witty film"`);
  await startBackend(options, 'cpu');
  const {model, vocabulary, metadata} = await loadSentimentModel(dir);
  const examples = sentences.map(text => ({text, label: 0 as const}));
  const p = await predictSet(model, encodeExamples(examples, vocabulary, metadata.maxLength));
  sentences.forEach((s, i) => console.log(`${p[i] >= 0.5 ? 'positive' : 'negative'} (${p[i].toFixed(3)})  ${s}`));
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const {options, words} = parseArgs(rest);
  switch (command) {
    case 'train':
      await train(options);
      break;
    case 'evaluate':
      await evaluate(options);
      break;
    case 'predict':
      await predict(options, words);
      break;
    default:
      console.error(`usage: npm run sentiment -- train|evaluate|predict [options]\n` +
          `  got command '${command ?? ''}'; see examples/sentiment/cli.ts for the options.`);
      process.exit(2);
  }
}

if (require.main === module) {
  main().catch(error => {
    // The message is what a user needs; DEBUG=1 adds the stack.
    console.error(error instanceof Error ? (process.env.DEBUG ? error.stack : error.message) : error);
    process.exit(1);
  });
}
