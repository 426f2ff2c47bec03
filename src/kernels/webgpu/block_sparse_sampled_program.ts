/**
 * Sampled product on WebGPU: out[v] = a[:, k-block]^T . b[:, n-block] for
 * every nonzero block v = (k, n) of the layout (the weight gradient).
 *
 * One workgroup computes one b x b output block over one chunk of the M rows:
 * it stages tileM rows of a's block column and of b's block column in
 * workgroup memory (vec4 loads) and reduces over them, each invocation
 * holding rowsPerThread x (4 * vec4PerThread) outputs. With several chunks
 * (few blocks, many rows: more workgroups to spread) the output is
 * [chunks, nnz, b, b] partial sums, added up by SliceSumProgram.
 */
import {FLAT_WORKGROUP_INDEX, flatDispatch, unroll, unroll2} from './program_util';
import type {WebGPUProgramLike} from './webgpu_types';

export interface SampledTiling {
  blockSize: number;
  /** Rows of a and b staged per step. */
  tileM: number;
  rowsPerThread: number;
  vec4PerThread: number;
  threadsX: number;
  threadsY: number;
}

export function sampledTiling(blockSize: number): SampledTiling {
  const tileM = blockSize <= 16 ? 1024 / blockSize : 32;
  const vec4PerThread = blockSize === 64 ? 2 : 1;
  const rowsPerThread = 4;
  const threadsX = blockSize / (4 * vec4PerThread);
  const threadsY = blockSize / rowsPerThread;
  return {blockSize, tileM, rowsPerThread, vec4PerThread, threadsX, threadsY};
}

export class BlockSparseSampledProgram implements WebGPUProgramLike {
  variableNames = ['A', 'B', 'Table'];
  variableComponents = [4, 4, 1];
  outputComponent = 4;
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = {x: [0, 1, 2]};
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms = 'numBlocks : i32, chunkRows : i32, chunkTiles : i32,';

  /** chunks > 1: output [chunks, nnz, b, b] partial sums over chunks of chunkRows rows. */
  constructor(
      nnzBlocks: number, chunks: number, private readonly tiling: SampledTiling) {
    const {blockSize: b, tileM, rowsPerThread, vec4PerThread, threadsX, threadsY} = tiling;
    this.outputShape = chunks > 1 ? [chunks * nnzBlocks, b, b] : [nnzBlocks, b, b];
    this.workgroupSize = [threadsX * threadsY, 1, 1];
    this.dispatch = flatDispatch(nnzBlocks * chunks);
    this.shaderKey = `blockSparseSampled_b${b}_m${tileM}_r${rowsPerThread}x${threadsY}_c${
        vec4PerThread}x${threadsX}`;
  }

  getUserCode(): string {
    const {blockSize: b, tileM, rowsPerThread: rpt, vec4PerThread: cpt, threadsX, threadsY} =
        this.tiling;
    const b4 = b / 4, threads = threadsX * threadsY;
    const accName = (r: number, c: number) => `acc${r}_${c}`;
    return `
      var<workgroup> aTile : array<array<f32, ${b}>, ${tileM}>;
      var<workgroup> bTile : array<array<vec4<f32>, ${b4}>, ${tileM}>;

      fn main(index : i32) {
        let li = i32(localIndex);
        let tx = li % ${threadsX};
        let ty = li / ${threadsX};
        let rows = uniforms.aShape.x;
        let aCols4 = uniforms.aShape.y / 4;
        let bCols4 = uniforms.bShape.y / 4;
        let total = uniforms.outShape.x;
        let wg = ${FLAT_WORKGROUP_INDEX};
        let live = wg < total;
        let item = min(wg, total - 1);
        let block = item % uniforms.numBlocks;
        let rowStart = (item / uniforms.numBlocks) * uniforms.chunkRows;
        let rowEnd = min(rows, rowStart + uniforms.chunkRows);
        let aCol4 = Table[2 * block] * ${b4};
        let bCol4 = Table[2 * block + 1] * ${b4};

        ${unroll2(rpt, cpt, (r, c) => `var ${accName(r, c)} = vec4<f32>(0.0);`)}
        for (var t = 0; t < uniforms.chunkTiles; t = t + 1) {
          let m0 = rowStart + t * ${tileM};
          for (var q = li; q < ${tileM * b4}; q = q + ${threads}) {
            let r = q / ${b4};
            let c = q % ${b4};
            let row = m0 + r;
            var av = vec4<f32>(0.0);
            var bv = vec4<f32>(0.0);
            if (row < rowEnd) {
              av = A[row * aCols4 + aCol4 + c];
              bv = B[row * bCols4 + bCol4 + c];
            }
            aTile[r][4 * c] = av.x;
            aTile[r][4 * c + 1] = av.y;
            aTile[r][4 * c + 2] = av.z;
            aTile[r][4 * c + 3] = av.w;
            bTile[r][c] = bv;
          }
          workgroupBarrier();
          for (var m = 0; m < ${tileM}; m = m + 1) {
            ${unroll(cpt, c => `let b${c} = bTile[m][tx * ${cpt} + ${c}];`)}
            ${unroll(rpt, r => `let a${r} = vec4<f32>(aTile[m][ty * ${rpt} + ${r}]);
            ${unroll(cpt, c => `${accName(r, c)} = fma(a${r}, b${c}, ${accName(r, c)});`)}`)}
          }
          workgroupBarrier();
        }

        if (live) {
          ${unroll2(rpt, cpt, (r, c) => `result[item * ${b * b4} + (ty * ${rpt} + ${r}) * ${
        b4} + tx * ${cpt} + ${c}] = ${accName(r, c)};`)}
        }
      }`;
  }
}
