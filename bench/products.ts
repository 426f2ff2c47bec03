/**
 * The three block-sparse products every benchmark times against dense
 * tf.matMul, and how densities are printed in their tables.
 */
export type Product = 'forward'|'transposed'|'sampled';
export const PRODUCTS: Product[] = ['forward', 'transposed', 'sampled'];

/** 1 -> '1', 0.125 -> '1/8': densities here are reciprocals of integers. */
export function formatDensity(density: number): string {
  return density === 1 ? '1' : `1/${Math.round(1 / density)}`;
}
