/**
 * `npm run charlm:web`: builds the character-model page and serves it on
 * localhost with the sentiment page's server: the review text read in place
 * under /data/, models saved by `npm run charlm -- train` under /models/.
 *
 * Options: --port 8081  --data DIR (default ../shared/data)  --models DIR
 * (default charlm-models)  --no-build
 */
import * as path from 'path';

import {flagSpecs, parseFlags, parseNumber} from '../../scripts/lib/command_flags';
import {defaultDataPath} from '../sentiment/data/node_files';
import {buildWebBundle} from '../sentiment/build_web';
import {startServer} from '../sentiment/serve';

export const CHARLM_WEB_DIR = path.join(__dirname, 'web');

const FLAGS = flagSpecs({port: '8081', data: null, models: 'charlm-models', 'no-build': false});

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (!flags['no-build']) console.log(`built ${await buildWebBundle(CHARLM_WEB_DIR)}`);
  const port = parseNumber(flags.port, '--port');
  const dataDir = flags.data ?? defaultDataPath();
  await startServer({port, dataDir: dataDir && path.resolve(dataDir), modelsDir: flags.models, webDir: CHARLM_WEB_DIR});
  console.log(`Character model page: http://127.0.0.1:${port}/`);
  console.log(dataDir ? `  data served from ${dataDir} at /data/` : '  no data directory: the page cannot load text');
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
