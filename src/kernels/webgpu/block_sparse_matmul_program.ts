/**
 * Dense x block-sparse product on WebGPU: y = x . W (forward) or x . W^T
 * (transposed), W given by its nonzero blocks w: [nnz, b, b].
 *
 * A classic tiled matmul per (row tile of x, segment of one output block
 * group): the K-loop walks only the segment's nonzero blocks, read from the
 * layout's table (gpu_tables.ts). Each step stages an x tile [tileRows, kTile]
 * and a w tile [kTile, b] (w^T for the transposed product, transposed in
 * registers 4x4 at a time) in workgroup memory, all as vec4 loads; each
 * invocation accumulates rowsPerThread x (4 * vec4PerThread) outputs. The
 * staged depth is 32 for every block size: a b=64 block takes two steps,
 * while b=8 and b=16 stage the next 4 or 2 blocks of the list together
 * (zeros past its end), so small blocks do not pay a barrier per 8 rows.
 * Groups without blocks write zeros. When the table splits groups into
 * several segments, the output is the partial sum per segment,
 * [numSegments * M, b], added up by SegmentSumProgram. An optional
 * epilogue (product_epilogue.ts) is applied to the values it writes
 * directly; after a split, SegmentSumProgram applies it.
 */
import {FlatProgram} from './flat_programs';
import {epilogueKey, epilogueVariableComponents, epilogueVariableNames, epilogueWgsl, finalValue, ProductEpilogue} from './product_epilogue';
import {FLAT_WORKGROUP_INDEX, unroll, unroll2} from './program_util';

export interface MatMulTiling {
  blockSize: number;
  /** Depth of one staged step (32): part of a block or several blocks. */
  kTile: number;
  rowsPerThread: number;
  /** Output vec4 columns per invocation. */
  vec4PerThread: number;
  threadsX: number;
  threadsY: number;
}

/**
 * Tile shapes, tuned on lavapipe: 4 rows x 4 (b <= 16) or 8 columns per invocation,
 * 32-64 invocations, tile rows shrunk for small M (an LSTM step has
 * batch-size rows).
 */
export function matMulTiling(blockSize: number, rows: number): MatMulTiling {
  const kTile = 32;
  const vec4PerThread = blockSize >= 32 ? 2 : 1;
  const threadsX = blockSize / (4 * vec4PerThread);
  const threadsY = Math.min(16, Math.max(8, 64 / threadsX));
  let rowsPerThread = 4;
  while (rowsPerThread > 1 && threadsY * rowsPerThread / 2 >= rows) rowsPerThread /= 2;
  return {blockSize, kTile, rowsPerThread, vec4PerThread, threadsX, threadsY};
}

export class BlockSparseMatMulProgram extends FlatProgram {
  variableNames: string[];
  variableComponents: number[];
  uniforms = 'numSegments : i32, segmentBase : i32, entryBase : i32,';
  private readonly tileRows: number;

  /**
   * rows: M; outputCols: N (forward) or K (transposed); split: write per
   * segment partial sums of shape [numSegments * rows, b]; epilogue: applied
   * to the values written when not split.
   */
  constructor(
      rows: number, outputCols: number, numSegments: number,
      private readonly tiling: MatMulTiling, private readonly transposeW: boolean,
      private readonly split: boolean, private readonly epilogue?: ProductEpilogue) {
    const {blockSize, kTile, rowsPerThread, vec4PerThread, threadsX, threadsY} = tiling;
    const tileRows = threadsY * rowsPerThread;
    super(
        split ? [numSegments * rows, blockSize] : [rows, outputCols],
        `blockSparseMatMul_b${blockSize}_k${kTile}_r${rowsPerThread}x${threadsY}_c${
            vec4PerThread}x${threadsX}_${transposeW ? 'T' : 'N'}_${split ? 'split' : 'direct'}${
            epilogueKey(epilogue)}`,
        threadsX * threadsY, Math.ceil(rows / tileRows) * numSegments);
    if (split && epilogue != null) {
      throw new Error('BlockSparseMatMulProgram: a split product takes its epilogue in the segment sum');
    }
    this.tileRows = tileRows;
    this.variableNames = ['X', 'W', 'Table', ...epilogueVariableNames(epilogue)];
    this.variableComponents = [4, 4, 1, ...epilogueVariableComponents(epilogue)];
  }

  getUserCode(): string {
    const {blockSize: b, kTile, rowsPerThread: rpt, vec4PerThread: cpt, threadsX, threadsY} =
        this.tiling;
    const b4 = b / 4, k4 = kTile / 4;
    // Rows of K one block contributes to a step, blocks per step, steps per block.
    const span = Math.min(b, kTile), slots = kTile / span, steps = b / span;
    const threads = threadsX * threadsY, tileRows = this.tileRows;
    const accName = (r: number, c: number) => `acc${r}_${c}`;
    // Slot j of this step: entry e + j of the segment (if any), its input
    // block and its weight block; k rows step * span .. of that block.
    const slotInfo = unroll(slots, j => `
            let valid${j} = e + ${j} < count;
            let v${j} = ${this.transposeW ? `firstEntry + min(e + ${j}, count - 1)` :
        `Table[uniforms.entryBase + firstEntry + min(e + ${j}, count - 1)]`};
            let inBlock${j} = ${this.transposeW ? `Table[v${j}] & 0xffff` : `Table[v${j}] >> 16u`};`);
    const pick = (name: string, slot: string) => {
      let chosen = `${name}0`;
      for (let j = 1; j < slots; j++) chosen = `select(${chosen}, ${name}${j}, ${slot} == ${j})`;
      return chosen;
    };
    const loadW = this.transposeW ?
        // wTile[kk][i] = w[v][i][step * span + kk % span], one 4x4 sub-block per pass.
        `for (var q = li; q < ${b4 * k4}; q = q + ${threads}) {
          let i4 = q / ${k4};
          let kk = 4 * (q % ${k4});
          let slot = kk / ${span};
          let v = ${pick('v', 'slot')};
          let ok = ${pick('valid', 'slot')};
          let src = v * ${b * b4} + i4 * ${4 * b4} + (step * ${span} + kk % ${span}) / 4;
          var r0 = vec4<f32>(0.0);
          var r1 = vec4<f32>(0.0);
          var r2 = vec4<f32>(0.0);
          var r3 = vec4<f32>(0.0);
          if (ok) {
            r0 = W[src];
            r1 = W[src + ${b4}];
            r2 = W[src + ${2 * b4}];
            r3 = W[src + ${3 * b4}];
          }
          wTile[kk][i4] = vec4<f32>(r0.x, r1.x, r2.x, r3.x);
          wTile[kk + 1][i4] = vec4<f32>(r0.y, r1.y, r2.y, r3.y);
          wTile[kk + 2][i4] = vec4<f32>(r0.z, r1.z, r2.z, r3.z);
          wTile[kk + 3][i4] = vec4<f32>(r0.w, r1.w, r2.w, r3.w);
        }` :
        // Rows step * span .. of block v are contiguous.
        `for (var q = li; q < ${kTile * b4}; q = q + ${threads}) {
          let kk = q / ${b4};
          let slot = kk / ${span};
          let v = ${pick('v', 'slot')};
          var value = vec4<f32>(0.0);
          if (${pick('valid', 'slot')}) {
            value = W[v * ${b * b4} + (step * ${span} + kk % ${span}) * ${b4} + q % ${b4}];
          }
          wTile[kk][q % ${b4}] = value;
        }`;
    const write = this.split ?
        (r: number, c: number) =>
            `result[(segment * rows + row${r}) * ${b4} + col4 + ${c}] = ${accName(r, c)};` :
        (r: number, c: number) => `result[row${r} * outCols4 + group * ${b4} + col4 + ${c}] = ${
            finalValue(this.epilogue, accName(r, c), `row${r}`, `group * ${b4} + col4 + ${c}`)};`;
    return `
      ${epilogueWgsl(this.epilogue)}
      var<workgroup> xTile : array<array<vec4<f32>, ${k4}>, ${tileRows}>;
      var<workgroup> wTile : array<array<vec4<f32>, ${b4}>, ${kTile}>;
      var<workgroup> segmentLength : i32;

      fn main(index : i32) {
        let li = i32(localIndex);
        let tx = li % ${threadsX};
        let ty = li / ${threadsX};
        let rows = uniforms.xShape.x;
        let xCols4 = uniforms.xShape.y / 4;
        let outCols4 = uniforms.outShape.y / 4;
        let rowTiles = (rows + ${tileRows - 1}) / ${tileRows};
        let total = rowTiles * uniforms.numSegments;
        let wg = ${FLAT_WORKGROUP_INDEX};
        let live = wg < total;
        let item = min(wg, total - 1);
        let segment = item / rowTiles;
        let rowStart = (item % rowTiles) * ${tileRows};
        let segmentAt = uniforms.segmentBase + 3 * segment;
        let group = Table[segmentAt];
        let firstEntry = Table[segmentAt + 1];
        if (li == 0) {
          segmentLength = select(0, Table[segmentAt + 2], live);
        }
        let count = workgroupUniformLoad(&segmentLength);

        ${unroll2(rpt, cpt, (r, c) => `var ${accName(r, c)} = vec4<f32>(0.0);`)}
        for (var e = 0; e < count; e = e + ${slots}) {
          ${slotInfo}
          for (var step = 0; step < ${steps}; step = step + 1) {
            for (var q = li; q < ${tileRows * k4}; q = q + ${threads}) {
              let r = q / ${k4};
              let row = rowStart + r;
              let kk = 4 * (q % ${k4});
              let slot = kk / ${span};
              let inBlock = ${pick('inBlock', 'slot')};
              var value = vec4<f32>(0.0);
              if (row < rows && ${pick('valid', 'slot')}) {
                value = X[row * xCols4 + (inBlock * ${b} + step * ${span} + kk % ${span}) / 4];
              }
              xTile[r][q % ${k4}] = value;
            }
            ${loadW}
            workgroupBarrier();
            for (var k = 0; k < ${k4}; k = k + 1) {
              ${unroll2(4, cpt, (i, c) => `let w${i}_${c} = wTile[4 * k + ${i}][tx * ${cpt} + ${c}];`)}
              ${unroll(rpt, r => `let a${r} = xTile[ty * ${rpt} + ${r}][k];
              ${unroll(cpt, c => unroll(4, i => `${accName(r, c)} = fma(w${i}_${c}, vec4<f32>(a${r}[${i}]), ${accName(r, c)});`))}`)}
            }
            workgroupBarrier();
          }
        }

        let col4 = tx * ${cpt};
        ${unroll(rpt, r => `let row${r} = rowStart + ty * ${rpt} + ${r};
        if (live && row${r} < rows) {
          ${unroll(cpt, c => write(r, c))}
        }`)}
      }`;
  }
}
