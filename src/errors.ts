/**
 * Error helpers: every message names the function, the argument, what was
 * expected and what was got, so a user can fix the call without reading code.
 */

/**
 * Longest quoted value a message shows in full; a layout's `bitsHex` runs to
 * kilobytes, and a message that prints all of it hides the sentence around it.
 */
const MAX_QUOTED_LENGTH = 80;

/** `text`, or its start and its length when it is longer than `maxLength`. */
function shorten(text: string, maxLength = MAX_QUOTED_LENGTH): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, maxLength)}... (${text.length} characters)`;
}

/**
 * A user value as a message quotes it, cut when long. Strings are
 * descriptions ("shape [2,3]") and are shown as they are.
 */
export function describeValue(value: unknown): string {
  return shorten(Array.isArray(value) ? `[${value.join(', ')}]` : String(value));
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
