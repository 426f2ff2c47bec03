/**
 * The block-sparse row softmax and its backward on WebGPU (math in
 * src/kernel_names.ts). Scores, p and dp are [batch, heads, nnz, b, b];
 * query row i of block row r has its entries in row i of each of r's kept
 * blocks, listed by layout.rowTable (attention_tables.ts).
 *
 * A workgroup of 64 invocations takes 8 consecutive query rows (all in one
 * block row, as b is a multiple of 8), 8 lanes per row. The lanes stride
 * over the row's vec4s (adjacent lanes read adjacent vec4s), combine their
 * partial results through workgroup memory, then write the row.
 */
import {FlatProgram} from './flat_programs';
import {FLAT_WORKGROUP_INDEX, unroll} from './program_util';

const LANES_PER_ROW = 8;
const ROWS_PER_GROUP = 8;

/**
 * The row maximum before any allowed entry: WGSL has no guaranteed
 * infinities, so the count of allowed entries, not this value, says
 * whether a row is empty.
 */
const NO_MAX = '-3.0e38';

/**
 * Shared frame: `mainWith` finds this invocation's row (`slice`, block row,
 * `i`) and lane; `forEachUnit` loops the lane over the row's vec4s (`at`:
 * the vec4's index in the [batch, heads, nnz, b, b] tensors, `block` its
 * kept block, `j4` the vec4 within that block's row).
 */
abstract class AttentionRowProgram extends FlatProgram {
  uniforms = 'numBlocks : i32, heads : i32, sequenceLength : i32, rowPtrBase : i32, ' +
      'rowBlockBase : i32, scale : f32,';

  constructor(
      shape: number[], sequenceLength: number, shaderKey: string,
      protected readonly blockSize: number) {
    const rows = shape[0]! * shape[1]! * sequenceLength;
    super(shape, shaderKey, LANES_PER_ROW * ROWS_PER_GROUP, rows / ROWS_PER_GROUP);
  }

  protected forEachUnit(body: string): string {
    const b4 = this.blockSize / 4;
    return `for (var u = lane; u < units; u = u + ${LANES_PER_ROW}) {
          let block = Table[uniforms.rowBlockBase + first + u / ${b4}];
          let j4 = u % ${b4};
          let at = sliceBase + (block * ${this.blockSize} + i) * ${b4} + j4;
          ${body}
        }`;
  }

  /** The sum of this row's lanes' `partials`, in every lane. */
  protected rowTotal(name: string, partials: string, combine: (a: string, b: string) => string):
      string {
    return `var ${name} = ${partials}[rowLane0];
        ${unroll(LANES_PER_ROW - 1, k => `${name} = ${combine(name, `${partials}[rowLane0 + ${k + 1}]`)};`)}`;
  }

  protected mainWith(declarations: string, body: string): string {
    const b = this.blockSize;
    return `
      ${declarations}
      fn main(index : i32) {
        let li = i32(localIndex);
        let lane = li % ${LANES_PER_ROW};
        let rowLane0 = li - lane;
        let S = uniforms.sequenceLength;
        let totalRows = uniforms.outShape.x * uniforms.heads * S;
        let wg = ${FLAT_WORKGROUP_INDEX};
        let live = wg < totalRows / ${ROWS_PER_GROUP};
        let row = min(wg * ${ROWS_PER_GROUP} + li / ${LANES_PER_ROW}, totalRows - 1);
        let slice = row / S;
        let query = row % S;
        let blockRow = query / ${b};
        let i = query % ${b};
        let first = Table[uniforms.rowPtrBase + blockRow];
        let units = (Table[uniforms.rowPtrBase + blockRow + 1] - first) * ${b / 4};
        let sliceBase = slice * uniforms.numBlocks * ${b * b / 4};
        ${body}
      }`;
  }
}

/**
 * p = softmax over allowed entries of scale * scores: three passes over the
 * row (maximum and count, sum of exponentials, write).
 */
export class AttentionSoftmaxProgram extends AttentionRowProgram {
  variableNames: string[];
  variableComponents: number[];

  constructor(
      scoresShape: number[], sequenceLength: number, blockSize: number,
      private readonly causal: boolean, private readonly hasKeyMask: boolean) {
    super(
        scoresShape, sequenceLength,
        `blockSparseAttentionSoftmax_b${blockSize}_${causal ? 'causal' : 'full'}_${
            hasKeyMask ? 'keyMask' : 'noMask'}`,
        blockSize);
    this.variableNames = hasKeyMask ? ['Scores', 'KeyMask', 'Table'] : ['Scores', 'Table'];
    this.variableComponents = hasKeyMask ? [4, 4, 1] : [4, 1];
  }

  getUserCode(): string {
    const b = this.blockSize, b4 = b / 4;
    const causal = this.causal ? `
          let position = Table[block];
          if ((position >> 16u) == (position & 0xffff)) {
            ok = ok & (vec4<i32>(4 * j4) + vec4<i32>(0, 1, 2, 3) <= vec4<i32>(i));
          }` : '';
    // The key mask is [batch, S]; the heads of a batch entry share its row. It
    // reaches the kernel as float32 but may sit in an int32 buffer (a cast the
    // backend did without a copy), so it is converted before the comparison.
    const keyMask = this.hasKeyMask ? `
          let keyBlock = Table[block] & 0xffff;
          let keys = KeyMask[(slice / uniforms.heads) * (S / 4) + keyBlock * ${b4} + j4];
          ok = ok & (vec4<f32>(keys) != vec4<f32>(0.0));` : '';
    const load = `
          let s = Scores[at] * uniforms.scale;
          var ok = vec4<bool>(true);
          ${causal}
          ${keyMask}`;
    return this.mainWith(`
      var<workgroup> partials : array<f32, ${LANES_PER_ROW * ROWS_PER_GROUP}>;
      var<workgroup> counts : array<i32, ${LANES_PER_ROW * ROWS_PER_GROUP}>;`, `
        var laneMax = ${NO_MAX};
        var laneCount = 0;
        ${this.forEachUnit(`${load}
          let candidates = select(vec4<f32>(${NO_MAX}), s, ok);
          laneMax = max(laneMax, max(max(candidates.x, candidates.y), max(candidates.z, candidates.w)));
          laneCount = laneCount + i32(ok.x) + i32(ok.y) + i32(ok.z) + i32(ok.w);`)}
        partials[li] = laneMax;
        counts[li] = laneCount;
        workgroupBarrier();
        ${this.rowTotal('rowMax', 'partials', (x, y) => `max(${x}, ${y})`)}
        ${this.rowTotal('rowCount', 'counts', (x, y) => `${x} + ${y}`)}
        workgroupBarrier();

        var laneSum = 0.0;
        ${this.forEachUnit(`${load}
          let e = select(vec4<f32>(0.0), exp(min(s - vec4<f32>(rowMax), vec4<f32>(0.0))), ok);
          laneSum = laneSum + (e.x + e.y) + (e.z + e.w);`)}
        partials[li] = laneSum;
        workgroupBarrier();
        ${this.rowTotal('rowSum', 'partials', (x, y) => `${x} + ${y}`)}

        // A row with an allowed entry sums to 1 or more (its maximum gives exp(0)).
        let inverse = select(0.0, 1.0 / max(rowSum, 1.0), rowCount > 0);
        if (live) {
          ${this.forEachUnit(`${load}
            result[at] = select(vec4<f32>(0.0),
                                exp(min(s - vec4<f32>(rowMax), vec4<f32>(0.0))) * inverse, ok);`)}
        }`);
  }
}

/** dScores = scale * p * (dp - rowsum(dp * p)): a sum pass, then a write pass. */
export class AttentionSoftmaxBackwardProgram extends AttentionRowProgram {
  variableNames = ['P', 'DP', 'Table'];
  variableComponents = [4, 4, 1];

  constructor(shape: number[], sequenceLength: number, blockSize: number) {
    super(shape, sequenceLength, `blockSparseAttentionSoftmaxBackward_b${blockSize}`, blockSize);
  }

  getUserCode(): string {
    return this.mainWith(`
      var<workgroup> partials : array<f32, ${LANES_PER_ROW * ROWS_PER_GROUP}>;`, `
        var laneDot = 0.0;
        ${this.forEachUnit(`laneDot = laneDot + dot(DP[at], P[at]);`)}
        partials[li] = laneDot;
        workgroupBarrier();
        ${this.rowTotal('rowDot', 'partials', (x, y) => `${x} + ${y}`)}
        if (live) {
          ${this.forEachUnit(`result[at] = uniforms.scale * P[at] * (DP[at] - vec4<f32>(rowDot));`)}
        }`);
  }
}
