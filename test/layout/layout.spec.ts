/** Layouts: construction, lookup tables, generators, pruning and JSON. */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {BlockLayout} from '../../src/layout/block_layout';
import {layoutFromWeights, layoutFromWeightsAsync} from '../../src/layout/from_weights';
import {LAYOUT_TYPES, makeLayout} from '../../src/layout/generators';
import {createRng, freshSeed, randomNormal} from '../util/random';

function columnCounts(layout: BlockLayout): number[] {
  const counts = new Array<number>(layout.blockCols).fill(0);
  layout.blockCol.forEach(n => counts[n]++);
  return counts;
}

describe('BlockLayout', () => {
  it('knows its sizes and numbers blocks row-major', () => {
    const layout = BlockLayout.fromMask([[1, 0, 1], [0, 0, 1]], 16);
    expect([layout.inputSize, layout.outputSize, layout.blockSize]).to.deep.equal([32, 48, 16]);
    expect(layout.nnzBlocks).to.equal(3);
    expect(layout.density).to.equal(0.5);
    expect(Array.from(layout.blockRow)).to.deep.equal([0, 0, 1]);
    expect(Array.from(layout.blockCol)).to.deep.equal([0, 2, 2]);
    expect(layout.weightShape).to.deep.equal([3, 16, 16]);
  });

  it('accepts nested arrays, {data, shape} and int tensors alike', async () => {
    const nested = [[1, 0], [1, 1], [0, 0]];
    const fromTyped = BlockLayout.fromMask({data: Int32Array.from(nested.flat()), shape: [3, 2]}, 8);
    const t = tf.tensor2d(nested, [3, 2], 'int32');
    const fromTensor = await BlockLayout.fromMaskAsync(t, 8);
    t.dispose();
    const fromBool = BlockLayout.fromMask(nested.map(r => r.map(v => v === 1)), 8);
    for (const other of [fromTyped, fromTensor, fromBool]) {
      expect(other.equals(BlockLayout.fromMask(nested, 8))).to.equal(true);
    }
  });

  it('builds lookup tables consistent with the mask, cached', () => {
    const rng = createRng(freshSeed());
    const layout = makeLayout('random', {inputSize: 7 * 8, outputSize: 5 * 8, blockSize: 8, density: 0.3, seed: rng.int(1e6)});
    const {columnTable: cols, rowTable: rows} = layout;
    expect(layout.columnTable).to.equal(cols);
    for (let n = 0; n < layout.blockCols; n++) {
      const ks: number[] = [];
      for (let e = cols.ptr[n]; e < cols.ptr[n + 1]; e++) {
        const v = cols.block[e];
        expect([layout.blockRow[v], layout.blockCol[v]]).to.deep.equal([cols.other[e], n]);
        ks.push(cols.other[e]);
      }
      const expected = [];
      for (let k = 0; k < layout.blockRows; k++) if (layout.has(k, n)) expected.push(k);
      expect(ks).to.deep.equal(expected);
    }
    for (let k = 0; k < layout.blockRows; k++) {
      for (let e = rows.ptr[k]; e < rows.ptr[k + 1]; e++) {
        const v = rows.block[e];
        expect([layout.blockRow[v], layout.blockCol[v]]).to.deep.equal([k, rows.other[e]]);
      }
    }
    expect(rows.ptr[layout.blockRows]).to.equal(layout.nnzBlocks);
  });

  it('caches backend values and disposes them', () => {
    const layout = BlockLayout.dense(16, 16, 8);
    let built = 0, disposed = 0;
    const make = () => ({built: ++built, dispose: () => disposed++});
    expect(layout.cached('k', make)).to.equal(layout.cached('k', make));
    expect(built).to.equal(1);
    layout.dispose();
    expect(disposed).to.equal(1);
  });

  describe('generators', () => {
    const shapes = [
      {inputSize: 256, outputSize: 256, blockSize: 32},
      {inputSize: 24 * 8, outputSize: 40 * 8, blockSize: 8},
      {inputSize: 512, outputSize: 192, blockSize: 64},
    ];
    const densities = [1 / 64, 1 / 8, 0.3, 0.5, 1];
    for (const type of LAYOUT_TYPES) {
      it(`${type}: deterministic per seed, density within one block per column, JSON round trip`, () => {
        for (const shape of shapes) {
          for (const density of densities) {
            const seed = freshSeed();
            const args = {...shape, density, seed};
            const layout = makeLayout(type, args);
            expect(layout.equals(makeLayout(type, args)), `${type} seed ${seed}`).to.equal(true);
            const total = layout.blockRows * layout.blockCols;
            const target = type === 'dense' ? total : Math.max(1, density * total);
            expect(Math.abs(layout.nnzBlocks - target), `${type} ${JSON.stringify(args)}`)
                .to.be.at.most(layout.blockCols);
            if (type !== 'random' && type !== 'dense') {
              const counts = columnCounts(layout);
              expect(Math.max(...counts) - Math.min(...counts)).to.be.at.most(1);
            }
            const json = JSON.parse(JSON.stringify(layout.toJSON()));
            expect(BlockLayout.fromJSON(json).equals(layout)).to.equal(true);
          }
        }
      });
    }

    it('different seeds give different random layouts', () => {
      const args = {inputSize: 512, outputSize: 512, blockSize: 32, density: 0.25};
      for (const type of ['random', 'balanced', 'barabasiAlbert', 'wattsStrogatz'] as const) {
        const a = makeLayout(type, {...args, seed: 1}), b = makeLayout(type, {...args, seed: 2});
        expect(a.equals(b), type).to.equal(false);
      }
    });

    it('barabasiAlbert grows hub rows (heavier-tailed row degrees than uniform)', () => {
      const args = {inputSize: 64 * 8, outputSize: 64 * 8, blockSize: 8, density: 1 / 8, seed: 5};
      const maxRowDegree = (l: BlockLayout) => Math.max(...Array.from(l.rowTable.ptr.slice(1)).map((p, k) => p - l.rowTable.ptr[k]));
      expect(maxRowDegree(makeLayout('barabasiAlbert', args))).to.be.above(maxRowDegree(makeLayout('balanced', args)));
    });

    it('banded keeps blocks near the diagonal', () => {
      const layout = makeLayout('banded', {inputSize: 256, outputSize: 256, blockSize: 16, density: 3 / 16});
      for (let v = 0; v < layout.nnzBlocks; v++) {
        expect(Math.abs(layout.blockRow[v] - layout.blockCol[v])).to.be.at.most(2);
      }
    });
  });

  it('JSON round-trips odd shapes exactly', () => {
    const rng = createRng(freshSeed());
    for (let trial = 0; trial < 20; trial++) {
      const rows = 1 + rng.int(13), cols = 1 + rng.int(13);
      const mask = Array.from({length: rows}, () => Array.from({length: cols}, () => rng.int(2)));
      const layout = BlockLayout.fromMask(mask, 8);
      const back = BlockLayout.fromJSON(JSON.parse(JSON.stringify(layout)));
      expect(back.toMaskArray()).to.deep.equal(mask);
    }
  });

  it('layoutFromWeights keeps the blocks of largest norm', async () => {
    const rng = createRng(freshSeed());
    const K = 5 * 8, N = 3 * 8;
    const values = randomNormal(K * N, rng);
    // Scale blocks so norms differ clearly; block (k, n) gets factor (1 + k * 3 + n).
    for (let r = 0; r < K; r++) for (let c = 0; c < N; c++) values[r * N + c] *= 1 + Math.floor(r / 8) * 3 + Math.floor(c / 8);
    const weights = tf.tensor2d(values, [K, N]);
    const layout = await layoutFromWeightsAsync(weights, 8, 4 / 15);
    weights.dispose();
    // The synchronous form, from nested arrays (no device read-back needed).
    const nested = Array.from({length: K}, (_, r) => Array.from(values.subarray(r * N, (r + 1) * N)));
    expect(layoutFromWeights(nested, 8, 4 / 15).equals(layout)).to.equal(true);
    const norms: Array<[number, number]> = [];
    for (let k = 0; k < 5; k++) for (let n = 0; n < 3; n++) {
      let s = 0;
      for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) s += values[(k * 8 + i) * N + n * 8 + j] ** 2;
      norms.push([s, k * 3 + n]);
    }
    const top = norms.sort((a, b) => b[0] - a[0]).slice(0, 4).map(e => e[1]).sort((a, b) => a - b);
    const kept = Array.from(layout.blockRow).map((k, v) => k * 3 + layout.blockCol[v]);
    expect(kept).to.deep.equal(top);
  });
});
