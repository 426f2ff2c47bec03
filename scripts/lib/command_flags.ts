/**
 * Command-line flags for the repo's Node commands (bench/, examples/), on
 * Node's own util.parseArgs in strict mode: a misspelled or unknown flag is
 * an error that lists the known ones, never silently ignored. Lives in
 * scripts/lib beside the backend loader so that benchmarks and examples share
 * it without importing each other's folders.
 *
 *   const flags = parseFlags(process.argv.slice(2), flagSpecs({backend: 'cpu', quick: false}));
 *   flags.backend  // string
 *   flags.quick    // boolean
 */
import {parseArgs} from 'util';

/** One flag: `--name VALUE` (string) or `--name` (boolean), with an optional default. */
export interface FlagSpec {
  type: 'string'|'boolean';
  default?: string|boolean;
}
export type FlagSpecs = Record<string, FlagSpec>;

type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean' ? boolean : string;

/** The parsed flags: each one's value, optional unless the flag has a default. */
export type FlagValues<O extends FlagSpecs> = {-readonly [K in keyof O]?: FlagValue<O[K]>}&
    {-readonly [K in keyof O as O[K]['default'] extends string | boolean ? K : never]: FlagValue<O[K]>};

type SpecFor<V> = V extends boolean ? {type: 'boolean', default: boolean} :
    V extends string ? {type: 'string', default: V} : {type: 'string'};

/**
 * Flag specs from their defaults: a string default makes a `--name VALUE`
 * flag, `false` a `--name` switch, null a `--name VALUE` flag without default.
 *
 *   flagSpecs({backend: 'cpu', quick: false, m: null})
 */
export function flagSpecs<const D extends Record<string, string|boolean|null>>(defaults: D):
    {[K in keyof D]: SpecFor<D[K]>} {
  const specs: FlagSpecs = {};
  for (const [name, value] of Object.entries(defaults)) {
    specs[name] = value === null ? {type: 'string'} :
        typeof value === 'boolean' ? {type: 'boolean', default: value} : {type: 'string', default: value};
  }
  return specs as {[K in keyof D]: SpecFor<D[K]>};
}

function knownFlags(specs: FlagSpecs): string {
  const names = Object.entries(specs)
      .map(([name, spec]) => spec.type === 'boolean' ? `--${name}` : `--${name} VALUE`);
  return names.length > 0 ? names.join(', ') : 'none';
}

function parseStrict<O extends FlagSpecs>(args: string[], options: O, allowPositionals: boolean):
    {values: FlagValues<O>, positionals: string[]} {
  try {
    // parseArgs checks every value against its spec; FlagValues<O> states that result for O.
    const {values, positionals} = parseArgs({args, options: options as FlagSpecs, strict: true, allowPositionals});
    return {values: values as FlagValues<O>, positionals};
  } catch (error) {
    throw new Error(`${(error as Error).message}\nKnown flags: ${knownFlags(options)}.`);
  }
}

/** Flags only: a positional word is an error too. */
export function parseFlags<const O extends FlagSpecs>(args: string[], options: O): FlagValues<O> {
  return parseStrict(args, options, false).values;
}

/** Flags and positional words (a command's arguments, say). */
export function parseFlagsAndWords<const O extends FlagSpecs>(args: string[], options: O):
    {values: FlagValues<O>, positionals: string[]} {
  return parseStrict(args, options, true);
}

/**
 * A number or a fraction, as densities are written: '0.125', '1/8', '1e6'.
 * `flag` names the flag in the error.
 */
export function parseNumber(text: string, flag: string): number {
  const parts = text.split('/');
  const value = parts.length === 2 ? Number(parts[0]) / Number(parts[1]) : Number(text);
  if (text.trim() === '' || parts.length > 2 || !Number.isFinite(value)) {
    throw new Error(`${flag} must be a number or a fraction like 1/8, but got '${text}'.`);
  }
  return value;
}

/** A comma-separated list: '32,256,2048' -> ['32', '256', '2048']. */
export function parseList(text: string): string[] {
  return text.split(',').map(s => s.trim()).filter(Boolean);
}

/** A comma-separated list of numbers or fractions: '1,1/2,1/8'. */
export function parseNumberList(text: string, flag: string): number[] {
  const values = parseList(text).map(item => parseNumber(item, flag));
  if (values.length === 0) throw new Error(`${flag} must list at least one number, but got '${text}'.`);
  return values;
}
