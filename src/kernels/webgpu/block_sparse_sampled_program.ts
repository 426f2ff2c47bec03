/**
 * Sampled product on WebGPU: out[v] = a[:, k-block]^T . b[:, n-block] for
 * every nonzero block v = (k, n) of the layout (the weight gradient).
 *
 * A workgroup computes one b x b output block (b = 8, 16: several blocks,
 * so it has enough invocations) over one chunk of the M rows: it stages tileM
 * rows of a's and b's block columns in workgroup memory (vec4 loads) and
 * reduces over them, each invocation holding a 4 x (4 * vec4PerThread) patch
 * of the output. With several chunks (few blocks, many rows: more workgroups
 * to spread) the output is [chunks, nnz, b, b] partial sums, added up by
 * SliceSumProgram.
 */
import {FlatProgram} from './flat_programs';
import {FLAT_WORKGROUP_INDEX, unroll, unroll2} from './program_util';

export interface SampledTiling {
  blockSize: number;
  /** Output blocks per workgroup. */
  blocksPerGroup: number;
  /** Rows of a and b staged per step. */
  tileM: number;
  vec4PerThread: number;
  /** Invocations per block along columns (4 * vec4PerThread each) and rows (4 each). */
  threadsX: number;
  threadsY: number;
}

/** 16 KiB of workgroup memory per step, 32 to 128 invocations. */
export function sampledTiling(blockSize: number): SampledTiling {
  const vec4PerThread = blockSize === 64 ? 2 : 1;
  const threadsX = blockSize / (4 * vec4PerThread);
  const threadsY = blockSize / 4;
  const blocksPerGroup = Math.max(1, 32 / (threadsX * threadsY));
  const tileM = 2048 / (blocksPerGroup * blockSize);
  return {blockSize, blocksPerGroup, tileM, vec4PerThread, threadsX, threadsY};
}

export class BlockSparseSampledProgram extends FlatProgram {
  variableNames = ['A', 'B', 'Table'];
  variableComponents = [4, 4, 1];
  uniforms = 'numBlocks : i32, numChunks : i32, chunkRows : i32, chunkTiles : i32,';

  /** chunks > 1: output [chunks * nnz, b, b] partial sums over chunks of chunkRows rows. */
  constructor(
      nnzBlocks: number, chunks: number, private readonly tiling: SampledTiling) {
    const {blockSize: b, blocksPerGroup, tileM, vec4PerThread, threadsX, threadsY} = tiling;
    super(
        [chunks * nnzBlocks, b, b],
        `blockSparseSampled_b${b}_g${blocksPerGroup}_m${tileM}_c${vec4PerThread}x${threadsX}x${
            threadsY}`,
        blocksPerGroup * threadsX * threadsY, Math.ceil(nnzBlocks / blocksPerGroup) * chunks);
  }

  getUserCode(): string {
    const {blockSize: b, blocksPerGroup: groupBlocks, tileM, vec4PerThread: cpt, threadsX, threadsY} =
        this.tiling;
    const b4 = b / 4, perBlock = threadsX * threadsY, threads = groupBlocks * perBlock;
    const accName = (r: number, c: number) => `acc${r}_${c}`;
    return `
      var<workgroup> aTile : array<array<vec4<f32>, ${b4}>, ${groupBlocks * tileM}>;
      var<workgroup> bTile : array<array<vec4<f32>, ${b4}>, ${groupBlocks * tileM}>;

      fn main(index : i32) {
        let li = i32(localIndex);
        let g = li / ${perBlock};
        let tx = li % ${threadsX};
        let ty = (li % ${perBlock}) / ${threadsX};
        let rows = uniforms.aShape.x;
        let aCols4 = uniforms.aShape.y / 4;
        let bCols4 = uniforms.bShape.y / 4;
        let groups = (uniforms.numBlocks + ${groupBlocks - 1}) / ${groupBlocks};
        let total = groups * uniforms.numChunks;
        let wg = ${FLAT_WORKGROUP_INDEX};
        let item = min(wg, total - 1);
        let chunk = item / groups;
        let firstBlock = (item % groups) * ${groupBlocks};
        let rowStart = chunk * uniforms.chunkRows;
        let rowEnd = min(rows, rowStart + uniforms.chunkRows);

        ${unroll2(4, cpt, (r, c) => `var ${accName(r, c)} = vec4<f32>(0.0);`)}
        for (var t = 0; t < uniforms.chunkTiles; t = t + 1) {
          let m0 = rowStart + t * ${tileM};
          for (var q = li; q < ${groupBlocks * tileM * b4}; q = q + ${threads}) {
            let slot = q / ${tileM * b4};
            let r = (q / ${b4}) % ${tileM};
            let c = q % ${b4};
            let block = min(firstBlock + slot, uniforms.numBlocks - 1);
            let row = m0 + r;
            var av = vec4<f32>(0.0);
            var bv = vec4<f32>(0.0);
            if (row < rowEnd) {
              let position = Table[block];
              av = A[row * aCols4 + (position >> 16u) * ${b4} + c];
              bv = B[row * bCols4 + (position & 0xffff) * ${b4} + c];
            }
            aTile[q / ${b4}][c] = av;
            bTile[q / ${b4}][c] = bv;
          }
          workgroupBarrier();
          for (var m = g * ${tileM}; m < (g + 1) * ${tileM}; m = m + 1) {
            let a = aTile[m][ty];
            ${unroll(cpt, c => `let b${c} = bTile[m][tx * ${cpt} + ${c}];`)}
            ${unroll2(4, cpt, (r, c) => `${accName(r, c)} = fma(vec4<f32>(a[${r}]), b${c}, ${accName(r, c)});`)}
          }
          workgroupBarrier();
        }

        let block = firstBlock + g;
        if (wg < total && block < uniforms.numBlocks) {
          let base = (chunk * uniforms.numBlocks + block) * ${b * b4} + ty * ${4 * b4} + tx * ${cpt};
          ${unroll2(4, cpt, (r, c) => `result[base + ${r * b4 + c}] = ${accName(r, c)};`)}
        }
      }`;
  }
}
