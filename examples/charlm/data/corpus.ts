/**
 * The review text a character model learns from: sentences of SST-2 and of
 * the movie review polarity data (MR), one per line. Works on file text, so
 * the Node command and the browser page share it.
 *
 * Validation is SST-2's dev sentences. SST-2 was cut from the same reviews as
 * MR, so MR lines that contain a dev sentence are dropped from training, or
 * validation perplexity would measure memory.
 */
import {parseLabeledTsv, parsePolarityPair} from '../../sentiment/data/parse';

export interface CorpusFiles {
  sst2Train: string;
  sst2Dev: string;
  mrPositive: string;
  mrNegative: string;
}

export interface Corpus {
  /** Sentences joined by '\n', each ending in one. */
  train: string;
  validation: string;
  description: string;
}

/** Letters and digits only: SST-2 and MR tokenize punctuation differently. */
function normalized(sentence: string): string {
  return sentence.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function buildCorpus(files: CorpusFiles): Corpus {
  const train = parseLabeledTsv(files.sst2Train, 'sst2/train.tsv').map(e => e.text);
  const validation = parseLabeledTsv(files.sst2Dev, 'sst2/dev.tsv').map(e => e.text);
  const mr = parsePolarityPair(files.mrPositive, files.mrNegative, 'rt-polarity.pos', 'rt-polarity.neg').map(e => e.text);
  const held = validation.map(normalized).filter(s => s.length > 0);
  const mrKept = mr.filter(line => {
    const text = normalized(line);
    return !held.some(sentence => text.includes(sentence));
  });
  const join = (sentences: string[]) => sentences.map(s => s.trim() + '\n').join('');
  return {
    train: join([...train, ...mrKept]),
    validation: join(validation),
    description: `${train.length} SST-2 training phrases and ${mrKept.length} MR sentences (${
        mr.length - mrKept.length} dropped as they hold a dev sentence); ${validation.length} SST-2 dev sentences for validation`,
  };
}
