import {tokenize} from './tokenizer';

export const PAD_TOKEN = '<pad>';
export const UNKNOWN_TOKEN = '<unk>';
/** Id 0 pads (and is masked by `embedding({maskZero: true})`); id 1 is unknown. */
export const PAD_ID = 0;
export const UNKNOWN_ID = 1;

export interface VocabularyOptions {
  /** Most frequent words kept, special tokens included; default 20000. */
  maxSize?: number;
  /** Words seen fewer times are unknown; default 1. */
  minCount?: number;
}

export interface VocabularyJSON {
  format: 'tfjs-blocksparse-vocabulary/1';
  tokens: string[];
}

/** Word ids built from the training split; saved next to the model. */
export class Vocabulary {
  private readonly ids = new Map<string, number>();

  constructor(readonly tokens: string[]) {
    tokens.forEach((t, i) => this.ids.set(t, i));
  }

  static build(texts: Iterable<string>, options: VocabularyOptions = {}): Vocabulary {
    const maxSize = options.maxSize ?? 20000, minCount = options.minCount ?? 1;
    if (!(maxSize >= 3)) throw new Error(`Vocabulary.build: 'maxSize' must be at least 3, but got ${maxSize}.`);
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const token of tokenize(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    const words = [...counts.entries()].filter(([, c]) => c >= minCount)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, maxSize - 2).map(([w]) => w);
    return new Vocabulary([PAD_TOKEN, UNKNOWN_TOKEN, ...words]);
  }

  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number {
    return this.ids.get(token) ?? UNKNOWN_ID;
  }

  /** Token ids of `text`, truncated to `maxLength` and padded with PAD_ID after the text. */
  encode(text: string, maxLength: number): Int32Array {
    const out = new Int32Array(maxLength);
    tokenize(text).slice(0, maxLength).forEach((t, i) => out[i] = this.id(t));
    return out;
  }

  /** Row-major [texts.length, maxLength] ids. */
  encodeAll(texts: string[], maxLength: number): Int32Array {
    const out = new Int32Array(texts.length * maxLength);
    texts.forEach((t, i) => out.set(this.encode(t, maxLength), i * maxLength));
    return out;
  }

  toJSON(): VocabularyJSON {
    return {format: 'tfjs-blocksparse-vocabulary/1', tokens: this.tokens};
  }

  static fromJSON(json: VocabularyJSON): Vocabulary {
    if (json?.format !== 'tfjs-blocksparse-vocabulary/1' || !Array.isArray(json.tokens)) {
      throw new Error(`Vocabulary.fromJSON: expected an object with format 'tfjs-blocksparse-vocabulary/1' and a tokens array, but got format ${JSON.stringify(json?.format)}.`);
    }
    return new Vocabulary(json.tokens);
  }
}
