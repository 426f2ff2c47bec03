/**
 * `npm run sentiment -- <command> [options]`: train, evaluate and query a
 * (block-sparse) LSTM sentiment classifier from the command line.
 *
 *   train     [--backend tensorflow|webgpu|cpu|wasm] [--data PATH] [--model sparse|dense]
 *             [--hidden 256] [--density 0.125] [--block-size 32] [--layout balanced]
 *             [--embedding 64] [--epochs 2] [--batch-size 64] [--max-length 50]
 *             [--vocab-size 20000] [--min-count 1] [--lr 0.003] [--dropout 0.3]
 *             [--seed 1] [--max-batches N] [--time-limit MINUTES] [--out DIR]
 *             [--learn-layout static|rigl|prune] [--learn-every 100] [--learn-until 2000]
 *   evaluate  --model DIR [--data FILE] [--backend ...]
 *   predict   --model DIR [--backend ...] "some sentence" ["another" ...]
 *
 * Every command takes --verbose, which keeps TensorFlow's C++ log lines. The
 * data path defaults to ../shared/data when it exists. The training itself
 * is train_model.ts; this file only reads flags.
 */
import {flagSpecs, parseFlags, parseFlagsAndWords} from '../../scripts/lib/command_flags';
import {startCommandBackend} from '../../scripts/lib/node_backends';
import {runSubcommands} from '../../scripts/lib/subcommands';

import {loadSentimentData, readLabeledTsv} from './data/node_files';
import {loadSentimentModel} from './model_files';
import {TRAIN_FLAGS, trainOptionsFromFlags} from './train_flags';
import {trainSentimentModel} from './train_model';
import {encodeExamples, evaluateSet, predictSet} from './training';

const USAGE = 'usage: npm run sentiment -- train|evaluate|predict [options] (see examples/sentiment/cli.ts)';

/** Flags of evaluate and predict, whose --model names a saved model's directory. */
const MODEL_FLAGS = flagSpecs({model: null, backend: 'cpu', verbose: false});

async function train(args: string[]) {
  const flags = parseFlags(args, {...TRAIN_FLAGS, ...flagSpecs({backend: 'tensorflow', verbose: false})});
  if (await startCommandBackend(flags.backend, {verbose: flags.verbose}) === undefined) return;
  await trainSentimentModel(trainOptionsFromFlags(flags));
}

function modelDirectory(dir: string|undefined, command: string): string {
  if (dir == null) throw new Error(`${command} needs --model DIR (a directory written by 'train').`);
  return dir;
}

async function evaluate(args: string[]) {
  const flags = parseFlags(args, {...MODEL_FLAGS, ...flagSpecs({data: null})});
  const dir = modelDirectory(flags.model, 'evaluate');
  if (await startCommandBackend(flags.backend, {verbose: flags.verbose}) === undefined) return;
  const {model, vocabulary, metadata} = await loadSentimentModel(dir);
  const examples = flags.data != null ? readLabeledTsv(flags.data) : loadSentimentData().dev;
  const result = await evaluateSet(model, encodeExamples(examples, vocabulary, metadata.maxLength));
  console.log(`${examples.length} examples from ${flags.data ?? 'the SST-2 dev split'}: accuracy ${
      result.accuracy.toFixed(4)}, loss ${result.loss.toFixed(4)}`);
}

async function predict(args: string[]) {
  const {values: flags, positionals: sentences} = parseFlagsAndWords(args, MODEL_FLAGS);
  const dir = modelDirectory(flags.model, 'predict');
  if (sentences.length === 0) {
    throw new Error(`predict needs at least one sentence, e.g. predict --model ${dir} "a gorgeous, witty film"`);
  }
  if (await startCommandBackend(flags.backend, {verbose: flags.verbose}) === undefined) return;
  const {model, vocabulary, metadata} = await loadSentimentModel(dir);
  const examples = sentences.map(text => ({text, label: 0 as const}));
  const p = await predictSet(model, encodeExamples(examples, vocabulary, metadata.maxLength));
  sentences.forEach((s, i) => console.log(`${p[i] >= 0.5 ? 'positive' : 'negative'} (${p[i].toFixed(3)})  ${s}`));
}

runSubcommands(USAGE, new Map([['train', train], ['evaluate', evaluate], ['predict', predict]]));
