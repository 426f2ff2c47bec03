/** Attention layout generators: local window, strided (strided and fixed), BigBird. */
import {expect} from 'chai';

import {bigBirdAttentionLayout, localAttentionLayout, stridedAttentionLayout} from '../../src/layout/attention_layouts';
import {BlockLayout} from '../../src/layout/block_layout';
import {freshSeed} from '../util/random';

function aboveDiagonal(layout: BlockLayout): number {
  let count = 0;
  for (let v = 0; v < layout.nnzBlocks; v++) if (layout.blockCol[v]! > layout.blockRow[v]!) count++;
  return count;
}

describe('attention layouts', () => {
  it('local window: the blocks within windowBlocks of the diagonal', () => {
    const layout = localAttentionLayout({sequenceLength: 4 * 16, blockSize: 16});
    expect([layout.inputSize, layout.outputSize, layout.blockSize]).to.deep.equal([64, 64, 16]);
    expect(layout.toMaskArray()).to.deep.equal([
      [1, 1, 0, 0],
      [1, 1, 1, 0],
      [0, 1, 1, 1],
      [0, 0, 1, 1],
    ]);
    const causal = localAttentionLayout({sequenceLength: 4 * 8, blockSize: 8, windowBlocks: 2, causal: true});
    expect(causal.toMaskArray()).to.deep.equal([
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 0],
      [0, 1, 1, 1],
    ]);
    const diagonal = localAttentionLayout({sequenceLength: 3 * 32, blockSize: 32, windowBlocks: 0});
    expect(diagonal.toMaskArray()).to.deep.equal([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  });

  it("strided pattern (Child et al.): the stride's neighbours and every stride-th block", () => {
    const layout = stridedAttentionLayout({sequenceLength: 6 * 8, blockSize: 8, strideBlocks: 2});
    // Distances 0, 1 (local), 2 and 4 (multiples of the stride); not 3 or 5.
    expect(layout.toMaskArray()).to.deep.equal([
      [1, 1, 1, 0, 1, 0],
      [1, 1, 1, 1, 0, 1],
      [1, 1, 1, 1, 1, 0],
      [0, 1, 1, 1, 1, 1],
      [1, 0, 1, 1, 1, 1],
      [0, 1, 0, 1, 1, 1],
    ]);
    const causal = stridedAttentionLayout({sequenceLength: 6 * 8, blockSize: 8, strideBlocks: 2, causal: true});
    expect(causal.toMaskArray()).to.deep.equal([
      [1, 0, 0, 0, 0, 0],
      [1, 1, 0, 0, 0, 0],
      [1, 1, 1, 0, 0, 0],
      [0, 1, 1, 1, 0, 0],
      [1, 0, 1, 1, 1, 0],
      [0, 1, 0, 1, 1, 1],
    ]);
  });

  it("fixed pattern (Child et al.): the query's own stride and each stride's summary blocks", () => {
    const causal = stridedAttentionLayout(
        {sequenceLength: 6 * 16, blockSize: 16, pattern: 'fixed', strideBlocks: 3, causal: true});
    expect(causal.toMaskArray()).to.deep.equal([
      [1, 0, 0, 0, 0, 0],
      [1, 1, 0, 0, 0, 0],
      [1, 1, 1, 0, 0, 0],
      [0, 0, 1, 1, 0, 0],
      [0, 0, 1, 1, 1, 0],
      [0, 0, 1, 1, 1, 1],
    ]);
    const both = stridedAttentionLayout(
        {sequenceLength: 6 * 16, blockSize: 16, pattern: 'fixed', strideBlocks: 3, summaryBlocks: 2});
    expect(both.toMaskArray()).to.deep.equal([
      [1, 1, 1, 0, 1, 1],
      [1, 1, 1, 0, 1, 1],
      [1, 1, 1, 0, 1, 1],
      [0, 1, 1, 1, 1, 1],
      [0, 1, 1, 1, 1, 1],
      [0, 1, 1, 1, 1, 1],
    ]);
  });

  describe('BigBird', () => {
    const blocks = 16;
    const seed = freshSeed();
    const args = {sequenceLength: blocks * 8, blockSize: 8, windowBlocks: 1, globalBlocks: 2, randomBlocks: 3, seed};

    for (const causal of [false, true]) {
      it(`keeps window and global blocks, and randomBlocks more per row${causal ? ', causal' : ''} (seed ${seed})`,
         () => {
           const layout = bigBirdAttentionLayout({...args, causal});
           const mask = layout.toMaskArray();
           for (let row = 0; row < blocks; row++) {
             let fixed = 0, kept = 0;
             for (let col = 0; col < blocks; col++) {
               const allowed = !causal || col <= row;
               const structural = Math.abs(row - col) <= 1 || row < 2 || col < 2;
               if (allowed && structural) {
                 expect(mask[row]![col], `window or global block (${row}, ${col})`).to.equal(1);
                 fixed++;
               }
               if (!allowed) expect(mask[row]![col], `block (${row}, ${col}) above the diagonal`).to.equal(0);
               kept += mask[row]![col]!;
             }
             const available = (causal ? row + 1 : blocks) - fixed;
             expect(kept - fixed, `random blocks of row ${row}`).to.equal(Math.min(3, available));
           }
           if (causal) expect(aboveDiagonal(layout)).to.equal(0);
         });
    }

    it(`is reproducible from its seed, and another seed moves the random blocks (seed ${seed})`, () => {
      expect(bigBirdAttentionLayout(args).equals(bigBirdAttentionLayout(args))).to.equal(true);
      expect(bigBirdAttentionLayout(args).equals(bigBirdAttentionLayout({...args, seed: seed + 1}))).to.equal(false);
      const noRandom = bigBirdAttentionLayout({...args, randomBlocks: 0});
      expect(noRandom.equals(bigBirdAttentionLayout({...args, randomBlocks: 0, seed: seed + 1}))).to.equal(true);
    });
  });

  it('every generator keeps the diagonal, and nothing above it when causal', () => {
    const base = {sequenceLength: 12 * 8, blockSize: 8};
    for (const causal of [false, true]) {
      const layouts = [
        localAttentionLayout({...base, windowBlocks: 3, causal}),
        stridedAttentionLayout({...base, strideBlocks: 4, causal}),
        stridedAttentionLayout({...base, strideBlocks: 4, pattern: 'fixed', causal}),
        bigBirdAttentionLayout({...base, randomBlocks: 2, seed: 3, causal}),
      ];
      for (const layout of layouts) {
        for (let k = 0; k < layout.blockRows; k++) expect(layout.has(k, k), `${layout} diagonal ${k}`).to.equal(true);
        // Without `causal` the patterns reach both ways.
        if (causal) {
          expect(aboveDiagonal(layout), `${layout}`).to.equal(0);
        } else {
          expect(aboveDiagonal(layout), `${layout}`).to.be.above(0);
        }
      }
    }
  });
});
