/**
 * End to end in headless chromium: the sentiment page loads without console
 * errors, trains a few hundred steps on WebGPU, the loss falls, held-out
 * accuracy beats chance clearly, and typing a sentence shows a prediction.
 * A screenshot goes to test-artifacts/sentiment-page.png.
 */
import * as fs from 'fs';
import * as path from 'path';
import {expect} from 'chai';
import {Page} from 'playwright-core';

import * as tf from '@tensorflow/tfjs';

import {Vocabulary} from '../../examples/sentiment/data/vocabulary';
import {buildSentimentModel, DEFAULT_MODEL_CONFIG} from '../../examples/sentiment/model';
import {saveSentimentModel} from '../../examples/sentiment/model_files';
import {encodeExamples, predictSet} from '../../examples/sentiment/training';

import type {WindowWithApp} from '../../examples/sentiment/web/app_state';

import {AppPage, openAppPage} from './app_page';

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
const STEPS = Number(process.env.E2E_STEPS ?? 200);
/** Steps between the RigL updates the training test asks the page for. */
const LEARN_EVERY = 20;
const NODE_SENTENCE = 'a dull , lifeless and overlong film';

/**
 * A small model built and saved by the Node code path (cpu backend in this
 * process), with its prediction for NODE_SENTENCE, for the page to load.
 */
async function saveNodeModel(modelsDir: string): Promise<number> {
  await tf.setBackend('cpu');
  const vocabulary = Vocabulary.build(['a dull lifeless film', 'an overlong , witty film', 'a gorgeous film']);
  const config = {...DEFAULT_MODEL_CONFIG, vocabularySize: vocabulary.size, embeddingSize: 16, hiddenSize: 32,
    blockSize: 8, density: 0.5, seed: 7};
  const model = buildSentimentModel(config);
  await saveSentimentModel(model, path.join(modelsDir, 'node-model'), vocabulary,
      {format: 'tfjs-blocksparse-sentiment/1', model: config, maxLength: 50, trainedOn: 'nothing (untrained)'});
  const [p] = await predictSet(model, encodeExamples([{text: NODE_SENTENCE, label: 0}], vocabulary, 50));
  model.dispose();
  return p;
}

describe('sentiment page in headless chromium (WebGPU)', () => {
  let app: AppPage;
  let page: Page;
  let consoleErrors: string[];
  let nodeProbability: number;
  const appState = () => page.evaluate(() => (window as unknown as WindowWithApp).sentimentApp);

  before(async function() {
    this.timeout(300000);
    app = await openAppPage({
      dataWhat: 'SST-2', viewportHeight: 1300,
      prepareModels: async modelsDir => {
        nodeProbability = await saveNodeModel(modelsDir);
      },
      started: page => page.waitForFunction(
          () => (window as unknown as WindowWithApp).sentimentApp?.status !== 'starting'),
    });
    ({page, consoleErrors} = app);
  });

  after(async () => app?.close());

  it('starts on the webgpu backend with no console errors', async () => {
    const state = await appState();
    expect(state.errors).to.deep.equal([]);
    expect(state.backend).to.equal('webgpu');
    expect(await page.textContent('#backend-notice')).to.contain('Running on webgpu');
    expect(consoleErrors).to.deep.equal([]);
  });

  it(`trains ${STEPS} steps: the loss falls and held-out accuracy beats chance`, async () => {
    await page.click('#load-served');
    await page.waitForFunction(() => (window as unknown as WindowWithApp).sentimentApp.status === 'ready' &&
        !(document.getElementById('train') as HTMLButtonElement).disabled);
    await page.fill('#hidden', '64');
    await page.fill('#density', '0.25');
    await page.selectOption('#block-size', '16');
    await page.fill('#embedding', '32');
    await page.fill('#batch-size', '32');
    await page.fill('#steps', String(STEPS));
    await page.selectOption('#learn-layout', 'rigl');
    await page.fill('#learn-every', String(LEARN_EVERY));
    const started = Date.now();
    await page.click('#train');
    await page.waitForFunction(() => ['trained', 'error'].includes((window as unknown as WindowWithApp).sentimentApp.status),
        undefined, {timeout: 1100000, polling: 1000});
    const state = await appState();
    expect(state.errors).to.deep.equal([]);
    expect(state.backend).to.equal('webgpu');
    expect(state.step).to.equal(STEPS);
    const window = Math.max(5, Math.floor(STEPS / 10));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const early = mean(state.losses.slice(0, window)), late = mean(state.losses.slice(-window));
    console.log(`      ${STEPS} steps in ${((Date.now() - started) / 1000).toFixed(0)} s, ${Math.round(state.tokensPerSecond)} tokens/s; ` +
        `running loss ${early.toFixed(3)} -> ${late.toFixed(3)}; held-out accuracy ${state.heldOutAccuracy}`);
    expect(late).to.be.below(early - 0.02);
    expect(state.heldOutAccuracy!).to.be.above(0.6);
    expect(Number(await page.textContent('#tokens-per-second'))).to.be.above(0);
    // RigL moved blocks every LEARN_EVERY steps before the last, at a constant density, and the page charted it.
    const updates = state.layoutUpdates;
    expect(updates.map(u => u.step)).to.deep.equal(
        Array.from({length: Math.floor((STEPS - 1) / LEARN_EVERY)}, (_, i) => (i + 1) * LEARN_EVERY));
    expect(new Set(updates.map(u => u.density))).to.deep.equal(new Set([0.25]));
    expect(updates.some(u => u.changedBlocks > 0), 'blocks changed').to.equal(true);
    expect(await page.locator('#layout-chart svg, #layout-chart canvas').count()).to.be.above(0);
  });

  it('classifies a typed sentence and saves a screenshot', async () => {
    await page.fill('#sentence', 'a gorgeous , witty and moving film');
    await page.waitForFunction(() => /positive|negative/.test(document.getElementById('prediction')!.textContent ?? ''));
    expect(await page.textContent('#prediction')).to.match(/(positive|negative): \d+% sure/);
    fs.mkdirSync(ARTIFACTS, {recursive: true});
    await page.screenshot({path: path.join(ARTIFACTS, 'sentiment-page.png'), fullPage: true});
    expect(consoleErrors).to.deep.equal([]);
  });

  it('saves the trained model in IndexedDB and reloads it with identical predictions', async () => {
    const before = (await appState()).lastProbability;
    expect(before).to.be.a('number');
    await page.click('#save-browser');
    await page.waitForFunction(() => /Saved the model/.test(document.getElementById('train-status')!.textContent ?? ''));
    await page.click('#load-browser');
    await page.waitForFunction(() => /^indexeddb:/.test((window as unknown as WindowWithApp).sentimentApp.modelSource ?? ''));
    await page.waitForFunction(() => /Loaded the model/.test(document.getElementById('train-status')!.textContent ?? ''));
    expect((await appState()).lastProbability).to.equal(before);
  });

  it('loads a model saved by the Node code path and predicts as it did in Node', async () => {
    await page.fill('#model-url', '/models/node-model/model.json');
    await page.click('#load-model');
    await page.waitForFunction(() => (window as unknown as WindowWithApp).sentimentApp.modelSource === '/models/node-model/model.json');
    await page.fill('#sentence', NODE_SENTENCE);
    await page.waitForFunction(
        (p: number) => Math.abs(((window as unknown as WindowWithApp).sentimentApp.lastProbability ?? -1) - p) < 1e-4,
        nodeProbability, {timeout: 30000});
    expect(consoleErrors).to.deep.equal([]);
  });
});
