/**
 * `npm run bench:sentiment`: training rate (tokens/s) of the same sentiment
 * model in headless chromium on WebGPU and WebGL, and from the Node command
 * on webgpu and tensorflow; writes docs/sentiment-rates.md.
 *
 * Options: --steps 30 --hidden 128 --density 0.25 --block-size 16
 *   --embedding 32 --batch-size 32
 */
import * as fs from 'fs';
import * as path from 'path';
import {AddressInfo} from 'net';

import {launchChromium} from '../../scripts/lib/chromium';
import {flagSpecs, parseFlags, parseNumber} from '../../scripts/lib/command_flags';
import {startNodeBackend} from '../../scripts/lib/node_backends';

import {buildWebBundle} from './build_web';
import {defaultDataPath} from './data/node_files';
import {startServer} from './serve';
import {trainSentimentModel} from './train_model';
import type {WindowWithApp} from './web/app_state';

const FLAGS = flagSpecs({
  steps: '30', hidden: '128', density: '0.25', 'block-size': '16', embedding: '32', 'batch-size': '32',
});

interface RateRow {
  where: string;
  backend: string;
  tokensPerSecond: number;
}

async function browserRate(url: string, backend: string, model: Record<string, string>, steps: number): Promise<RateRow> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${url}?backend=${backend}`);
    await page.waitForFunction(() => (window as unknown as WindowWithApp).sentimentApp?.status !== 'starting');
    await page.click('#load-served');
    await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled);
    for (const [id, value] of Object.entries(model)) {
      if (id === 'block-size') await page.selectOption('#block-size', value); else await page.fill(`#${id}`, value);
    }
    await page.fill('#steps', String(steps));
    await page.click('#train');
    await page.waitForFunction(() => ['trained', 'error'].includes((window as unknown as WindowWithApp).sentimentApp.status), undefined,
        {timeout: 1800000, polling: 1000});
    const state = await page.evaluate(() => (window as unknown as WindowWithApp).sentimentApp);
    if (state.errors.length) throw new Error(`page errors on ${backend}: ${state.errors.join('; ')}`);
    return {where: 'headless chromium page', backend: state.backend, tokensPerSecond: state.tokensPerSecond};
  } finally {
    await browser.close();
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const {steps: stepsText, ...model} = parseFlags(argv, FLAGS);
  const steps = parseNumber(stepsText, '--steps');
  const rows: RateRow[] = [];
  await buildWebBundle();
  const server = await startServer({port: 0, dataDir: defaultDataPath(), modelsDir: 'sentiment-models'});
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    for (const backend of ['webgpu', 'webgl']) {
      rows.push(await browserRate(url, backend, model, steps));
      console.log(rows[rows.length - 1]);
    }
  } finally {
    server.close();
  }
  for (const backend of ['webgpu', 'tensorflow'] as const) {
    await startNodeBackend(backend);
    // The page's settings: dropout 0.2, learning rate 0.005.
    const result = await trainSentimentModel({
      hiddenSize: parseNumber(model.hidden, '--hidden'), density: parseNumber(model.density, '--density'),
      blockSize: parseNumber(model['block-size'], '--block-size'),
      embeddingSize: parseNumber(model.embedding, '--embedding'),
      batchSize: parseNumber(model['batch-size'], '--batch-size'), maxBatches: steps, epochs: 1, dropout: 0.2,
      learningRate: 0.005, outDir: path.join('sentiment-models', 'rates', backend),
    }, {log: () => undefined});
    rows.push({where: 'Node command', backend, tokensPerSecond: result.tokensPerSecond});
    console.log(rows[rows.length - 1]);
  }
  const text = `# Sentiment training rate\n\nProduced by \`npm run bench:sentiment -- ${argv.join(' ')}\` on ` +
      `${new Date().toISOString().slice(0, 10)}: ${steps} training steps of the same model (sparse LSTM, hidden ${model.hidden}, ` +
      `density ${model.density}, b=${model['block-size']}, embedding ${model.embedding}, batch ${model['batch-size']}) on SST-2, ` +
      `on this 2-core machine with no GPU (WebGPU runs on SwiftShader in chromium, on lavapipe in Node).\n\n` +
      `| where | backend | tokens/s |\n|---|---|---|\n` +
      rows.map(r => `| ${r.where} | ${r.backend} | ${Math.round(r.tokensPerSecond)} |`).join('\n') + '\n';
  fs.mkdirSync('docs', {recursive: true});
  fs.writeFileSync('docs/sentiment-rates.md', text);
  console.log(text);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
