/**
 * Parsers for labelled sentences, working on file text so the browser page and
 * the Node command share them. Errors name the source, the line and what was
 * expected.
 */
import {createRng, shuffledRange} from '../../../src/layout/random';

export type Label = 0|1;

export interface Example {
  text: string;
  label: Label;
}

function parseLabel(field: string, source: string, line: number, raw: string): Label {
  const value = field.trim();
  if (value !== '0' && value !== '1') {
    throw new Error(`${source}:${line}: expected a label 0 or 1, but got '${value}' in line '${truncate(raw)}'.`);
  }
  return Number(value) as Label;
}

function truncate(text: string): string {
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}

/**
 * Tab-separated labelled sentences in either layout:
 *  - with a header naming a `label` column and a text column (`sentence`,
 *    `content` or `text`), in either order (SST-2's train/dev/test.tsv);
 *  - without a header, `sentence<TAB>label` per line.
 */
export function parseLabeledTsv(text: string, source: string): Example[] {
  const lines = text.split(/\r?\n/);
  const first = lines[0]?.split('\t').map(f => f.trim().toLowerCase()) ?? [];
  const hasHeader = first.includes('label');
  let labelColumn = 1, textColumn = 0;
  if (hasHeader) {
    labelColumn = first.indexOf('label');
    textColumn = first.findIndex(f => f === 'sentence' || f === 'content' || f === 'text');
    if (textColumn < 0 || first.length !== 2) {
      throw new Error(`${source}:1: expected a header with columns 'label' and one of 'sentence', 'content', 'text', but got '${truncate(lines[0])}'.`);
    }
  }
  const examples: Example[] = [];
  for (let i = hasHeader ? 1 : 0; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '') continue;
    const fields = raw.split('\t');
    if (fields.length !== 2) {
      const layout = hasHeader ? lines[0].trim().replace('\t', '<TAB>') : 'sentence<TAB>label';
      throw new Error(`${source}:${i + 1}: expected 2 tab-separated fields (${layout}), but got ${fields.length} in line '${truncate(raw)}'.`);
    }
    examples.push({text: fields[textColumn].trim(), label: parseLabel(fields[labelColumn], source, i + 1, raw)});
  }
  if (examples.length === 0) throw new Error(`${source}: expected labelled sentences, but the file has none.`);
  return examples;
}

/**
 * A pair of one-sentence-a-line files, positive and negative (the movie
 * review polarity data, rt-polarity.pos / rt-polarity.neg).
 */
export function parsePolarityPair(positive: string, negative: string, positiveSource: string,
                                  negativeSource: string): Example[] {
  const read = (text: string, source: string, label: Label) => {
    const out = text.split(/\r?\n/).map(s => s.trim()).filter(s => s !== '').map(s => ({text: s, label}));
    if (out.length === 0) throw new Error(`${source}: expected one sentence per line, but the file is empty.`);
    return out;
  };
  return [...read(positive, positiveSource, 1), ...read(negative, negativeSource, 0)];
}

/** Deterministic shuffle-and-split, for data sets that come without a dev split. */
export function splitExamples(examples: Example[], devFraction: number, seed: number):
    {train: Example[], dev: Example[]} {
  const order = Array.from(shuffledRange(examples.length, createRng(seed)), i => examples[i]);
  const devCount = Math.round(examples.length * devFraction);
  return {dev: order.slice(0, devCount), train: order.slice(devCount)};
}
