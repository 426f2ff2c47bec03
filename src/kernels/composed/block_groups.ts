/**
 * Sums and maxima over groups of blocks (the kept blocks of one block row,
 * or of one block column) with standard tfjs ops, for the composed attention
 * kernels. tfjs has no segment op on every backend (wasm lacks
 * UnsortedSegmentSum, tfjs-node SparseSegmentSum), so groups are reduced by
 * a segmented scan of gathers: ceil(log2(longest group)) steps, each the
 * size of the blocks themselves, never of the dense [S, S] matrix.
 */
import * as tf from '@tensorflow/tfjs-core';

import {LookupTable} from '../../layout/lookup_tables';

export type GroupReduction = 'sum'|'max';

/** `values` as a tensor that broadcasts along `axis` of a rank-`rank` tensor. */
function alongAxis(values: Float32Array, axis: number, rank: number): tf.Tensor {
  const shape = new Array<number>(rank).fill(1);
  shape[axis] = values.length;
  return tf.tensor(values, shape, 'float32');
}

function isIdentity(order: Int32Array): boolean {
  return order.every((value, index) => value === index);
}

/**
 * Reduces x, whose dim `axis` runs over the nnz blocks, over the groups of
 * `table` (CSR: group g holds blocks table.block[ptr[g] .. ptr[g+1]-1]):
 * returns x with that dim replaced by one entry per group; empty groups
 * give 0.
 */
export function reduceBlockGroups(
    x: tf.Tensor, table: LookupTable, axis: number, reduction: GroupReduction): tf.Tensor {
  return tf.tidy(() => {
    const {ptr, block} = table;
    const groups = ptr.length - 1, positions = block.length;
    // Position e of the scan holds block block[e]; groups are contiguous runs.
    const groupStart = new Int32Array(positions);
    let longest = 0;
    for (let g = 0; g < groups; g++) {
      groupStart.fill(ptr[g], ptr[g], ptr[g + 1]);
      longest = Math.max(longest, ptr[g + 1] - ptr[g]);
    }
    let scan = isIdentity(block) ? x : tf.gather(x, tf.tensor1d(block, 'int32'), axis);
    // Inclusive scan (Hillis-Steele): after the step of `offset`, position e
    // holds the reduction over its group's positions e - 2 * offset + 1 .. e.
    for (let offset = 1; offset < longest; offset *= 2) {
      const source = new Int32Array(positions), inGroup = new Float32Array(positions);
      for (let e = 0; e < positions; e++) {
        const inside = e - offset >= groupStart[e];
        source[e] = inside ? e - offset : e;
        inGroup[e] = inside ? 1 : 0;
      }
      const shifted = tf.gather(scan, tf.tensor1d(source, 'int32'), axis);
      // A maximum with itself changes nothing; a sum must drop what lies outside the group.
      const next = reduction === 'max' ?
          tf.maximum(scan, shifted) :
          tf.add(scan, tf.mul(shifted, alongAxis(inGroup, axis, x.rank)));
      if (scan !== x) scan.dispose();
      shifted.dispose();
      scan = next;
    }
    // Each group's total sits at its last position.
    const last = new Int32Array(groups), nonEmpty = new Float32Array(groups);
    for (let g = 0; g < groups; g++) {
      last[g] = Math.max(ptr[g + 1] - 1, 0);
      nonEmpty[g] = ptr[g + 1] > ptr[g] ? 1 : 0;
    }
    const totals = tf.gather(scan, tf.tensor1d(last, 'int32'), axis);
    return nonEmpty.every(flag => flag === 1) ? totals :
                                                 tf.mul(totals, alongAxis(nonEmpty, axis, x.rank));
  });
}
