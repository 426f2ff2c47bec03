/**
 * The browser page: fetch the review text served under /data/, train the
 * character model on the best backend (WebGPU first) with live charts of
 * the training loss and validation perplexity, then generate text from a
 * prompt. State is mirrored on `window.charlmApp` for the end-to-end test.
 */
import * as tf from '@tensorflow/tfjs';
import * as tfvis from '@tensorflow/tfjs-vis';

import '../../../src/index';
import {startBestBackend} from '../../sentiment/web/backend';
import {Alphabet} from '../data/alphabet';
import {buildCorpus, Corpus} from '../data/corpus';
import {AttentionKind, buildCharLM, CharLMConfig, PatternName} from '../model';
import {sampleText} from '../sampling';
import {perplexity, trainStep, WindowSampler} from '../training';

import type {CharLMAppState, WindowWithCharLM} from './app_state';

/** Steps between validation perplexities, and the windows each one reads. */
const VALIDATE_EVERY = 50;
const VALIDATION_WINDOWS = 16;

const state: CharLMAppState = {status: 'starting', backend: '', step: 0, losses: [], validationPerplexity: null,
  alphabet: '', lastSample: null, errors: []};
(window as unknown as WindowWithCharLM).charlmApp = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const inputNumber = (id: string) => Number($<HTMLInputElement>(id).value);

let corpus: Corpus|null = null;
let model: tf.LayersModel|null = null;
let alphabet: Alphabet|null = null;
let stopRequested = false;
const lossPoints: Array<{x: number, y: number}> = [];
const perplexityPoints: Array<{x: number, y: number}> = [];

function fail(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  state.errors.push(message);
  state.status = 'error';
  $('train-status').textContent = `Error: ${message}`;
  console.warn(error instanceof Error ? error.stack : message);
}

function renderCharts() {
  void tfvis.render.linechart($('loss-chart'), {values: [lossPoints], series: ['training loss']},
      {xLabel: 'step', yLabel: 'loss (nats/char)', width: 420, height: 240});
  // A point per validation, not per step: a scatterplot puts it at its step.
  if (perplexityPoints.length > 0) {
    void tfvis.render.scatterplot($('perplexity-chart'), {values: [perplexityPoints], series: ['validation perplexity']},
        {xLabel: 'step', yLabel: 'perplexity', width: 420, height: 240, xAxisDomain: [0, state.step]});
  }
}

async function loadCorpus(): Promise<Corpus> {
  const fetchText = async (url: string) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}; start the page with 'npm run charlm:web' next to ../shared/data.`);
    return response.text();
  };
  const [sst2Train, sst2Dev, mrPositive, mrNegative] = await Promise.all(
      ['sst2/train.tsv', 'sst2/dev.tsv', 'mr/rt-polarity.pos', 'mr/rt-polarity.neg'].map(f => fetchText(`/data/${f}`)));
  return buildCorpus({sst2Train, sst2Dev, mrPositive, mrNegative});
}

function modelConfig(vocabularySize: number): CharLMConfig {
  return {
    vocabularySize, sequenceLength: inputNumber('sequence-length'), blockSize: Number($<HTMLSelectElement>('block-size').value),
    modelDim: inputNumber('model-dim'), numHeads: inputNumber('heads'), numLayers: inputNumber('layers'),
    attention: $<HTMLSelectElement>('attention').value as AttentionKind,
    pattern: $<HTMLSelectElement>('pattern').value as PatternName, patternBlocks: inputNumber('pattern-blocks'),
  };
}

async function validate(validationIds: Int32Array, config: CharLMConfig) {
  state.validationPerplexity = await perplexity(model!, validationIds, config.sequenceLength, 16, VALIDATION_WINDOWS);
  perplexityPoints.push({x: state.step, y: state.validationPerplexity});
}

async function train() {
  $<HTMLButtonElement>('train').disabled = true;
  $<HTMLButtonElement>('stop').disabled = false;
  stopRequested = false;
  state.status = 'training';
  state.step = 0;
  state.losses = [];
  state.validationPerplexity = null;
  lossPoints.length = perplexityPoints.length = 0;
  $('train-status').textContent = 'Loading text…';
  corpus ??= await loadCorpus();
  alphabet = Alphabet.build(corpus.train);
  state.alphabet = alphabet.characters.join('');
  const config = modelConfig(alphabet.size);
  model?.dispose();
  model = buildCharLM(config);
  const sampler = new WindowSampler(alphabet.encode(corpus.train), config.sequenceLength, 1);
  const validationIds = alphabet.encode(corpus.validation);
  const optimizer = tf.train.adam(0.004);
  const steps = inputNumber('steps'), batchSize = inputNumber('batch-size');
  $('train-status').textContent = `${corpus.description}. Training ${config.attention} attention, ${model.countParams()} parameters…`;
  const started = performance.now();
  while (state.step < steps && !stopRequested) {
    const loss = await trainStep(model, optimizer, sampler.next(batchSize));
    state.step++;
    state.losses.push(loss);
    lossPoints.push({x: state.step, y: loss});
    if (state.step % VALIDATE_EVERY === 0) await validate(validationIds, config);
    if (state.step % 5 === 0) {
      const charsPerSecond = state.step * batchSize * config.sequenceLength / ((performance.now() - started) / 1000);
      $('train-status').textContent = `step ${state.step}/${steps}: loss ${loss.toFixed(3)}, ${charsPerSecond.toFixed(0)} chars/s on ${state.backend}`;
      renderCharts();
      await tf.nextFrame();
    }
  }
  if (perplexityPoints[perplexityPoints.length - 1]?.x !== state.step) await validate(validationIds, config);
  optimizer.dispose();
  renderCharts();
  $('train-status').textContent = `Trained ${state.step} steps; validation perplexity ${state.validationPerplexity!.toFixed(2)}.`;
  $<HTMLButtonElement>('train').disabled = false;
  $<HTMLButtonElement>('stop').disabled = true;
  $<HTMLButtonElement>('generate').disabled = false;
  state.status = 'trained';
}

async function generate() {
  if (model == null || alphabet == null) return;
  const prompt = $<HTMLInputElement>('prompt').value;
  $('sample').textContent = prompt + '…';
  const text = await sampleText(model, alphabet, {prompt, length: inputNumber('length'), temperature: inputNumber('temperature')});
  state.lastSample = text;
  $('sample').textContent = prompt + text;
}

async function start() {
  const choice = await startBestBackend(new URLSearchParams(location.search).get('backend') ?? undefined);
  state.backend = choice.name;
  const notice = $('backend-notice');
  notice.textContent = choice.skipped.length === 0 ? `Running on ${choice.name}.` : `Running on ${choice.name}; skipped ${choice.skipped.join(', ')}.`;
  notice.classList.toggle('warning', choice.name !== 'webgpu');
  $<HTMLButtonElement>('train').disabled = false;
  $('train-status').textContent = 'Ready to train.';
  state.status = 'ready';
}

const guard = (action: () => Promise<void>) => () => action().catch(fail);
$('train').addEventListener('click', guard(train));
$('stop').addEventListener('click', () => stopRequested = true);
$('generate').addEventListener('click', guard(generate));
start().catch(fail);
