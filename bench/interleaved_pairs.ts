/**
 * The one way the benchmarks here time block-sparse against its dense
 * alternative: in interleaved pairs, each pair timing both sides back to
 * back and alternating which goes first (so neither always runs on the
 * cache the other left), on the same backend in the same process, so load
 * that drifts over minutes hits both alike. Speedups are taken pair by
 * pair and reported as their min and median.
 * (bench/installed_timing.cjs does the same in plain JavaScript, as it runs
 * inside a scratch project that cannot load this file.)
 */
import {median} from './timing';

/** One side's time for one sample, in ms. */
export type TimeSample = () => Promise<number>;

export interface PairedSamples {
  /** Empty when there was no dense side (e.g. dense cannot run at this size). */
  denseMs: number[];
  sparseMs: number[];
}

/**
 * `pairs` pairs of (dense, sparse) samples; with `dense` undefined, the
 * sparse side alone. `afterPair` runs after each pair with its index, for a
 * third contender timed beside the pair.
 */
export async function timeInterleavedPairs(dense: TimeSample|undefined, sparse: TimeSample, pairs: number,
                                           afterPair?: (pair: number) => Promise<void>): Promise<PairedSamples> {
  const denseMs: number[] = [], sparseMs: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    if (dense != null && pair % 2 === 0) {
      denseMs.push(await dense());
      sparseMs.push(await sparse());
    } else {
      sparseMs.push(await sparse());
      if (dense != null) denseMs.push(await dense());
    }
    await afterPair?.(pair);
  }
  return {denseMs, sparseMs};
}

/** numerators[i] / denominators[i] per pair, summarised. */
export function pairRatios(numerators: number[], denominators: number[]): {ratios: number[], min: number,
                                                                          median: number} {
  const ratios = numerators.map((value, i) => value / denominators[i]);
  return {ratios, min: Math.min(...ratios), median: median(ratios)};
}
