/** Reads the review text in place from ../shared/data (Node only); nothing is copied. */
import * as fs from 'fs';
import * as path from 'path';

import {defaultDataPath} from '../../sentiment/data/node_files';
import {buildCorpus, Corpus} from './corpus';

export function loadCorpus(dataPath?: string): Corpus {
  const root = dataPath ?? defaultDataPath();
  if (root == null || !fs.existsSync(root)) {
    throw new Error(`--data must name a directory holding sst2/ (train.tsv, dev.tsv) and mr/ (rt-polarity.pos, .neg), but got ${
        root ?? 'nothing (and ../shared/data does not exist)'}.`);
  }
  const read = (...parts: string[]) => {
    const file = path.join(root, ...parts);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: --data must hold sst2/ and mr/ as ../shared/data does.`);
    return fs.readFileSync(file, 'utf8');
  };
  return buildCorpus({
    sst2Train: read('sst2', 'train.tsv'), sst2Dev: read('sst2', 'dev.tsv'),
    mrPositive: read('mr', 'rt-polarity.pos'), mrNegative: read('mr', 'rt-polarity.neg'),
  });
}
