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

import {buildWebBundle} from '../examples/sentiment/build_web';
import {train} from '../examples/sentiment/cli';
import {defaultDataPath} from '../examples/sentiment/data/node_files';
import {startServer} from '../examples/sentiment/serve';
import type {WindowWithApp} from '../examples/sentiment/web/app_state';
import {launchChromium} from '../test/browser/chromium';
import {option} from './args';

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
  const steps = Number(option(argv, '--steps', '30'));
  const model = {
    'hidden': option(argv, '--hidden', '128'), 'density': option(argv, '--density', '0.25'),
    'block-size': option(argv, '--block-size', '16'), 'embedding': option(argv, '--embedding', '32'),
    'batch-size': option(argv, '--batch-size', '32'),
  };
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
  for (const backend of ['webgpu', 'tensorflow']) {
    const options = new Map(Object.entries(model));
    options.set('backend', backend);
    options.set('max-batches', String(steps));
    options.set('epochs', '1');
    options.set('dropout', '0.2');
    options.set('lr', '0.005');
    options.set('out', path.join('sentiment-models', 'rates', backend));
    const result = await train(options, () => undefined);
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
