/**
 * One example page in headless chromium for an e2e spec: the page's bundle
 * built, the example server started on a free port with a fresh models
 * folder, chromium launched and the page opened, with every console error
 * and page error collected. The e2e specs (sentiment, charlm) differ only in
 * the page and what they do with it.
 */
import * as fs from 'fs';
import * as http from 'http';
import {AddressInfo} from 'net';
import * as os from 'os';
import * as path from 'path';
import {Browser, Page} from 'playwright-core';

import {buildWebBundle} from '../../examples/sentiment/build_web';
import {defaultDataPath} from '../../examples/sentiment/data/node_files';
import {startServer} from '../../examples/sentiment/serve';

import {launchChromium} from '../../scripts/lib/chromium';

export interface AppPageOptions {
  /** The page's folder (with main.ts); the sentiment page's when omitted. */
  webDir?: string;
  /** What the spec reads from ../shared/data, for the error when it is missing. */
  dataWhat: string;
  viewportHeight: number;
  /** Called with the fresh models folder before the server starts, e.g. to save a model there. */
  prepareModels?: (modelsDir: string) => Promise<void>;
  /** Resolves once the page has started (in the page: e.g. its app state left 'starting'). */
  started: (page: Page) => Promise<unknown>;
}

export interface AppPage {
  page: Page;
  /** Console errors and uncaught page errors, in order. */
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function openAppPage(options: AppPageOptions): Promise<AppPage> {
  const dataDir = defaultDataPath();
  if (dataDir == null) {
    throw new Error(`The e2e test reads ${options.dataWhat} from ../shared/data, which does not exist.`);
  }
  await buildWebBundle(options.webDir);
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-e2e-models-'));
  await options.prepareModels?.(modelsDir);
  const server: http.Server = await startServer({port: 0, dataDir, modelsDir, webDir: options.webDir});
  let browser: Browser|undefined;
  const close = async () => {
    await browser?.close();
    server.close();
  };
  try {
    browser = await launchChromium();
    const page = await browser.newPage({viewport: {width: 1100, height: options.viewportHeight}});
    const consoleErrors: string[] = [];
    page.on('console', message => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', error => consoleErrors.push(error.message));
    const {port} = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await options.started(page);
    return {page, consoleErrors, close};
  } catch (error) {
    await close();
    throw error;
  }
}
