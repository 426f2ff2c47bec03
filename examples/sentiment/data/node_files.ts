/**
 * Finds and reads sentiment data on disk (Node only). Accepts:
 *  - a directory holding `sst2/` and/or `mr/` (like ../shared/data): SST-2 is used;
 *  - a directory with train.tsv and dev.tsv (SST-2 / GLUE layout);
 *  - a directory with rt-polarity.pos and rt-polarity.neg (split 90/10);
 *  - a single .tsv file (split 90/10).
 */
import * as fs from 'fs';
import * as path from 'path';

import {Example, parseLabeledTsv, parsePolarityPair, splitExamples} from './parse';

export interface SentimentData {
  train: Example[];
  dev: Example[];
  test?: Example[];
  /** What was read, for logs. */
  description: string;
}

export const HOW_TO_GET_SST2 =
    'SST-2 is part of GLUE: download https://dl.fbaipublicfiles.com/glue/data/SST-2.zip, unzip it and ' +
    'pass the SST-2 directory (holding train.tsv and dev.tsv) with --data.';

/** ../shared/data beside the repo, where these machines keep the data sets. */
export function defaultDataPath(): string|undefined {
  const candidate = path.resolve(__dirname, '../../../../shared/data');
  return fs.existsSync(candidate) ? candidate : undefined;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}

export function readLabeledTsv(file: string): Example[] {
  return parseLabeledTsv(readText(file), file);
}

export function loadSentimentData(dataPath?: string): SentimentData {
  const root = dataPath ?? defaultDataPath();
  if (root == null) throw new Error(`No data path given and ../shared/data does not exist. ${HOW_TO_GET_SST2}`);
  if (!fs.existsSync(root)) throw new Error(`Data path ${root} does not exist. ${HOW_TO_GET_SST2}`);
  const at = (...parts: string[]) => path.join(root, ...parts);
  if (fs.statSync(root).isFile()) {
    const split = splitExamples(readLabeledTsv(root), 0.1, 1);
    return {...split, description: `${root} (90/10 split)`};
  }
  if (fs.existsSync(at('sst2'))) return loadSentimentData(at('sst2'));
  if (fs.existsSync(at('train.tsv'))) {
    if (!fs.existsSync(at('dev.tsv'))) throw new Error(`${at('dev.tsv')} is missing: SST-2 directories hold train.tsv and dev.tsv.`);
    const test = fs.existsSync(at('test.tsv')) ? readLabeledTsv(at('test.tsv')) : undefined;
    return {train: readLabeledTsv(at('train.tsv')), dev: readLabeledTsv(at('dev.tsv')), test, description: `SST-2 at ${root}`};
  }
  const mr = fs.existsSync(at('mr')) ? at('mr') : root;
  const pos = path.join(mr, 'rt-polarity.pos'), neg = path.join(mr, 'rt-polarity.neg');
  if (fs.existsSync(pos) || fs.existsSync(neg)) {
    const examples = parsePolarityPair(readText(pos), readText(neg), pos, neg);
    return {...splitExamples(examples, 0.1, 1), description: `movie review polarity at ${mr} (90/10 split)`};
  }
  throw new Error(`${root} holds no sentiment data: expected train.tsv and dev.tsv, rt-polarity.pos and rt-polarity.neg, or a sst2/ or mr/ directory. ${HOW_TO_GET_SST2}`);
}
