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
}

/** Resolves a URL path inside `root`, refusing paths that climb out of it. */
function inside(root: string, urlPath: string): string|undefined {
  const file = path.resolve(root, '.' + decodeURIComponent(urlPath));
  return file === root || file.startsWith(root + path.sep) ? file : undefined;
}

export function startServer(options: ServerOptions): Promise<http.Server> {
  const mounts: Array<[string, string|undefined]> = [
    ['/data/', options.dataDir], ['/models/', path.resolve(options.modelsDir)], ['/', WEB_DIR]];
  const server = http.createServer((request, response) => {
    const urlPath = (request.url ?? '/').split('?')[0];
    for (const [prefix, root] of mounts) {
      if (!urlPath.startsWith(prefix)) continue;
      const rest = urlPath.slice(prefix.length - 1);
      let file = root == null ? undefined : inside(root, rest);
      if (file != null && fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      if (file == null || !fs.existsSync(file)) break;
      response.writeHead(200, {'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream'});
      fs.createReadStream(file).pipe(response);
      return;
    }
    response.writeHead(404, {'Content-Type': 'text/plain'});
    response.end(`not found: ${urlPath}`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve(server));
  });
}

function option(argv: string[], flag: string): string|undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main() {
  const argv = process.argv.slice(2);
  if (!argv.includes('--no-build')) console.log(`built ${await buildWebBundle()}`);
  const port = Number(option(argv, '--port') ?? 8080);
  const dataDir = option(argv, '--data') ?? defaultDataPath();
  const modelsDir = option(argv, '--models') ?? 'sentiment-models';
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
