/**
 * The names of the layout generators, as layer configs give them
 * (`layoutType: 'balanced'`); `makeLayout` maps each to its generator.
 */
import {checkArgument} from '../errors';

export type LayoutType =
    'random'|'balanced'|'barabasiAlbert'|'wattsStrogatz'|'banded'|'dense';

export const LAYOUT_TYPES: readonly LayoutType[] =
    ['random', 'balanced', 'barabasiAlbert', 'wattsStrogatz', 'banded', 'dense'];

export function checkLayoutType(fn: string, arg: string, layoutType: string):
    asserts layoutType is LayoutType {
  checkArgument(
      (LAYOUT_TYPES as readonly string[]).includes(layoutType), fn, arg,
      `one of ${LAYOUT_TYPES.join(', ')}`, `'${layoutType}'`);
}
