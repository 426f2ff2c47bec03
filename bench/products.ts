/**
 * The three block-sparse products every benchmark times against dense
 * tf.matMul, and how densities are printed in their tables.
 */
export type Product = 'forward'|'transposed'|'sampled';
export const PRODUCTS: Product[] = ['forward', 'transposed', 'sampled'];

/** The case a benchmark row measured: backend, shapes, block size and layout. */
export interface MeasuredCase {
  backend: string;
  M: number;
  K: number;
  N: number;
  blockSize: number;
  density: number;
  nnzBlocks: number;
}

/** 1 -> '1', 0.125 -> '1/8': densities here are reciprocals of integers. */
export function formatDensity(density: number): string {
  return density === 1 ? '1' : `1/${Math.round(1 / density)}`;
}
