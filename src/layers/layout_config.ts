/**
 * Layouts inside layer configs: how a layer is told its layout (given, or
 * generated from density + layoutType + seed) and how the layout is written
 * into `getConfig()` so that a saved model reloads with the same blocks.
 *
 * The config form is `BlockLayout.toJSON()` (mask bits in lowercase hex,
 * which survives tfjs-layers' snake_case/camelCase conversion of config
 * strings).
 *
 * ```js
 * const config = layoutToConfig(layout);   // {format, blockSize, ..., bitsHex}
 * layoutFromConfig(config).equals(layout); // true
 * ```
 */
import {checkArgument} from '../errors';
import {BlockLayout, BlockLayoutJSON} from '../layout/block_layout';
import {LAYOUT_TYPES, LayoutType, makeLayout} from '../layout/generators';

/** A layout as it appears in a layer config. */
export type LayoutConfig = BlockLayoutJSON;

/** Anything a layer accepts as its layout. */
export type LayoutLike = BlockLayout|BlockLayoutJSON;

export function layoutToConfig(layout: BlockLayout): LayoutConfig {
  return layout.toJSON();
}

/** Reads a BlockLayout or its `toJSON()` form. */
export function layoutFromConfig(value: LayoutLike, fn: string, arg: string):
    BlockLayout {
  if (value instanceof BlockLayout) return value;
  checkArgument(
      value != null && typeof value === 'object', fn, arg,
      'a BlockLayout or its toJSON() form', value);
  return BlockLayout.fromJSON(value);
}

/** How a generated layout is chosen. */
export interface GeneratedLayoutArgs {
  density: number;
  layoutType: LayoutType;
  seed: number;
}

export function checkDensity(fn: string, arg: string, density: number): void {
  checkArgument(
      typeof density === 'number' && density > 0 && density <= 1, fn, arg,
      'a number in (0, 1]', density);
}

export function checkLayoutType(fn: string, layoutType: string): void {
  checkArgument(
      (LAYOUT_TYPES as readonly string[]).includes(layoutType), fn,
      'layoutType', `one of ${LAYOUT_TYPES.join(', ')}`, `'${layoutType}'`);
}

/** Generates the [inputSize, outputSize] layout described by `args`. */
export function generateLayout(
    args: GeneratedLayoutArgs, inputSize: number, outputSize: number,
    blockSize: number): BlockLayout {
  return makeLayout(args.layoutType, {
    inputSize,
    outputSize,
    blockSize,
    density: args.density,
    seed: args.seed,
  });
}

/**
 * Checks that `layout` is [inputSize, outputSize] with the given block size,
 * naming the argument, the expected and the got shape.
 */
export function checkLayoutShape(
    fn: string, arg: string, layout: BlockLayout, inputSize: number,
    outputSize: number, what: string): void {
  checkArgument(
      layout.inputSize === inputSize && layout.outputSize === outputSize, fn,
      arg, `a layout of shape [${inputSize}, ${outputSize}] (${what})`,
      `a layout of shape [${layout.inputSize}, ${layout.outputSize}]`);
}

/**
 * The layout repeated `times` times along its columns: block (k, n) of the
 * result is block (k, n mod blockCols) of `layout`. The LSTM uses it to give
 * the four gates the same pattern in one [K, 4 * units] layout.
 */
export function tileColumns(layout: BlockLayout, times: number): BlockLayout {
  const {blockRows, blockCols} = layout;
  const mask = new Uint8Array(blockRows * blockCols * times);
  for (let k = 0; k < blockRows; k++) {
    for (let t = 0; t < times; t++) {
      for (let n = 0; n < blockCols; n++) {
        mask[k * blockCols * times + t * blockCols + n] =
            layout.mask[k * blockCols + n];
      }
    }
  }
  return BlockLayout.fromMask(
      {data: mask, shape: [blockRows, blockCols * times]}, layout.blockSize);
}

export {LayoutType};
