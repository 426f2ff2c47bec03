/**
 * Error helpers: every message names the function, the argument, what was
 * expected and what was got, so a user can fix the call without reading code.
 */
/** Strings are descriptions ("shape [2,3]") and are shown as they are. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return String(value);
}

export function argumentError(
    fn: string, arg: string, expected: string, got: unknown): Error {
  return new Error(
      `${fn}: argument '${arg}' must be ${expected}, but got ${
          describeValue(got)}.`);
}

/** Throws `argumentError(...)` when `condition` is false. */
export function checkArgument(
    condition: boolean, fn: string, arg: string, expected: string,
    got: unknown): asserts condition {
  if (!condition) throw argumentError(fn, arg, expected, got);
}
