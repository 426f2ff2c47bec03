/**
 * Markdown summary of a benchmark JSON written by bench/matmul.ts:
 *
 *   npx ts-node --transpile-only bench/summarize.ts bench-results/matmul-webgpu.json
 *
 * Prints the b=32 table at the largest M, efficiency per block size and
 * density for each product, the small-M (LSTM step) speedups, memory of
 * weights plus lookup tables against the dense matrix, and the issue's
 * targets checked one by one against the measured numbers.
 */
import * as fs from 'fs';

import {parseFlagsAndWords} from '../scripts/lib/command_flags';

import type {BenchRow} from './matmul';
import {formatDensity as fraction, PRODUCTS} from './products';

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function main() {
  const {positionals} = parseFlagsAndWords(process.argv.slice(2), {});
  if (positionals.length !== 1) {
    throw new Error(`usage: summarize.ts RESULTS.json (one file written by bench/matmul.ts), but got ${
        positionals.length} arguments.`);
  }
  const file = positionals[0];
  const {backend, date, rows} = JSON.parse(fs.readFileSync(file, 'utf8')) as
      {backend: string, date: string, rows: BenchRow[]};
  const main = rows.filter(r => (PRODUCTS as string[]).includes(String(r.product)));
  const square = main.filter(r => r.K === r.N);
  const ms = [...new Set(square.map(r => r.M))].sort((a, b) => a - b);
  const bigM = ms[ms.length - 1], smallM = ms[0];
  const blockSizes = [...new Set(main.map(r => r.blockSize))].sort((a, b) => a - b);
  const densities = [...new Set(main.map(r => r.density))].sort((a, b) => b - a);
  const find = (M: number, b: number, d: number, product: string, rs = square) =>
      rs.find(r => r.M === M && r.blockSize === b && r.density === d && r.product === product);
  const out: string[] = [`Results: \`${file}\` (backend ${backend}, ${date}).`, ''];

  const b32 = blockSizes.includes(32) ? 32 : blockSizes[0];
  out.push(`### b=${b32}, M=${bigM}, K=N=${square[0]?.K}`, '');
  const b32Rows: string[][] = [];
  for (const d of densities) {
    for (const product of PRODUCTS) {
      const r = find(bigM, b32, d, product);
      if (!r) continue;
      b32Rows.push([fraction(d), product, r.sparseMs.toFixed(1), r.denseMs.toFixed(1),
        `${r.speedup.toFixed(2)}x`, String(Math.round(r.idealSpeedup)), r.efficiency.toFixed(2)]);
    }
  }
  out.push(table(['density', 'product', 'sparse ms', 'dense ms', 'speedup', 'ideal', 'efficiency'], b32Rows), '');

  for (const product of PRODUCTS) {
    out.push(`### Efficiency (speedup x density), ${product}, M=${bigM}`, '');
    out.push(table(['b', ...densities.map(fraction)], blockSizes.map(b =>
        [String(b), ...densities.map(d => find(bigM, b, d, product)?.efficiency.toFixed(2) ?? '')])), '');
  }

  out.push(`### M=${smallM} (one LSTM step): speedup over dense`, '');
  out.push(table(['b', 'product', ...densities.map(fraction)], blockSizes.flatMap(b => PRODUCTS.map(product =>
      [String(b), product, ...densities.map(d => {
        const r = find(smallM, b, d, product);
        return r ? `${r.speedup.toFixed(2)}x` : '';
      })]))), '');

  out.push(`### Memory: (weights + lookup tables) / dense matrix, with all three products' tables resident`, '');
  out.push(table(['b', ...densities.map(d => `${fraction(d)} (ideal ${(d * 100).toFixed(2)}%)`)],
      blockSizes.map(b => [String(b), ...densities.map(d => {
        const r = find(bigM, b, d, 'forward');
        return r ? `${((r.weightBytes + r.tableBytes) / r.denseBytes * 100).toFixed(2)}%` : '';
      })])), '');

  out.push('### Targets', '');
  const checks: string[][] = [];
  const check = (what: string, value: number|undefined, ok: (v: number) => boolean, shown: (v: number) => string) =>
      checks.push([what, value == null ? 'not measured' : shown(value),
        value == null ? '-' : ok(value) ? 'met' : 'MISSED']);
  const eff = (v: number) => v.toFixed(2);
  const inRange = densities.filter(d => d <= 0.5 + 1e-9 && d >= 1 / 16 - 1e-9);
  const worst = (b: number, product: string) => {
    const values = inRange.map(d => find(bigM, b, d, product)?.efficiency).filter((v): v is number => v != null);
    return values.length ? Math.min(...values) : undefined;
  };
  for (const product of PRODUCTS) {
    check(`b=32 M=${bigM} ${product}: efficiency >= 0.8 at 1/2..1/16 (worst)`, worst(32, product), v => v >= 0.8, eff);
  }
  for (const product of PRODUCTS) {
    check(`b=32 M=${bigM} ${product}: speedup >= 10x at 1/32`, find(bigM, 32, 1 / 32, product)?.speedup,
        v => v >= 10, v => `${v.toFixed(2)}x`);
  }
  for (const product of PRODUCTS) {
    check(`b=32 M=${bigM} ${product}: at density 1 no slower than 1.25x dense (sparse/dense time)`,
        find(bigM, 32, 1, product) && 1 / find(bigM, 32, 1, product)!.speedup, v => v <= 1.25, v => v.toFixed(2));
  }
  for (const [b, target] of [[16, 0.6], [8, 0.4], [64, 0.8]]) {
    for (const product of PRODUCTS) {
      check(`b=${b} M=${bigM} ${product}: efficiency >= ${target} at 1/2..1/16 (worst)`, worst(b, product),
          v => v >= target, eff);
    }
  }
  for (const b of blockSizes) {
    check(`M=${smallM} b=${b} forward at 1/8: >= 4x faster than dense`, find(smallM, b, 1 / 8, 'forward')?.speedup,
        v => v >= 4, v => `${v.toFixed(2)}x`);
  }
  for (const b of blockSizes) {
    const excess = densities.map(d => {
      const r = find(bigM, b, d, 'forward');
      return r ? (r.weightBytes + r.tableBytes) / r.denseBytes - r.density : undefined;
    }).filter((v): v is number => v != null);
    check(`b=${b}: weights + tables <= density x dense + 2% (worst excess over density x dense)`,
        excess.length ? Math.max(...excess) : undefined, v => v <= 0.02, v => `${(v * 100).toFixed(2)}%`);
  }
  out.push(table(['target', 'measured', 'verdict'], checks), '');
  console.log(out.join('\n'));
}

main();
