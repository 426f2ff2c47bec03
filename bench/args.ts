/** Command-line flags shared by the benchmark commands: `--flag value`. */

export function option(argv: string[], flag: string, fallback: string): string {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : fallback;
}

/** A comma-separated flag, e.g. `--m 32,256,2048`. */
export function listArg(argv: string[], flag: string, fallback: string): string[] {
  return option(argv, flag, fallback).split(',').map(s => s.trim()).filter(Boolean);
}

/** '1/8' -> 0.125, '0.5' -> 0.5. */
export function parseFraction(text: string): number {
  const [num, den] = text.split('/').map(Number);
  return den == null ? num : num / den;
}
