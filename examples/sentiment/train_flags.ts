/**
 * The command-line flags of `train`, shared by the sentiment command (cli.ts)
 * and the comparison (compare.ts, which passes them through), and their
 * translation into typed training options. A flag not given keeps the
 * default of DEFAULT_TRAIN_OPTIONS.
 */
import {flagSpecs, parseNumber} from '../../scripts/lib/command_flags';
import {LAYOUT_TYPES, LayoutType} from '../../src/layout/generators';

import {checkLayoutLearningKind, DEFAULT_LAYOUT_LEARNING} from './layout_learning';
import {SentimentTrainOptions} from './train_model';

// No defaults here: a flag given overrides DEFAULT_TRAIN_OPTIONS, one not given leaves it.
export const TRAIN_FLAGS = flagSpecs({
  data: null, model: null, hidden: null, density: null, 'block-size': null, layout: null, embedding: null,
  epochs: null, 'batch-size': null, 'max-length': null, 'vocab-size': null, 'min-count': null, lr: null,
  dropout: null, seed: null, 'max-batches': null, 'time-limit': null, out: null,
  'learn-layout': null, 'learn-every': null, 'learn-until': null,
});

export type TrainFlagValues = {[name in keyof typeof TRAIN_FLAGS]?: string};

type NumberOption = {[K in keyof SentimentTrainOptions]-?: SentimentTrainOptions[K] extends number ? K : never}[
    keyof SentimentTrainOptions];

/** Numeric flags and the option each sets. */
const NUMBER_FLAGS: Array<[keyof TrainFlagValues, NumberOption]> = [
  ['hidden', 'hiddenSize'], ['density', 'density'], ['block-size', 'blockSize'],
  ['embedding', 'embeddingSize'], ['epochs', 'epochs'], ['batch-size', 'batchSize'],
  ['max-length', 'maxLength'], ['vocab-size', 'maxVocabularySize'], ['min-count', 'minCount'],
  ['lr', 'learningRate'], ['dropout', 'dropout'], ['seed', 'seed'], ['max-batches', 'maxBatches'],
  ['time-limit', 'timeLimitMinutes'],
];

export function trainOptionsFromFlags(flags: TrainFlagValues): Partial<SentimentTrainOptions> {
  const options: Partial<SentimentTrainOptions> = {};
  for (const [flag, option] of NUMBER_FLAGS) {
    const text = flags[flag];
    if (text != null) options[option] = parseNumber(text, `--${flag}`);
  }
  if (flags.model != null) {
    if (flags.model !== 'sparse' && flags.model !== 'dense') {
      throw new Error(`--model must be 'sparse' or 'dense', but got '${flags.model}'.`);
    }
    options.sparse = flags.model === 'sparse';
  }
  if (flags.layout != null) {
    if (!(LAYOUT_TYPES as readonly string[]).includes(flags.layout)) {
      throw new Error(`--layout must be one of ${LAYOUT_TYPES.join(', ')}, but got '${flags.layout}'.`);
    }
    options.layoutType = flags.layout as LayoutType;
  }
  if (flags['learn-layout'] != null || flags['learn-every'] != null || flags['learn-until'] != null) {
    const learning = {...DEFAULT_LAYOUT_LEARNING};
    if (flags['learn-layout'] != null) learning.kind = checkLayoutLearningKind(flags['learn-layout'], '--learn-layout');
    if (flags['learn-every'] != null) learning.every = parseNumber(flags['learn-every'], '--learn-every');
    if (flags['learn-until'] != null) learning.endStep = parseNumber(flags['learn-until'], '--learn-until');
    options.layoutLearning = learning;
  }
  if (flags.data != null) options.dataPath = flags.data;
  if (flags.out != null) options.outDir = flags.out;
  return options;
}
