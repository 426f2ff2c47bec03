/**
 * Block-sparse P times dense v on WebGPU (BlockSparseDSD), the layout
 * square [S/b, S/b]:
 *
 *   transposeP = false: out[rows of r] = sum over r's blocks v = (r, c) of p[v] . v[rows of c]
 *   transposeP = true:  out[rows of c] = sum over c's blocks v = (r, c) of p[v]^T . v[rows of r]
 *
 * The group's blocks come from layout.rowTable (columnTable for transposeP)
 * in the attention tables, so every output row is written by one workgroup:
 * no atomics, no second pass. One workgroup per (slice, group, 32 columns
 * of d): each step stages kTile columns of p[v] (rows of p[v]^T) and the
 * matching kTile rows of v in workgroup memory (scalar loads, as d is any
 * size), and each invocation accumulates rowsPerThread rows x 4 columns.
 * A group without blocks writes zeros.
 */
import {FlatProgram} from './flat_programs';
import {FLAT_WORKGROUP_INDEX, unroll} from './program_util';

/** Output columns (of d) per workgroup. */
export const DSD_COLUMN_TILE = 32;
const THREADS_X = DSD_COLUMN_TILE / 4;
const THREADS_Y = 8;

export class AttentionDSDProgram extends FlatProgram {
  variableNames = ['P', 'V', 'Table'];
  variableComponents = [1, 1, 1];
  uniforms = 'numBlocks : i32, ptrBase : i32, blockBase : i32,';
  outputComponent = 1;

  constructor(
      outputShape: [number, number, number], private readonly blockSize: number,
      private readonly transposeP: boolean) {
    const [slices, S, depth] = outputShape;
    const kTile = Math.min(blockSize, 32);
    super(
        outputShape,
        `blockSparseAttentionDSD_b${blockSize}_k${kTile}_${transposeP ? 'T' : 'N'}`,
        THREADS_X * THREADS_Y, slices * (S / blockSize) * Math.ceil(depth / DSD_COLUMN_TILE));
  }

  getUserCode(): string {
    const b = this.blockSize, kTile = Math.min(b, 32), steps = b / kTile;
    const rpt = b / THREADS_Y, threads = THREADS_X * THREADS_Y, tile = DSD_COLUMN_TILE;
    // pTile[i][k]: entry (i, step * kTile + k) of p[v], or of p[v]^T.
    const pEntry = this.transposeP ? `P[pStart + (step * ${kTile} + k) * ${b} + i]` :
                                     `P[pStart + i * ${b} + step * ${kTile} + k]`;
    const otherBlock = this.transposeP ? `Table[block] >> 16u` : `Table[block] & 0xffff`;
    return `
      var<workgroup> pTile : array<array<f32, ${kTile}>, ${b}>;
      var<workgroup> vTile : array<array<f32, ${tile}>, ${kTile}>;
      var<workgroup> groupLength : i32;

      fn main(index : i32) {
        let li = i32(localIndex);
        let tx = li % ${THREADS_X};
        let ty = li / ${THREADS_X};
        let S = uniforms.outShape.y;
        let depth = uniforms.outShape.z;
        let groups = S / ${b};
        let columnTiles = (depth + ${tile - 1}) / ${tile};
        let total = uniforms.outShape.x * groups * columnTiles;
        let wg = ${FLAT_WORKGROUP_INDEX};
        let live = wg < total;
        let item = min(wg, total - 1);
        let d0 = (item % columnTiles) * ${tile};
        let group = (item / columnTiles) % groups;
        let slice = item / (columnTiles * groups);
        let first = Table[uniforms.ptrBase + group];
        if (li == 0) {
          groupLength = Table[uniforms.ptrBase + group + 1] - first;
        }
        let count = workgroupUniformLoad(&groupLength);

        ${unroll(rpt, r => `var acc${r} = vec4<f32>(0.0);`)}
        for (var e = 0; e < count; e = e + 1) {
          let block = Table[uniforms.blockBase + first + e];
          let pStart = (slice * uniforms.numBlocks + block) * ${b * b};
          let vStart = (slice * S + (${otherBlock}) * ${b}) * depth;
          for (var step = 0; step < ${steps}; step = step + 1) {
            for (var q = li; q < ${b * kTile}; q = q + ${threads}) {
              ${this.transposeP ?
                // Consecutive invocations read consecutive entries of a row of p[v].
                `let k = q / ${b};
              let i = q % ${b};` :
                `let i = q / ${kTile};
              let k = q % ${kTile};`}
              pTile[i][k] = ${pEntry};
            }
            for (var q = li; q < ${kTile * tile}; q = q + ${threads}) {
              let k = q / ${tile};
              let col = q % ${tile};
              var value = 0.0;
              if (d0 + col < depth) {
                value = V[vStart + (step * ${kTile} + k) * depth + d0 + col];
              }
              vTile[k][col] = value;
            }
            workgroupBarrier();
            for (var k = 0; k < ${kTile}; k = k + 1) {
              let values = vec4<f32>(vTile[k][4 * tx], vTile[k][4 * tx + 1], vTile[k][4 * tx + 2],
                                     vTile[k][4 * tx + 3]);
              ${unroll(rpt, r => `acc${r} = fma(vec4<f32>(pTile[ty + ${r * THREADS_Y}][k]), values, acc${r});`)}
            }
            workgroupBarrier();
          }
        }

        if (live) {
          ${unroll(rpt, r => `{
            let rowStart = (slice * S + group * ${b} + ty + ${r * THREADS_Y}) * depth;
            for (var c = 0; c < 4; c = c + 1) {
              let col = d0 + 4 * tx + c;
              if (col < depth) {
                result[rowStart + col] = acc${r}[c];
              }
            }
          }`)}
        }
      }`;
  }
}
