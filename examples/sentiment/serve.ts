/**
 * `npm run sentiment:web`: builds the browser page and serves it on
 * localhost, with the data sets read in place under /data/ and models saved
 * by the Node command under /models/.
 *
 * Options: --port 8080  --data DIR (default ../shared/data)  --models DIR
 * (default sentiment-models)  --no-build
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';

import {flagSpecs, parseFlags, parseNumber} from '../../scripts/lib/command_flags';

import {buildWebBundle, WEB_DIR} from './build_web';
import {defaultDataPath} from './data/node_files';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.map': 'application/json',
  '.json': 'application/json', '.css': 'text/css', '.bin': 'application/octet-stream',
  '.tsv': 'text/tab-separated-values; charset=utf-8', '.pos': 'text/plain; charset=utf-8',
  '.neg': 'text/plain; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml',
};

export interface ServerOptions {
  port: number;
  dataDir?: string;
  modelsDir: string;
  /** The page's directory; default the sentiment page's. */
  webDir?: string;
}

/** Resolves a decoded URL path inside `root`, refusing paths that climb out of it. */
function inside(root: string, decodedPath: string): string|undefined {
  const file = path.resolve(root, '.' + decodedPath);
  return file === root || file.startsWith(root + path.sep) ? file : undefined;
}

/** The file a decoded URL path names under the mounts, or undefined. */
function fileFor(mounts: Array<[string, string|undefined]>, urlPath: string): string|undefined {
  for (const [prefix, root] of mounts) {
    if (!urlPath.startsWith(prefix)) continue;
    let file = root == null ? undefined : inside(root, urlPath.slice(prefix.length - 1));
    if (file != null && fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    return file != null && fs.existsSync(file) ? file : undefined;
  }
  return undefined;
}

function answer(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, {'Content-Type': 'text/plain; charset=utf-8'});
  response.end(text);
}

export function startServer(options: ServerOptions): Promise<http.Server> {
  const mounts: Array<[string, string|undefined]> = [
    ['/data/', options.dataDir], ['/models/', path.resolve(options.modelsDir)], ['/', options.webDir ?? WEB_DIR]];
  const server = http.createServer((request, response) => {
    const rawPath = (request.url ?? '/').split('?')[0];
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(rawPath);
    } catch {
      // A malformed escape (e.g. /%E0%A4%A) is the client's error; throwing here would kill the server.
      answer(response, 400, `bad request: malformed URL path ${rawPath}`);
      return;
    }
    const file = fileFor(mounts, urlPath);
    if (file == null) {
      answer(response, 404, `not found: ${rawPath}`);
      return;
    }
    response.writeHead(200, {'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream'});
    // An unreadable file ends this response, not the server.
    fs.createReadStream(file).on('error', () => response.destroy()).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve(server));
  });
}

const FLAGS = flagSpecs({port: '8080', data: null, models: 'sentiment-models', 'no-build': false});

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (!flags['no-build']) console.log(`built ${await buildWebBundle()}`);
  const port = parseNumber(flags.port, '--port');
  const dataDir = flags.data ?? defaultDataPath();
  const modelsDir = flags.models;
  await startServer({port, dataDir: dataDir && path.resolve(dataDir), modelsDir});
  console.log(`Sentiment page: http://127.0.0.1:${port}/`);
  console.log(dataDir ? `  data served from ${dataDir} at /data/` : '  no data directory: use the page\'s file picker');
  console.log(`  models served from ${path.resolve(modelsDir)} at /models/`);
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
