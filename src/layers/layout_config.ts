/**
 * Layouts inside layer configs: how a layer reads the layout it is given
 * and how the layout is written into `getConfig()` so that a saved model
 * reloads with the same blocks.
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

/** A layout as it appears in a layer config. */
export type LayoutConfig = BlockLayoutJSON;

/** Anything a layer accepts as its layout. */
export type LayoutLike = BlockLayout|BlockLayoutJSON;

export function layoutToConfig(layout: BlockLayout): LayoutConfig {
  return layout.toJSON();
}

/**
 * Reads a BlockLayout or its `toJSON()` form; a malformed form fails with
 * the layer argument it came from (a saved model.json may have been edited).
 */
export function layoutFromConfig(value: LayoutLike, fn: string, arg: string):
    BlockLayout {
  if (value instanceof BlockLayout) return value;
  checkArgument(
      value != null && typeof value === 'object', fn, arg,
      'a BlockLayout or its toJSON() form', value);
  try {
    return BlockLayout.fromJSON(value);
  } catch (error) {
    throw new Error(`${fn}: argument '${arg}' is not a valid layout: ${
        (error as Error).message}`);
  }
}
