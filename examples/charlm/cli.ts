/**
 * `npm run charlm -- <command> [options]`: a character-level language model
 * on review text with block-sparse (or dense) causal attention.
 *
 *   train     [--backend tensorflow|webgpu|cpu|wasm] [--data DIR] [--attention sparse|dense]
 *             [--pattern strided|local|fixed|bigbird] [--pattern-blocks 3] [--sequence-length 128]
 *             [--block-size 16] [--model-dim 64] [--heads 4] [--layers 2] [--steps 2000]
 *             [--batch-size 32] [--lr 0.002] [--seed 1] [--validation-windows 200] [--out DIR]
 *   evaluate  --model DIR [--data DIR] [--backend ...] [--validation-windows 200]
 *   sample    --model DIR [--backend ...] [--prompt TEXT] [--length 200] [--temperature 0.8] [--seed N]
 *
 * Every command takes --verbose (TensorFlow's C++ log lines). The data
 * directory defaults to ../shared/data, read in place.
 */
import {flagSpecs, parseFlags, parseNumber} from '../../scripts/lib/command_flags';
import {startCommandBackend} from '../../scripts/lib/node_backends';
import {runSubcommands} from '../../scripts/lib/subcommands';

import {loadCorpus} from './data/node_files';
import {AttentionKind, DEFAULT_CHARLM_CONFIG, PATTERN_NAMES, PatternName} from './model';
import {loadCharLM} from './model_files';
import {sampleText} from './sampling';
import {trainCharLM} from './train_model';
import {perplexity} from './training';

const USAGE = 'usage: npm run charlm -- train|evaluate|sample [options] (see examples/charlm/cli.ts)';
const COMMON = {backend: 'tensorflow', verbose: false} as const;

function integer(text: string, flag: string, min = 1): number {
  const value = parseNumber(text, flag);
  if (!Number.isInteger(value) || value < min) throw new Error(`${flag} must be an integer >= ${min}, but got '${text}'.`);
  return value;
}

function oneOf<T extends string>(text: string, flag: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new Error(`${flag} must be one of ${choices.join(', ')}, but got '${text}'.`);
  return text as T;
}

const TRAIN_FLAGS = flagSpecs({
  ...COMMON, data: null, attention: 'sparse', pattern: DEFAULT_CHARLM_CONFIG.pattern,
  'pattern-blocks': String(DEFAULT_CHARLM_CONFIG.patternBlocks), 'sequence-length': '128', 'block-size': '16',
  'model-dim': '64', heads: '4', layers: '2', steps: '2000', 'batch-size': '32', lr: '0.002', seed: '1',
  'validation-windows': '200', out: null,
});

async function train(args: string[]) {
  const flags = parseFlags(args, TRAIN_FLAGS);
  const attention = oneOf<AttentionKind>(flags.attention, '--attention', ['sparse', 'dense']);
  const options = {
    model: {
      sequenceLength: integer(flags['sequence-length'], '--sequence-length'), blockSize: integer(flags['block-size'], '--block-size'),
      modelDim: integer(flags['model-dim'], '--model-dim'), numHeads: integer(flags.heads, '--heads'),
      numLayers: integer(flags.layers, '--layers'), attention,
      pattern: oneOf<PatternName>(flags.pattern, '--pattern', PATTERN_NAMES),
      patternBlocks: integer(flags['pattern-blocks'], '--pattern-blocks'),
    },
    dataPath: flags.data, steps: integer(flags.steps, '--steps'), batchSize: integer(flags['batch-size'], '--batch-size'),
    learningRate: parseNumber(flags.lr, '--lr'), seed: integer(flags.seed, '--seed', 0),
    validationWindows: integer(flags['validation-windows'], '--validation-windows'),
    out: flags.out ?? `charlm-models/${attention}`,
  };
  if (await startCommandBackend(flags.backend, {verbose: flags.verbose}) === undefined) return;
  await trainCharLM(options);
}

function modelDirectory(dir: string|undefined, command: string): string {
  if (dir == null) throw new Error(`${command} needs --model DIR (a directory written by 'train').`);
  return dir;
}

async function evaluate(args: string[]) {
  const flags = parseFlags(args, flagSpecs({...COMMON, model: null, data: null, 'validation-windows': '200'}));
  const dir = modelDirectory(flags.model, 'evaluate');
  const windows = integer(flags['validation-windows'], '--validation-windows');
  if (await startCommandBackend(flags.backend, {verbose: flags.verbose}) === undefined) return;
  const {model, alphabet, metadata} = await loadCharLM(dir);
  const S = metadata.model.sequenceLength;
  const value = await perplexity(model, alphabet.encode(loadCorpus(flags.data).validation), S, 32, windows);
  console.log(`${metadata.model.attention} model ${dir}: validation perplexity ${value.toFixed(3)} (SST-2 dev, up to ${windows} windows of ${S})`);
}

async function sample(args: string[]) {
  const flags = parseFlags(args, flagSpecs({...COMMON, model: null, prompt: '', length: '200', temperature: '0.8', seed: null}));
  const dir = modelDirectory(flags.model, 'sample');
  const options = {
    prompt: flags.prompt, length: integer(flags.length, '--length', 0), temperature: parseNumber(flags.temperature, '--temperature'),
    seed: flags.seed == null ? undefined : integer(flags.seed, '--seed', 0),
  };
  if (await startCommandBackend(flags.backend, {verbose: flags.verbose}) === undefined) return;
  const {model, alphabet} = await loadCharLM(dir);
  console.log(options.prompt + await sampleText(model, alphabet, options));
}

runSubcommands(USAGE, new Map([['train', train], ['evaluate', evaluate], ['sample', sample]]));
