/** Small pieces shared by the WGSL programs. */

/**
 * The flat index of this workgroup. Programs dispatch [count, 1, 1]; when that
 * exceeds the per-dimension limit the backend folds it into 2-D or 3-D, so
 * the index is recombined here and may run past `count` (callers clamp).
 */
export const FLAT_WORKGROUP_INDEX = `i32((workgroupId.z * numWorkgroups.y + workgroupId.y) *
        numWorkgroups.x + workgroupId.x)`;

/** A 1-D dispatch of `count` workgroups (at least one). */
export function flatDispatch(count: number): [number, number, number] {
  return [Math.max(1, count), 1, 1];
}

/** Repeats `line(i)` for i in [0, n), joined by newlines (unrolled WGSL). */
export function unroll(n: number, line: (i: number) => string): string {
  return Array.from({length: n}, (_, i) => line(i)).join('\n');
}

/** Every (i, j) of an n x m grid, row-major. */
export function unroll2(n: number, m: number, line: (i: number, j: number) => string): string {
  return unroll(n * m, q => line(Math.floor(q / m), q % m));
}
