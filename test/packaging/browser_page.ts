/**
 * A page made of the README's `<script>` tags, opened in headless chromium.
 * The tags name a CDN; its URLs are answered from the scratch project's
 * node_modules (the files that CDN would serve from the published packages)
 * and every other request outside the page's own server is refused, so the
 * test runs offline and loads exactly the installed files.
 */
import * as fs from 'fs';
import * as http from 'http';
import {AddressInfo} from 'net';
import * as path from 'path';
import {Browser, Page} from 'playwright-core';

import {launchChromium} from '../../scripts/lib/chromium';

const CDN = 'https://cdn.jsdelivr.net/npm/';

export interface ReadmePage {
  page: Page;
  /** Uncaught errors and console errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** `@scope/name[@version]/file` -> the file inside node_modules/@scope/name. */
function installedFile(nodeModules: string, cdnPath: string): string {
  const parts = cdnPath.split('/');
  const nameParts = parts[0].startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameParts).join('/').replace(/(.)@[^/]*$/, '$1');
  return path.join(nodeModules, name, ...parts.slice(nameParts));
}

function startServer(html: string): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.url === '/') {
      response.writeHead(200, {'content-type': 'text/html'}).end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Opens `<body>{scriptTags}</body>` with CDN files from `nodeModules`. */
export async function openReadmePage(scriptTags: string, nodeModules: string): Promise<ReadmePage> {
  const server = await startServer(`<!doctype html><html><body>\n${scriptTags}</body></html>`);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let browser: Browser|undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', error => errors.push(error.message));
    page.on('console', message => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.route('**/*', route => {
      const url = route.request().url();
      if (url.startsWith(origin)) return route.continue();
      const file = url.startsWith(CDN) ? installedFile(nodeModules, url.slice(CDN.length)) : null;
      if (file != null && fs.existsSync(file)) return route.fulfill({path: file});
      errors.push(`refused request for ${url}${file ? ` (no ${file})` : ''}`);
      return route.abort();
    });
    await page.goto(origin, {waitUntil: 'load'});
    const opened = browser;
    return {page, errors, close: async () => {
      await opened.close();
      server.close();
    }};
  } catch (error) {
    await browser?.close();
    server.close();
    throw error;
  }
}
