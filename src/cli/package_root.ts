import * as fs from 'fs';
import * as path from 'path';

/** The installed package's root: the command lies in dist/src/cli (src/cli in a checkout). */
export function packageRoot(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'tfjs-blocksparse') {
      return dir;
    }
  }
  throw new Error(`no tfjs-blocksparse package.json above ${__dirname}`);
}
