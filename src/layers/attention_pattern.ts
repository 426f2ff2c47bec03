/**
 * Attention patterns in layer configs: a small plain object naming one of
 * the attention layout generators and its arguments, turned into a layout
 * once the layer knows its sequence length. Type names are lowercase words,
 * so they survive tfjs-layers' snake_case/camelCase conversion of config
 * strings when a model is saved and loaded.
 *
 * ```js
 * layoutForPattern({type: 'strided', strideBlocks: 4}, {sequenceLength: 256,
 *     blockSize: 32, causal: true}, 'blockSparseMultiHeadAttention');
 * ```
 */
import {checkArgument} from '../errors';
import {bigBirdAttentionLayout, localAttentionLayout, stridedAttentionLayout} from '../layout/attention_layouts';
import {BlockLayout} from '../layout/block_layout';

/** A type literal (not an interface), so a pattern is a tfjs `ConfigDict` as it is. */
export type AttentionPattern = {type: 'dense'}|{type: 'local', windowBlocks?: number}|
    {type: 'strided', strideBlocks: number}|
    {type: 'fixed', strideBlocks: number, summaryBlocks?: number}|
    {type: 'bigbird', windowBlocks?: number, globalBlocks?: number, randomBlocks?: number, seed?: number};

export const PATTERN_TYPES = ['dense', 'local', 'strided', 'fixed', 'bigbird'] as const;

/** The arguments each pattern type accepts besides `type`. */
const PATTERN_ARGUMENTS: Record<AttentionPattern['type'], string[]> = {
  dense: [],
  local: ['windowBlocks'],
  strided: ['strideBlocks'],
  fixed: ['strideBlocks', 'summaryBlocks'],
  bigbird: ['windowBlocks', 'globalBlocks', 'randomBlocks', 'seed'],
};

/** Checks the pattern's type and argument names (values are checked by the generator). */
export function checkPattern(fn: string, arg: string, pattern: unknown): AttentionPattern {
  checkArgument(
      pattern != null && typeof pattern === 'object' && !Array.isArray(pattern), fn, arg,
      `an object {type: ${PATTERN_TYPES.join('|')}, ...}`, pattern);
  const {type, ...rest} = pattern as {type?: unknown};
  checkArgument(
      (PATTERN_TYPES as readonly unknown[]).includes(type), fn, `${arg}.type`,
      `one of ${PATTERN_TYPES.join(', ')}`, `'${String(type)}'`);
  const known = PATTERN_ARGUMENTS[type as AttentionPattern['type']];
  for (const name of Object.keys(rest)) {
    checkArgument(
        known.includes(name), fn, `${arg}.${name}`,
        known.length ? `one of the '${type}' pattern's arguments (${known.join(', ')})` :
                       `absent (the '${type}' pattern takes no arguments)`,
        'an unknown argument');
  }
  return pattern as AttentionPattern;
}

export interface PatternShape {
  sequenceLength: number;
  blockSize: number;
  causal: boolean;
}

/** The [S/b, S/b] layout of `pattern` for a sequence of `shape.sequenceLength`. */
export function layoutForPattern(pattern: AttentionPattern, shape: PatternShape, fn: string): BlockLayout {
  const {sequenceLength, blockSize, causal} = shape;
  checkArgument(
      Number.isInteger(sequenceLength) && sequenceLength > 0 && sequenceLength % blockSize === 0, fn,
      'inputs', `a sequence length that is a multiple of blockSize ${blockSize}`,
      `sequence length ${sequenceLength}`);
  switch (pattern.type) {
    case 'dense':
      return localAttentionLayout({...shape, windowBlocks: sequenceLength / blockSize});
    case 'local':
      return localAttentionLayout({...shape, windowBlocks: pattern.windowBlocks});
    case 'strided':
    case 'fixed':
      return stridedAttentionLayout({...pattern, ...shape, pattern: pattern.type});
    case 'bigbird':
      return bigBirdAttentionLayout({...pattern, ...shape, causal});
  }
}
