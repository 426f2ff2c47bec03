/**
 * Attention scores on WebGPU (BlockSparseSDD): for every slice (batch entry)
 * and kept block v = (r, c), out[slice, v] = a[slice, rows of r] .
 * b[slice, rows of c]^T, a b x b tile with d inner.
 *
 * One workgroup per (slice, block). Each step stages depthTile columns of
 * the block's b query rows and b key rows in workgroup memory (scalar loads:
 * d is any size, zeros past its end); each invocation holds rowsPerThread
 * rows x 4 keys of the tile and writes them as vec4s.
 */
import {FlatProgram} from './flat_programs';
import {FLAT_WORKGROUP_INDEX, unroll} from './program_util';

export interface SDDTiling {
  blockSize: number;
  /** Depth staged per step: 8 KiB of workgroup memory for both operands. */
  depthTile: number;
  rowsPerThread: number;
  /** b / 4 invocations across (4 keys each) and b / rowsPerThread down. */
  threadsX: number;
  threadsY: number;
}

/** At most 64 invocations: 16 for b = 8, 64 otherwise. */
export function sddTiling(blockSize: number): SDDTiling {
  const rowsPerThread = Math.max(1, blockSize * blockSize / 4 / 64);
  return {
    blockSize,
    depthTile: Math.min(32, 1024 / blockSize),
    rowsPerThread,
    threadsX: blockSize / 4,
    threadsY: blockSize / rowsPerThread,
  };
}

export class AttentionSDDProgram extends FlatProgram {
  variableNames = ['A', 'B', 'Table'];
  // Scalar reads: d need not be a multiple of 4.
  variableComponents = [1, 1, 1];
  uniforms = 'numBlocks : i32, depthSteps : i32,';

  constructor(slices: number, nnzBlocks: number, private readonly tiling: SDDTiling) {
    const {blockSize: b, depthTile, rowsPerThread, threadsX, threadsY} = tiling;
    super(
        [slices, nnzBlocks, b, b], `blockSparseAttentionSDD_b${b}_d${depthTile}_r${rowsPerThread}`,
        threadsX * threadsY, slices * nnzBlocks);
  }

  getUserCode(): string {
    const {blockSize: b, depthTile, rowsPerThread: rpt, threadsX, threadsY} = this.tiling;
    const threads = threadsX * threadsY, b4 = b / 4;
    return `
      var<workgroup> aTile : array<array<f32, ${depthTile}>, ${b}>;
      var<workgroup> bTile : array<array<f32, ${b}>, ${depthTile}>;

      fn main(index : i32) {
        let li = i32(localIndex);
        let tx = li % ${threadsX};
        let ty = li / ${threadsX};
        let S = uniforms.aShape.y;
        let depth = uniforms.aShape.z;
        let total = uniforms.outShape.x * uniforms.numBlocks;
        let wg = ${FLAT_WORKGROUP_INDEX};
        let item = min(wg, total - 1);
        let slice = item / uniforms.numBlocks;
        let block = item % uniforms.numBlocks;
        let position = Table[block];
        let aStart = (slice * S + (position >> 16u) * ${b}) * depth;
        let bStart = (slice * S + (position & 0xffff) * ${b}) * depth;

        ${unroll(rpt, r => `var acc${r} = vec4<f32>(0.0);`)}
        for (var step = 0; step < uniforms.depthSteps; step = step + 1) {
          let d0 = step * ${depthTile};
          for (var q = li; q < ${b * depthTile}; q = q + ${threads}) {
            let row = q / ${depthTile};
            let t = q % ${depthTile};
            var av = 0.0;
            var bv = 0.0;
            if (d0 + t < depth) {
              av = A[aStart + row * depth + d0 + t];
              bv = B[bStart + row * depth + d0 + t];
            }
            aTile[row][t] = av;
            bTile[t][row] = bv;
          }
          workgroupBarrier();
          for (var t = 0; t < ${depthTile}; t = t + 1) {
            let keys = vec4<f32>(bTile[t][4 * tx], bTile[t][4 * tx + 1], bTile[t][4 * tx + 2],
                                 bTile[t][4 * tx + 3]);
            ${unroll(rpt, r => `acc${r} = fma(vec4<f32>(aTile[ty + ${r * threadsY}][t]), keys, acc${r});`)}
          }
          workgroupBarrier();
        }

        if (wg < total) {
          let base = item * ${b * b4} + tx;
          ${unroll(rpt, r => `result[base + (ty + ${r * threadsY}) * ${b4}] = acc${r};`)}
        }
      }`;
  }
}
