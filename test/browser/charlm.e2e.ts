/**
 * End to end in headless chromium: the character-model page starts on
 * WebGPU, trains a tiny model (S = 64, b = 16, batch 16: SwiftShader runs the
 * composed attention kernels slowly), the loss falls, and generated text is
 * in the alphabet. A screenshot goes to test-artifacts/charlm-page.png.
 */
import * as fs from 'fs';
import * as path from 'path';
import {expect} from 'chai';
import {Page} from 'playwright-core';

import {CHARLM_WEB_DIR} from '../../examples/charlm/serve';
import type {WindowWithCharLM} from '../../examples/charlm/web/app_state';

import {AppPage, openAppPage} from './app_page';

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
const STEPS = Number(process.env.E2E_CHARLM_STEPS ?? 40);

describe('character model page in headless chromium (WebGPU)', () => {
  let app: AppPage;
  let page: Page;
  let consoleErrors: string[];
  const appState = () => page.evaluate(() => (window as unknown as WindowWithCharLM).charlmApp);

  before(async function() {
    this.timeout(300000);
    app = await openAppPage({
      webDir: CHARLM_WEB_DIR, dataWhat: 'the review text', viewportHeight: 1200,
      started: page => page.waitForFunction(
          () => (window as unknown as WindowWithCharLM).charlmApp?.status !== 'starting'),
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

  it(`trains ${STEPS} steps of a tiny block-sparse model: the loss falls`, async () => {
    await page.selectOption('#attention', 'sparse');
    await page.selectOption('#pattern', 'local');
    await page.fill('#pattern-blocks', '1');
    await page.fill('#sequence-length', '64');
    await page.selectOption('#block-size', '16');
    await page.fill('#model-dim', '32');
    await page.fill('#heads', '2');
    await page.fill('#layers', '1');
    await page.fill('#batch-size', '16');
    await page.fill('#steps', String(STEPS));
    const started = Date.now();
    await page.click('#train');
    await page.waitForFunction(() => ['trained', 'error'].includes((window as unknown as WindowWithCharLM).charlmApp.status),
        undefined, {timeout: 1100000, polling: 1000});
    const state = await appState();
    expect(state.errors).to.deep.equal([]);
    expect(state.backend).to.equal('webgpu');
    expect(state.step).to.equal(STEPS);
    const window = Math.max(3, Math.floor(STEPS / 8));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const early = mean(state.losses.slice(0, window)), late = mean(state.losses.slice(-window));
    console.log(`      ${STEPS} steps in ${((Date.now() - started) / 1000).toFixed(0)} s; loss ${early.toFixed(3)} -> ${
        late.toFixed(3)}; validation perplexity ${state.validationPerplexity?.toFixed(2)}`);
    expect(late).to.be.below(early - 0.3);
    // Uniform guessing over the alphabet scores its size; a model that learned anything does better.
    expect(state.validationPerplexity!).to.be.below(state.alphabet.length + 1);
  });

  it('generates text in the alphabet and saves a screenshot', async () => {
    await page.fill('#prompt', 'the film ');
    await page.fill('#length', '40');
    await page.click('#generate');
    await page.waitForFunction(() => (window as unknown as WindowWithCharLM).charlmApp.lastSample != null, undefined, {timeout: 300000});
    const state = await appState();
    expect(state.lastSample!.length).to.equal(40);
    const alphabet = new Set(Array.from(state.alphabet));
    const foreign = Array.from(state.lastSample!).filter(c => !alphabet.has(c));
    expect(foreign, `characters outside the alphabet in '${state.lastSample}'`).to.deep.equal([]);
    expect(await page.textContent('#sample')).to.equal('the film ' + state.lastSample);
    fs.mkdirSync(ARTIFACTS, {recursive: true});
    await page.screenshot({path: path.join(ARTIFACTS, 'charlm-page.png'), fullPage: true});
    expect(consoleErrors).to.deep.equal([]);
  });
});
