/**
 * Fresh random inputs every run, from a logged seed so a failure can be
 * replayed with TEST_SEED=<seed>.
 */
import {createRng, Rng} from '../../src/layout/random';

export function freshSeed(): number {
  const fromEnv = process.env.TEST_SEED;
  return fromEnv != null ? Number(fromEnv) :
                           Math.floor(Math.random() * 2 ** 31);
}

export function randomNormal(count: number, rng: Rng): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - rng.next(), v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export {createRng, Rng};
