/**
 * The browser page: load sentences, train a dense or block-sparse LSTM on the
 * best backend available, watch loss and accuracy live, then classify typed
 * text. State is mirrored on `window.sentimentApp` for the end-to-end test.
 */
import * as tf from '@tensorflow/tfjs';

import '../../../src/index';
import {Example, parseLabeledTsv, parsePolarityPair, splitExamples} from '../data/parse';
import {Vocabulary, VocabularyJSON} from '../data/vocabulary';
import {checkLayoutLearningKind, LayoutLearning, layoutLearner} from '../layout_learning';
import {buildSentimentModel, DEFAULT_MODEL_CONFIG, SentimentModelConfig} from '../model';
import {compileForTraining, encodeExamples, EncodedSet, evaluateSet, predictSet, trainEpoch} from '../training';
import type {SentimentMetadata} from '../model_files';

import type {AppState, WindowWithApp} from './app_state';
import {startBestBackend} from './backend';
import {TrainingCharts} from './charts';

const MAX_LENGTH = 50;
/** Steps between held-out evaluations (872 SST-2 dev sentences take a few seconds). */
const HELD_OUT_EVERY = 50;
/** Where 'Save in browser' keeps the model (IndexedDB) and its vocabulary (localStorage). */
const BROWSER_MODEL_URL = 'indexeddb://tfjs-blocksparse-sentiment';
const BROWSER_VOCABULARY_KEY = 'tfjs-blocksparse-sentiment-vocabulary';

const state: AppState = {status: 'starting', backend: '', step: 0, losses: [], tokensPerSecond: 0,
  heldOutAccuracy: null, lastPrediction: null, lastProbability: null, modelSource: null, errors: [], layoutUpdates: []};
(window as unknown as WindowWithApp).sentimentApp = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const inputNumber = (id: string) => Number($<HTMLInputElement>(id).value);

let data: {train: Example[], dev: Example[], description: string}|null = null;
let model: tf.LayersModel|null = null;
let vocabulary: Vocabulary|null = null;
let stopRequested = false;
const charts = new TrainingCharts($('loss-chart'), $('accuracy-chart'), $('held-out-chart'), $('layout-chart'));

function fail(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  state.errors.push(message);
  state.status = 'error';
  $('train-status').textContent = `Error: ${message}`;
  console.warn(error instanceof Error ? error.stack : message);
}

async function startBackend() {
  const preferred = new URLSearchParams(location.search).get('backend') ?? undefined;
  const choice = await startBestBackend(preferred);
  state.backend = choice.name;
  $('backend-name').textContent = choice.name;
  const notice = $('backend-notice');
  notice.textContent = choice.skipped.length === 0 ? `Running on ${choice.name}.` :
      `Running on ${choice.name}; skipped ${choice.skipped.join(', ')}.`;
  notice.classList.toggle('warning', choice.name !== 'webgpu');
}

function useData(train: Example[], dev: Example[]|null, description: string) {
  const split = dev ? {train, dev} : splitExamples(train, 0.1, 1);
  data = {...split, description};
  $('data-status').textContent = `${description}: ${data.train.length} training and ${data.dev.length} held-out sentences.`;
  $<HTMLButtonElement>('train').disabled = false;
  $('train-status').textContent = 'Ready to train.';
  state.status = 'ready';
}

async function loadServedData() {
  const fetchText = async (url: string) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}; start the page with 'npm run sentiment:web' next to ../shared/data, or pick files.`);
    return response.text();
  };
  const [train, dev] = await Promise.all([fetchText('/data/sst2/train.tsv'), fetchText('/data/sst2/dev.tsv')]);
  useData(parseLabeledTsv(train, 'train.tsv'), parseLabeledTsv(dev, 'dev.tsv'), 'SST-2 (served)');
}

async function loadPickedFiles(files: File[]) {
  const texts = await Promise.all(files.map(f => f.text()));
  const pos = files.findIndex(f => f.name.endsWith('.pos')), neg = files.findIndex(f => f.name.endsWith('.neg'));
  if (pos >= 0 && neg >= 0) {
    useData(parsePolarityPair(texts[pos], texts[neg], files[pos].name, files[neg].name), null, 'polarity files');
  } else {
    const train = parseLabeledTsv(texts[0], files[0].name);
    useData(train, files[1] ? parseLabeledTsv(texts[1], files[1].name) : null, files.map(f => f.name).join(' + '));
  }
}

function modelConfig(vocabularySize: number): SentimentModelConfig {
  return {
    ...DEFAULT_MODEL_CONFIG, vocabularySize,
    embeddingSize: inputNumber('embedding'), hiddenSize: inputNumber('hidden'),
    sparse: $<HTMLSelectElement>('model-kind').value === 'sparse', density: inputNumber('density'),
    blockSize: Number($<HTMLSelectElement>('block-size').value), dropout: 0.2,
    startDense: $<HTMLSelectElement>('learn-layout').value === 'prune',
  };
}

/** The layout learning the form asks for; pruning reaches the density by the last step. */
function layoutLearning(steps: number): LayoutLearning {
  const kind = checkLayoutLearningKind($<HTMLSelectElement>('learn-layout').value, 'layout');
  const every = inputNumber('learn-every');
  return {kind, every, endStep: kind === 'prune' ? Math.max(1, steps - every) : steps};
}

async function train() {
  if (data == null) return;
  $<HTMLButtonElement>('train').disabled = true;
  $<HTMLButtonElement>('stop').disabled = false;
  stopRequested = false;
  state.status = 'training';
  state.step = 0;
  state.losses = [];
  state.heldOutAccuracy = null;
  charts.clear();
  model?.dispose();
  vocabulary = Vocabulary.build(data.train.map(e => e.text), {maxSize: 20000, minCount: 2});
  const config = modelConfig(vocabulary.size);
  model = buildSentimentModel(config);
  compileForTraining(model, 0.005);
  const trainSet = encodeExamples(data.train, vocabulary, MAX_LENGTH);
  const heldOut = encodeExamples(data.dev, vocabulary, MAX_LENGTH);
  const steps = inputNumber('steps'), batchSize = inputNumber('batch-size');
  const learning = layoutLearning(steps);
  state.layoutUpdates = [];
  const learner = config.sparse ? layoutLearner(learning, config.density, update => {
    const [recurrent] = update.weights;
    state.layoutUpdates.push({step: update.step, density: recurrent.density, changedBlocks: recurrent.changedBlocks});
    charts.density.push({x: state.step + 1, y: recurrent.density});
    charts.changedBlocks.push({x: state.step + 1, y: recurrent.changedBlocks / recurrent.nnzBlocks});
  }) : null;
  $('train-status').textContent = `Training ${config.sparse ? `block-sparse (density ${config.density}, b=${config.blockSize}, layout ${learning.kind})` : 'dense'} LSTM, ` +
      `hidden ${config.hiddenSize}, ${model.countParams()} parameters…`;
  for (let epoch = 1; state.step < steps && !stopRequested; epoch++) {
    const done = state.step;
    await trainEpoch(model, trainSet, batchSize, epoch, async report => {
      state.step = done + report.batch;
      state.losses.push(report.batchLoss);
      state.tokensPerSecond = report.tokensPerSecond;
      charts.loss.push({x: state.step, y: report.loss});
      charts.accuracy.push({x: state.step, y: report.accuracy});
      if (state.step % HELD_OUT_EVERY === 0) await evaluateHeldOut(heldOut);
      if (state.step % 10 === 0) {
        $('tokens-per-second').textContent = Math.round(report.tokensPerSecond).toString();
        $('train-status').textContent = `step ${state.step}/${steps}: loss ${report.loss.toFixed(3)}, accuracy ${report.accuracy.toFixed(3)}`;
        charts.render();
        await tf.nextFrame();
      }
    }, {maxBatches: steps - done, shouldStop: () => stopRequested},
    learner == null ? undefined : (x, y) => learner.afterStep(model!, x, y));
  }
  if (charts.heldOut[charts.heldOut.length - 1]?.x !== state.step) await evaluateHeldOut(heldOut);
  charts.render();
  $('train-status').textContent = `Trained ${state.step} steps; held-out accuracy ${state.heldOutAccuracy!.toFixed(3)} ` +
      `on ${data.dev.length} sentences.`;
  $<HTMLButtonElement>('train').disabled = false;
  $<HTMLButtonElement>('stop').disabled = true;
  state.status = 'trained';
  state.modelSource = 'trained';
  await classifySentence();
}

async function evaluateHeldOut(heldOut: EncodedSet) {
  const {accuracy} = await evaluateSet(model!, heldOut);
  state.heldOutAccuracy = accuracy;
  charts.heldOut.push({x: state.step, y: accuracy});
}

async function classifySentence() {
  const text = $<HTMLInputElement>('sentence').value.trim();
  if (model == null || vocabulary == null || text === '') return;
  const [p] = await predictSet(model, encodeExamples([{text, label: 0}], vocabulary, MAX_LENGTH));
  state.lastPrediction = `${p >= 0.5 ? 'positive' : 'negative'} (${p.toFixed(2)})`;
  state.lastProbability = p;
  $('prediction').textContent = `${p >= 0.5 ? '😊 positive' : '☹️ negative'}: ${(100 * (p >= 0.5 ? p : 1 - p)).toFixed(0)}% sure (p = ${p.toFixed(3)})`;
}

async function loadSavedModel() {
  const url = $<HTMLInputElement>('model-url').value;
  const base = url.slice(0, url.lastIndexOf('/') + 1);
  const [loaded, vocabularyJson, metadata] = await Promise.all([
    tf.loadLayersModel(url),
    fetch(base + 'vocabulary.json').then(r => r.json() as Promise<VocabularyJSON>),
    fetch(base + 'sentiment.json').then(r => r.json() as Promise<SentimentMetadata>),
  ]);
  useModel(loaded, Vocabulary.fromJSON(vocabularyJson), url);
  $('train-status').textContent = `Loaded ${url}: ${metadata.model.sparse ? 'block-sparse' : 'dense'} LSTM, hidden ${metadata.model.hiddenSize}` +
      (metadata.devAccuracy != null ? `, dev accuracy ${metadata.devAccuracy.toFixed(3)}` : '');
  await classifySentence();
}

function useModel(loaded: tf.LayersModel, words: Vocabulary, source: string) {
  model?.dispose();
  model = loaded;
  vocabulary = words;
  state.modelSource = source;
  state.status = 'trained';
}

/** Saves the current model with the browser's own IndexedDB handler. */
async function saveInBrowser() {
  if (model == null || vocabulary == null) throw new Error('Train or load a model before saving it.');
  await model.save(BROWSER_MODEL_URL);
  localStorage.setItem(BROWSER_VOCABULARY_KEY, JSON.stringify(vocabulary.toJSON()));
  $('train-status').textContent = `Saved the model to ${BROWSER_MODEL_URL}.`;
}

async function loadFromBrowser() {
  const words = localStorage.getItem(BROWSER_VOCABULARY_KEY);
  if (words == null) throw new Error(`Nothing saved in this browser yet: use 'Save in browser' first.`);
  useModel(await tf.loadLayersModel(BROWSER_MODEL_URL), Vocabulary.fromJSON(JSON.parse(words)), BROWSER_MODEL_URL);
  $('train-status').textContent = `Loaded the model from ${BROWSER_MODEL_URL}.`;
  await classifySentence();
}

function wire() {
  const guard = (action: () => Promise<void>) => () => action().catch(fail);
  $('load-served').addEventListener('click', guard(loadServedData));
  $<HTMLInputElement>('file-picker').addEventListener('change', guard(async () => {
    const files = Array.from($<HTMLInputElement>('file-picker').files ?? []);
    if (files.length) await loadPickedFiles(files);
  }));
  $('train').addEventListener('click', guard(train));
  $('stop').addEventListener('click', () => stopRequested = true);
  $('load-model').addEventListener('click', guard(loadSavedModel));
  $('save-browser').addEventListener('click', guard(saveInBrowser));
  $('load-browser').addEventListener('click', guard(loadFromBrowser));
  let pending: number|undefined;
  $('sentence').addEventListener('input', () => {
    clearTimeout(pending);
    pending = window.setTimeout(() => classifySentence().catch(fail), 200);
  });
}

wire();
startBackend().then(() => {
  state.status = 'ready';
}).catch(fail);
