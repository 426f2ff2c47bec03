/**
 * The characters a model reads and writes: every character seen at least
 * `minCount` times in the training text, in code-point order, after index 0,
 * which stands for any other character. Shared by Node and the browser.
 */
export type AlphabetJSON = {format: 'tfjs-blocksparse-charlm-alphabet/1', characters: string};

/** What an unknown character decodes to. */
export const UNKNOWN = '\u00bf';

export class Alphabet {
  private readonly index: Map<string, number>;

  private constructor(readonly characters: string[]) {
    this.index = new Map(characters.map((c, i) => [c, i + 1]));
  }

  static build(text: string, minCount = 5): Alphabet {
    const counts = new Map<string, number>();
    for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    const kept = Array.from(counts).filter(([c, n]) => n >= minCount && c !== UNKNOWN).map(([c]) => c);
    return new Alphabet(kept.sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  /** Known characters plus the unknown one. */
  get size(): number {
    return this.characters.length + 1;
  }

  encode(text: string): Int32Array {
    return Int32Array.from(Array.from(text), c => this.index.get(c) ?? 0);
  }

  decode(ids: ArrayLike<number>): string {
    return Array.from(ids, id => id === 0 ? UNKNOWN : this.characters[id - 1]).join('');
  }

  toJSON(): AlphabetJSON {
    return {format: 'tfjs-blocksparse-charlm-alphabet/1', characters: this.characters.join('')};
  }

  static fromJSON(json: AlphabetJSON): Alphabet {
    if (json?.format !== 'tfjs-blocksparse-charlm-alphabet/1' || typeof json.characters !== 'string') {
      throw new Error(`Expected an alphabet saved by charlm (format tfjs-blocksparse-charlm-alphabet/1), but got ${
          JSON.stringify(json)?.slice(0, 80)}.`);
    }
    return new Alphabet(Array.from(json.characters));
  }
}
