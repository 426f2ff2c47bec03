/**
 * Trains the sentiment classifier from Node on the active backend: reads the
 * data, builds the vocabulary and model, trains epoch by epoch and keeps the
 * epoch that does best on dev, saved with its vocabulary. The command line
 * (cli.ts), the dense-against-sparse comparison (compare.ts), the
 * equal-budget experiment (experiments/sentiment_budget/) and the rate benchmark
 * (examples/sentiment/rates.ts) all call trainSentimentModel.
 */
import * as tf from '@tensorflow/tfjs';

import {stderrIsTerminal} from '../../scripts/lib/tensorflow_log_filter';
import * as tfbs from '../../src/index';
import type {LayoutType} from '../../src/layout/generators';

import {loadSentimentData} from './data/node_files';
import {Vocabulary} from './data/vocabulary';
import {buildSentimentModel, DEFAULT_MODEL_CONFIG, recurrentParameterCount, SentimentModelConfig} from './model';
import {DEFAULT_LAYOUT_LEARNING, LayoutLearning, layoutLearner} from './layout_learning';
import {saveSentimentModel} from './model_files';
import {BatchReport, compileForTraining, encodeExamples, evaluateSet, trainEpoch} from './training';
import {TrainingClock} from './training_clock';

export interface SentimentTrainOptions {
  /** A data directory or .tsv file (see loadSentimentData); default ../shared/data. */
  dataPath?: string;
  /** Block-sparse LSTM kernels, or dense ones. */
  sparse: boolean;
  hiddenSize: number;
  /** Fraction of the recurrent kernel's blocks kept, in (0, 1]. */
  density: number;
  blockSize: number;
  layoutType: LayoutType;
  embeddingSize: number;
  dropout: number;
  seed: number;
  epochs: number;
  batchSize: number;
  /** Tokens kept per sentence. */
  maxLength: number;
  /** Most frequent training words kept, padding and unknown included. */
  maxVocabularySize: number;
  /** Words seen fewer times in training are unknown. */
  minCount: number;
  learningRate: number;
  /** Batches per epoch at most, for a quick run. */
  maxBatches: number;
  /** Training stops once this much time has passed; that epoch is still evaluated. */
  timeLimitMinutes: number;
  /**
   * Training stops once this much training time has passed: time spent in
   * training steps only, dev evaluations and saves not counted (unlike
   * timeLimitMinutes). That epoch is still evaluated.
   */
  trainingBudgetMinutes: number;
  /**
   * Training stops after this many steps (batches) over all epochs; that
   * epoch is still evaluated. The equal-steps budget, where a model that
   * starts dense and is pruned meets one that is sparse from the start.
   */
  trainingSteps: number;
  /**
   * Seconds of training time between dev evaluations, besides the one at the
   * end of each epoch; when finite, the untrained model is evaluated too.
   */
  evaluateEverySeconds: number;
  /**
   * Steps between dev evaluations, as evaluateEverySeconds: the same points
   * for every model, however fast its steps (the equal-steps budget).
   */
  evaluateEverySteps: number;
  /** Save the best epoch's model; false for runs that only measure. */
  save: boolean;
  /** Where the best epoch's model goes; default sentiment-models/<sparse|dense>-h<hiddenSize>. */
  outDir?: string;
  /** How the sparse recurrent layout is learned while training (static: not at all). */
  layoutLearning: LayoutLearning;
}

export const DEFAULT_TRAIN_OPTIONS: SentimentTrainOptions = {
  sparse: DEFAULT_MODEL_CONFIG.sparse,
  hiddenSize: DEFAULT_MODEL_CONFIG.hiddenSize,
  density: DEFAULT_MODEL_CONFIG.density,
  blockSize: DEFAULT_MODEL_CONFIG.blockSize,
  layoutType: DEFAULT_MODEL_CONFIG.layoutType,
  embeddingSize: DEFAULT_MODEL_CONFIG.embeddingSize,
  dropout: DEFAULT_MODEL_CONFIG.dropout,
  seed: DEFAULT_MODEL_CONFIG.seed,
  epochs: 2,
  batchSize: 64,
  maxLength: 50,
  maxVocabularySize: DEFAULT_MODEL_CONFIG.vocabularySize,
  minCount: 1,
  learningRate: 0.003,
  maxBatches: Infinity,
  timeLimitMinutes: Infinity,
  trainingBudgetMinutes: Infinity,
  trainingSteps: Infinity,
  evaluateEverySeconds: Infinity,
  evaluateEverySteps: Infinity,
  save: true,
  layoutLearning: DEFAULT_LAYOUT_LEARNING,
};

export interface TrainReporting {
  /** Setup, per-epoch results and saves, a line each; default console.log. */
  log?: (line: string) => void;
  /** A progress line per batch on stderr (every 10 s when not a terminal); default true. */
  progress?: boolean;
  /** Each dev evaluation, in order (see evaluateEverySeconds and evaluateEverySteps). */
  onEvaluation?: (evaluation: DevEvaluation) => void;
}

/** The model's accuracy on dev after some training. */
export interface DevEvaluation {
  /** Training time so far (TrainingClock: evaluations and saves not counted). */
  trainSeconds: number;
  /** Batches trained on so far, over all epochs. */
  steps: number;
  /** The epoch under way; 0 before the first step. */
  epoch: number;
  /** Tokens trained on so far, padding excluded. */
  tokens: number;
  devAccuracy: number;
  devLoss: number;
}

export interface TrainResult {
  /** Best dev accuracy over the epochs (the saved model's). */
  devAccuracy: number;
  trainSeconds: number;
  tokensPerSecond: number;
  parameters: number;
  recurrentParameters: number;
  /** Where the model was saved; undefined when `save` is false. */
  outDir?: string;
  /** Every update of a learned layout, in order (none for a static one). */
  layoutUpdates: tfbs.sparsity.SparsityUpdate[];
}

function progressLine(epoch: number, epochs: number, r: BatchReport): string {
  const width = 30, done = Math.round((r.batch / r.batches) * width);
  return `epoch ${epoch}/${epochs} [${'='.repeat(done)}${' '.repeat(width - done)}] ${r.batch}/${r.batches} ` +
      `loss ${r.loss.toFixed(4)} acc ${r.accuracy.toFixed(4)} ${Math.round(r.tokensPerSecond)} tok/s`;
}

/** Prints progress lines on stderr: redrawn in place on a terminal, else one every 10 s. */
function stderrProgress(epoch: number, epochs: number): {onBatch: (r: BatchReport) => void, end: () => void} {
  const interactive = stderrIsTerminal();
  let lastPrinted = 0;
  return {
    onBatch: r => {
      const now = performance.now();
      if (!interactive && now - lastPrinted < 10000 && r.batch !== r.batches) return;
      process.stderr.write(interactive ? `\r${progressLine(epoch, epochs, r)}` : `${progressLine(epoch, epochs, r)}\n`);
      lastPrinted = now;
    },
    end: () => {
      if (interactive) process.stderr.write('\n');
    },
  };
}

export async function trainSentimentModel(
    overrides: Partial<SentimentTrainOptions> = {}, reporting: TrainReporting = {}): Promise<TrainResult> {
  const options = {...DEFAULT_TRAIN_OPTIONS, ...overrides};
  if (options.epochs === Infinity && options.timeLimitMinutes === Infinity && options.trainingBudgetMinutes === Infinity &&
      options.trainingSteps === Infinity) {
    throw new Error('trainSentimentModel: with epochs Infinity, timeLimitMinutes, trainingBudgetMinutes or ' +
                    'trainingSteps must be finite.');
  }
  const log = reporting.log ?? console.log;
  const data = loadSentimentData(options.dataPath);
  const vocabulary = Vocabulary.build(data.train.map(e => e.text),
      {maxSize: options.maxVocabularySize, minCount: options.minCount});
  const config: SentimentModelConfig = {
    vocabularySize: vocabulary.size, embeddingSize: options.embeddingSize, hiddenSize: options.hiddenSize,
    sparse: options.sparse, density: options.density, blockSize: options.blockSize,
    layoutType: options.layoutType, seed: options.seed, dropout: options.dropout,
    startDense: options.sparse && options.layoutLearning.kind === 'prune',
  };
  const train = encodeExamples(data.train, vocabulary, options.maxLength);
  const dev = encodeExamples(data.dev, vocabulary, options.maxLength);
  const model = buildSentimentModel(config);
  compileForTraining(model, options.learningRate);
  const recurrent = recurrentParameterCount(config);
  log(`backend ${tf.getBackend()}; data: ${data.description} (${data.train.length} train, ${data.dev.length} dev); ` +
      `vocabulary ${vocabulary.size}`);
  const learning = options.layoutLearning;
  log(`model: ${config.sparse ? `block-sparse LSTM, density ${config.density}, b=${config.blockSize}, ${config.layoutType}` : 'dense LSTM'}` +
      `, hidden ${config.hiddenSize}, ${model.countParams()} parameters (${recurrent} recurrent)` +
      (config.sparse && learning.kind !== 'static' ?
           `; layout learned by ${learning.kind}, every ${learning.every} steps to step ${learning.endStep}` : ''));
  const layoutUpdates: tfbs.sparsity.SparsityUpdate[] = [];
  const learner = config.sparse ? layoutLearner(learning, config.density, update => layoutUpdates.push(update)) : null;
  try {
    const outDir = options.outDir ?? `sentiment-models/${config.sparse ? 'sparse' : 'dense'}-h${config.hiddenSize}`;
    const timeLimitMs = options.timeLimitMinutes * 60000;
    const budgetSeconds = options.trainingBudgetMinutes * 60;
    const start = performance.now();
    const clock = new TrainingClock();
    let steps = 0, tokens = 0, epochTokensBefore = 0;
    const budgetSpent = () => clock.seconds() >= budgetSeconds || steps >= options.trainingSteps;
    let latest: DevEvaluation|undefined;
    const evaluateDev = (epoch: number): Promise<DevEvaluation> => clock.paused(async () => {
      if (latest?.steps === steps) return latest;  // nothing trained since
      const {accuracy, loss} = await evaluateSet(model, dev);
      latest = {trainSeconds: clock.seconds(), steps, epoch, tokens, devAccuracy: accuracy, devLoss: loss};
      reporting.onEvaluation?.(latest);
      return latest;
    });
    let nextEvaluationSeconds = options.evaluateEverySeconds, nextEvaluationStep = options.evaluateEverySteps;
    if (Number.isFinite(nextEvaluationSeconds) || Number.isFinite(nextEvaluationStep)) await evaluateDev(0);
    let devAccuracy = NaN, tokensPerSecond = 0;
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const progress = (reporting.progress ?? true) ? stderrProgress(epoch, options.epochs) : undefined;
      clock.start();
      const report = await trainEpoch(model, train, options.batchSize, config.seed + epoch, async r => {
        steps++;
        tokens = epochTokensBefore + r.tokens;
        progress?.onBatch(r);
        if (clock.seconds() >= nextEvaluationSeconds || steps >= nextEvaluationStep) {
          await evaluateDev(epoch);
          while (nextEvaluationSeconds <= clock.seconds()) nextEvaluationSeconds += options.evaluateEverySeconds;
          while (nextEvaluationStep <= steps) nextEvaluationStep += options.evaluateEverySteps;
        }
      }, {maxBatches: options.maxBatches, deadline: start + timeLimitMs, shouldStop: budgetSpent},
      learner == null ? undefined : (x, y) => learner.afterStep(model, x, y));
      clock.stop();
      epochTokensBefore = tokens;
      progress?.end();
      tokensPerSecond = report.tokensPerSecond;
      const epochAccuracy = (await evaluateDev(epoch)).devAccuracy;
      log(`epoch ${epoch}: train loss ${report.loss.toFixed(4)} acc ${report.accuracy.toFixed(4)}, ` +
          `dev acc ${epochAccuracy.toFixed(4)}, ${Math.round(report.tokensPerSecond)} tok/s, ` +
          `${((performance.now() - start) / 60000).toFixed(1)} min`);
      // Keep the epoch that does best on dev (early stopping): the LSTM overfits SST-2 within a few epochs.
      if (!(epochAccuracy <= devAccuracy)) {
        devAccuracy = epochAccuracy;
        if (options.save) {
          await saveSentimentModel(model, outDir, vocabulary, {
            format: 'tfjs-blocksparse-sentiment/1', model: config, maxLength: options.maxLength,
            trainedOn: data.description, devAccuracy});
          log(`  saved to ${outDir} (best dev accuracy so far)`);
        }
      }
      if (performance.now() - start > timeLimitMs) {
        log(`time limit of ${options.timeLimitMinutes} min reached`);
        break;
      }
      if (budgetSpent()) {
        log(`training budget reached: ${steps >= options.trainingSteps ? `${steps} steps` :
                                                                       `${options.trainingBudgetMinutes} min`}`);
        break;
      }
    }
    const trainSeconds = (performance.now() - start) / 1000;
    log(`best dev accuracy at the end of an epoch ${devAccuracy.toFixed(4)}${
        options.save ? `; model and vocabulary in ${outDir}` : ''}`);
    return {devAccuracy, trainSeconds, tokensPerSecond, parameters: model.countParams(),
      recurrentParameters: recurrent, outDir: options.save ? outDir : undefined, layoutUpdates};
  } finally {
    // Also when training fails, so that a caller that goes on (the budget experiment) keeps no weights.
    // The optimizer too: model.dispose() disposes only an optimizer that tfjs-layers created itself.
    model.optimizer.dispose();
    model.dispose();
  }
}
