/**
 * Which composition of TensorFlow ops computes a block-sparse product on the
 * `tensorflow` backend, chosen per layout and shape.
 *
 * Plans (all run entirely inside libtensorflow):
 * - `dense`: lay the blocks out as the dense weight (Gather from w plus a
 *   zero block into the block grid, Transpose to [K, N]) and run one MatMul; for the sampled
 *   product, one MatMul a^T . b and a Gather of the kept blocks. Costs the
 *   dense product plus one pass over K x N.
 * - `grouped`: work on x^T ([K, M], blocks of b rows are contiguous), gather
 *   for every output group (block column of W, or block row for W^T) its
 *   input blocks side by side and run one BatchMatMul per bucket of groups of
 *   equal length, inner dimension L * b; no segment sum.
 * - `blockwise`: gather one input block per nonzero block, one BatchMatMul
 *   of b x b blocks, then UnsortedSegmentSum into the output groups.
 *
 * The choice is a cost model whose constants come from measurements on the
 * benchmark machine (tfjs-node 4.22 on libtensorflow 2.21 CPU, 2 cores;
 * `npm run bench:docs -- --only tensorflow-composed` times them). See `choosePlan`
 * for the numbers.
 * The flags in flags.ts force a plan and the grouped plan's knobs.
 *
 * These plans are the path of GPU devices (tfjs-node-gpu) and of machines
 * without the native addon; on the CPU the native kernels replace them.
 */
import * as tf from '@tensorflow/tfjs-core';

import {BlockLayout} from '../../layout/block_layout';

import {BUCKET_SLOTS_FLAG, CHUNK_BYTES_FLAG, forcedPlan, TensorflowPlan} from './flags';

/**
 * Costs (ms) fitted to `bench/tensorflow_plans.ts` on the benchmark machine
 * (min of 5 runs, M = 2048, K = N = 2048, b = 32, balanced random layouts):
 * the dense plan took 115-147 ms at every density (raw MatMul, ~130 GFLOP/s,
 * plus ~5 ms to scatter the weight); the grouped x . W took about
 * 14 ms + 0.044 ms per block slot (59, 41, 28, 19.5, 17 ms at densities
 * 1/4 .. 1/64), i.e. BatchMatMul near MatMul speed plus gathers running
 * from cache; the blockwise plan took ~0.2 ms per block (its [nnz, b, M]
 * product goes to memory and is read again by UnsortedSegmentSum) and lost
 * to grouped everywhere except within noise at 1/64. A "slot" is one b x b
 * block times M rows: b * M floats gathered, 2 * b * b * M flops.
 * When the shared machine is quiet, MatMul runs at up to ~200-300 GFLOP/s
 * (dense 2048^3 in 57-90 ms) while the gathers barely speed up, so the
 * crossover moves to lower densities; SPARSE_MARGIN absorbs that.
 */
export const COSTS = {
  /** Fixed cost of one raw op call through the binding (11-16 us measured). */
  opMs: 0.015,
  /** MatMul and BatchMatMul throughput, flops per ms. */
  flopsPerMs: 1.3e8,
  /** Gathers whose output stays in cache (row-chunked), bytes moved per ms. */
  cachedCopyBytesPerMs: 3.0e7,
  /** Transposes, scatters and gathers through memory, bytes moved per ms. */
  copyBytesPerMs: 5.0e6,
};

/**
 * The sparse plans must beat the dense estimate by this factor: near the
 * crossover (density ~1/2 at M = 2048) grouped measured 1.0-1.4x the dense
 * plan across runs on the loaded machine (its gathers suffer most; b = 64 at
 * 1/2 took 199 ms against 155 ms dense), and the dense plan is the one that
 * can never be much slower than dense tf.matMul. 0.6 keeps every measured
 * density <= 1/4 on grouped and every density >= 1/2 at M = 2048 on dense.
 */
export const SPARSE_MARGIN = 0.6;

/** ms of moving `floats` float32 values once (read + write). */
function copyMs(floats: number, bytesPerMs = COSTS.copyBytesPerMs): number {
  return (8 * floats) / bytesPerMs;
}

/**
 * ms of one grouped slot at M rows. Gathers copy rows of b floats: below
 * b = 32 (128 bytes) the copy rate drops about in proportion (b = 8 at
 * densities 1/8 and 1/16 took 131-135 ms against 97 ms dense).
 */
export function slotMs(blockSize: number, rows: number): number {
  const gatherBytesPerMs = COSTS.cachedCopyBytesPerMs * Math.min(1, blockSize / 32);
  return copyMs(blockSize * rows, gatherBytesPerMs) +
      (2 * blockSize * blockSize * rows) / COSTS.flopsPerMs;
}

/** Ops per bucket (gathers, reshapes, BatchMatMul). */
const OPS_PER_BUCKET = 6;

/** A bucket's fixed cost in slots: more buckets trade padding for op calls. */
export function bucketOverheadSlots(blockSize: number, rows: number): number {
  const forced = tf.env().getNumber(BUCKET_SLOTS_FLAG);
  if (forced > 0) return forced;
  return (OPS_PER_BUCKET * COSTS.opMs) / slotMs(blockSize, rows);
}

function denseCostMs(layout: BlockLayout, rows: number): number {
  const {inputSize: K, outputSize: N} = layout;
  return (2 * rows * K * N) / COSTS.flopsPerMs + copyMs(K * N) + 5 * COSTS.opMs;
}

function groupedCostMs(layout: BlockLayout, rows: number, paddedSlots: number,
                       buckets: number): number {
  const {inputSize: K, outputSize: N, blockSize: b} = layout;
  return copyMs(rows * (K + N)) + paddedSlots * slotMs(b, rows) +
      (OPS_PER_BUCKET * buckets + 6) * COSTS.opMs;
}

function blockwiseCostMs(layout: BlockLayout, rows: number): number {
  const {inputSize: K, outputSize: N, blockSize: b, nnzBlocks} = layout;
  return copyMs(rows * (K + N)) +
      nnzBlocks * ((2 * b * b * rows) / COSTS.flopsPerMs + 3 * copyMs(b * rows)) +
      10 * COSTS.opMs;
}

function chosen(estimates: Record<TensorflowPlan, number>): TensorflowPlan {
  const sparse: TensorflowPlan =
      estimates.grouped <= estimates.blockwise ? 'grouped' : 'blockwise';
  return estimates[sparse] < SPARSE_MARGIN * estimates.dense ? sparse : 'dense';
}

/** Padded slots and bucket count of a grouped table, for the estimate. */
export interface GroupedShape {
  paddedSlots: number;
  buckets: number;
}

/**
 * The plan for a product over `rows` rows (the same estimates serve x . W,
 * x . W^T and the sampled product): the forced one, else the cheapest.
 */
export function choosePlan(
    layout: BlockLayout, rows: number, grouped: () => GroupedShape): TensorflowPlan {
  const forced = forcedPlan();
  if (forced != null) return forced;
  const shape = grouped();
  return chosen({
    dense: denseCostMs(layout, rows),
    grouped: groupedCostMs(layout, rows, shape.paddedSlots, shape.buckets),
    blockwise: blockwiseCostMs(layout, rows),
  });
}

/**
 * Target bytes of gathered x blocks per row chunk of the grouped product,
 * well inside the 32 MB L3 of the benchmark machine. Measured at M = 2048,
 * b = 32 (min of 9, ms, no chunks / 32 MB / 8 MB): density 1/4 70.7 / 58.9 /
 * (8 chunks, as capped by MIN_CHUNK_ROWS) 58.9; 1/8 39.3 / 38.4 / 37.3;
 * 1/16 38.2 / 27.9 / 24.8; transposed 1/16 31.2 / 32.0 / 25.6. Chunks of
 * under ~256 rows lose (4 MB at 1/4 with 32-row chunks: 85-218 ms).
 */
export const GROUPED_CHUNK_BYTES = 8 << 20;
/** Fewer rows per chunk than this cost more in small matmuls than they save. */
const MIN_CHUNK_ROWS = 256;

/**
 * Row counts of the chunks the grouped x . W runs in: one chunk unless its
 * gathered blocks ([paddedSlots, b, rows] floats) exceed the chunk target.
 */
export function chunkSizes(blockSize: number, rows: number, paddedSlots: number): number[] {
  const forced = tf.env().getNumber(CHUNK_BYTES_FLAG);
  const target = forced > 0 ? forced : GROUPED_CHUNK_BYTES;
  const bytesPerRow = 4 * paddedSlots * blockSize;
  // A forced chunk size is for exercising chunking on small test shapes.
  const minRows = forced > 0 ? 8 : MIN_CHUNK_ROWS;
  const count = Math.max(1, Math.min(
      Math.floor(rows / minRows), Math.round((bytesPerRow * rows) / target)));
  const sizes: number[] = [];
  for (let c = 0, start = 0; c < count; c++) {
    const end = Math.round((rows * (c + 1)) / count);
    sizes.push(end - start);
    start = end;
  }
  return sizes;
}
