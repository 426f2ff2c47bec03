/**
 * The command-line flags of `train`, shared by the sentiment command (cli.ts)
 * and the comparison (compare.ts, which passes them through), and their
 * translation into typed training options. A flag not given keeps the
 * default of DEFAULT_TRAIN_OPTIONS.
 */
import {parseNumber} from '../../scripts/lib/command_flags';
import {LAYOUT_TYPES, LayoutType} from '../../src/layout/generators';

import {SentimentTrainOptions} from './train_model';

export const TRAIN_FLAGS = {
  data: {type: 'string'},
  model: {type: 'string'},
  hidden: {type: 'string'},
  density: {type: 'string'},
  'block-size': {type: 'string'},
  layout: {type: 'string'},
  embedding: {type: 'string'},
  epochs: {type: 'string'},
  'batch-size': {type: 'string'},
  'max-length': {type: 'string'},
  'vocab-size': {type: 'string'},
  'min-count': {type: 'string'},
  lr: {type: 'string'},
  dropout: {type: 'string'},
  seed: {type: 'string'},
  'max-batches': {type: 'string'},
  'time-limit': {type: 'string'},
  out: {type: 'string'},
} as const;

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
  if (flags.data != null) options.dataPath = flags.data;
  if (flags.out != null) options.outDir = flags.out;
  return options;
}
