/**
 * Square layouts [S/b, S/b] for the attention conformance cases: the
 * product layouts (one block, an empty block row and column, ~1/2, dense)
 * and a generated one, and for causal runs the same cut to the lower
 * triangle, diagonal blocks included.
 */
import {bigBirdAttentionLayout, stridedAttentionLayout} from '../../src/layout/attention_layouts';
import {BlockLayout} from '../../src/layout/block_layout';
import {Rng} from '../../src/layout/random';

import {conformanceLayouts, NamedLayout} from './layouts';

function lowerTriangle(named: NamedLayout, rng: Rng): NamedLayout {
  const mask = named.layout.toMaskArray().map((row, r) => row.map((kept, c) => (c <= r ? kept : 0)));
  if (!mask.some(row => row.includes(1))) {
    const row = rng.int(mask.length);
    mask[row]![rng.int(row + 1)] = 1;
  }
  return {name: `${named.name}, lower triangle`, layout: BlockLayout.fromMask(mask, named.layout.blockSize)};
}

export function attentionTestLayouts(
    blocks: number, blockSize: number, causal: boolean, rng: Rng): NamedLayout[] {
  const S = blocks * blockSize;
  const product = conformanceLayouts(blocks, blocks, blockSize, rng);
  if (!causal) {
    return [
      ...product,
      {
        name: 'BigBird window 0, global 1, random 1',
        layout: bigBirdAttentionLayout(
            {sequenceLength: S, blockSize, windowBlocks: 0, globalBlocks: 1, randomBlocks: 1, seed: rng.int(1e6)}),
      },
    ];
  }
  return [
    ...product.map(named => lowerTriangle(named, rng)),
    {
      name: 'fixed strided causal, stride 2',
      layout: stridedAttentionLayout(
          {sequenceLength: S, blockSize, pattern: 'fixed', strideBlocks: 2, causal: true}),
    },
  ];
}
