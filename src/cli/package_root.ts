import * as fs from 'fs';
import * as path from 'path';

import {packageRootAbove} from '../kernels/tensorflow/native_addon';

/** The installed package's root: the command lies in dist/src/cli (src/cli in a checkout). */
export function packageRoot(): string {
  const root = packageRootAbove(__dirname, fs, path);
  if (root == null) throw new Error(`no tfjs-blocksparse package.json above ${__dirname}`);
  return root;
}
