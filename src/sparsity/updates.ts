/** What one update of a learned layout did, per weight: the record the examples chart. */
export interface WeightUpdate {
  /** 'layerName/weightName'. */
  weight: string;
  nnzBlocks: number;
  /** Blocks kept / blocks of the grid. */
  density: number;
  /** Blocks that came or went in this update. */
  changedBlocks: number;
}

export interface SparsityUpdate {
  step: number;
  weights: WeightUpdate[];
  /** Milliseconds the update took, reading back included. */
  ms: number;
}

/** Blocks in one of two ascending position lists but not the other. */
export function changedBetween(before: number[], after: number[]): number {
  const kept = new Set(before);
  const common = after.filter(position => kept.has(position)).length;
  return before.length + after.length - 2 * common;
}
