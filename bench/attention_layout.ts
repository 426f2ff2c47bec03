/**
 * The benchmark's attention layout: a local window (localAttentionLayout)
 * plus every `strideBlocks`-th key block counted back from the query's own
 * (the strided head of Child et al. 2019, on blocks), the usual local +
 * strided pattern of sparse transformers. The stride is chosen per sequence
 * length so that the density comes closest to a target, so the layout has
 * about the same density at every length and the density is reported exactly.
 */
import * as tfbs from '../src/index';

export interface LocalStridedSpec {
  sequenceLength: number;
  blockSize: number;
  windowBlocks: number;
  causal: boolean;
  /** Kept blocks / all (S/b)^2 blocks that the stride is chosen to approach. */
  targetDensity: number;
  /** The stride, given rather than chosen for the density. */
  strideBlocks?: number;
}

export interface LocalStridedLayout {
  layout: tfbs.BlockLayout;
  strideBlocks: number;
}

function localStridedMask(local: number[][], strideBlocks: number, causal: boolean): number[][] {
  return local.map((row, r) => row.map((kept, c) => {
    const distance = causal ? r - c : Math.abs(r - c);
    return kept === 1 || (distance >= 0 && distance % strideBlocks === 0) ? 1 : 0;
  }));
}

export function localStridedLayout(spec: LocalStridedSpec): LocalStridedLayout {
  const local = tfbs.localAttentionLayout({
    sequenceLength: spec.sequenceLength, blockSize: spec.blockSize, windowBlocks: spec.windowBlocks,
    causal: spec.causal,
  });
  const localMask = local.toMaskArray();
  local.dispose();
  const blocks = localMask.length;
  const densityOf = (mask: number[][]) => mask.flat().reduce((sum, kept) => sum + kept, 0) / (blocks * blocks);
  // A stride of `blocks` adds nothing beyond the diagonal: the local window alone.
  let best = {strideBlocks: spec.strideBlocks ?? blocks, error: Infinity};
  for (let strideBlocks = 1; spec.strideBlocks == null && strideBlocks <= blocks; strideBlocks++) {
    const density = densityOf(localStridedMask(localMask, strideBlocks, spec.causal));
    const error = Math.abs(Math.log(density / spec.targetDensity));
    if (error < best.error) best = {strideBlocks, error};
  }
  const mask = localStridedMask(localMask, best.strideBlocks, spec.causal);
  return {layout: tfbs.BlockLayout.fromMask(mask, spec.blockSize), strideBlocks: best.strideBlocks};
}
