import * as tf from '@tensorflow/tfjs-core';

import {checkArgument, describeValue} from '../errors';
import {buildColumnTable, buildRowTable, LookupTable} from './lookup_tables';

/** Block sizes every kernel supports. */
export const SUPPORTED_BLOCK_SIZES = [8, 16, 32, 64] as const;
export type BlockSize = typeof SUPPORTED_BLOCK_SIZES[number];

/**
 * A 0/1 block mask of shape [K/b, N/b]: nested arrays, a typed array with its
 * shape, or a rank-2 tensor (read synchronously, so keep it on the CPU).
 */
export type BlockMaskLike = ReadonlyArray<ReadonlyArray<number|boolean>>|
    {data: ArrayLike<number>, shape: [number, number]}|tf.Tensor;

/**
 * The compact JSON form of a layout (see `BlockLayout.toJSON`). A type
 * literal rather than an interface, so it is a tfjs `ConfigDict` as it is
 * and layer configs carry it without a cast.
 */
export type BlockLayoutJSON = {
  format: 'tfjs-blocksparse-layout/1';
  blockSize: number;
  blockRows: number;
  blockCols: number;
  /**
   * Row-major mask bits, 8 per byte (LSB first), as lowercase hex: no
   * capitals or underscores, so it survives tfjs-layers' snake_case/camelCase
   * conversion of config strings when a model is saved and loaded.
   */
  bitsHex: string;
};

/** Anything a backend caches on a layout; `dispose` is called by `dispose()`. */
interface Disposable {
  dispose(): void;
}

export function isSupportedBlockSize(b: number): b is BlockSize {
  return (SUPPORTED_BLOCK_SIZES as readonly number[]).includes(b);
}

export function checkBlockSize(fn: string, blockSize: number):
    asserts blockSize is BlockSize {
  checkArgument(
      isSupportedBlockSize(blockSize), fn, 'blockSize',
      `one of ${SUPPORTED_BLOCK_SIZES.join(', ')}`, blockSize);
}

/** A fraction of blocks kept: a number in (0, 1]. */
export function checkDensity(fn: string, arg: string, density: number): void {
  checkArgument(
      typeof density === 'number' && density > 0 && density <= 1, fn, arg,
      'a number in (0, 1]', density);
}

/**
 * Which b x b blocks of a [K, N] weight matrix exist.
 *
 * Nonzero blocks are numbered v = 0 .. nnzBlocks-1 in row-major order of the
 * mask; the weights of a block-sparse matrix are stored as `[nnzBlocks, b, b]`
 * in that order. The layout owns the lookup tables every kernel needs, built
 * once on first use and cached, and a cache where backends keep their own
 * derived tables (GPU buffers, index tensors).
 *
 * ```js
 * const layout = BlockLayout.fromMask([[1, 0], [0, 1]], 32);  // K = N = 64
 * console.log(layout.nnzBlocks, layout.density);               // 2 0.5
 * ```
 */
export class BlockLayout {
  readonly blockSize: BlockSize;
  /** K / b: number of block rows (input features / b). */
  readonly blockRows: number;
  /** N / b: number of block columns (output features / b). */
  readonly blockCols: number;
  /** K: rows of the dense matrix (the input size of x . W). */
  readonly inputSize: number;
  /** N: columns of the dense matrix (the output size of x . W). */
  readonly outputSize: number;
  readonly nnzBlocks: number;
  /** nnzBlocks / (blockRows * blockCols). */
  readonly density: number;
  /** Row-major [blockRows, blockCols] mask of 0/1. */
  readonly mask: Uint8Array;
  /** Block row k of nonzero block v. */
  readonly blockRow: Int32Array;
  /** Block column n of nonzero block v. */
  readonly blockCol: Int32Array;

  private columnTableCache?: LookupTable;
  private rowTableCache?: LookupTable;
  private readonly backendCache = new Map<string, unknown>();

  private constructor(mask: Uint8Array, blockRows: number, blockCols: number,
                      blockSize: BlockSize) {
    this.mask = mask;
    this.blockRows = blockRows;
    this.blockCols = blockCols;
    this.blockSize = blockSize;
    this.inputSize = blockRows * blockSize;
    this.outputSize = blockCols * blockSize;
    let nnz = 0;
    for (let i = 0; i < mask.length; i++) nnz += mask[i];
    this.nnzBlocks = nnz;
    this.density = nnz / (blockRows * blockCols);
    this.blockRow = new Int32Array(nnz);
    this.blockCol = new Int32Array(nnz);
    let v = 0;
    for (let k = 0; k < blockRows; k++) {
      for (let n = 0; n < blockCols; n++) {
        if (mask[k * blockCols + n]) {
          this.blockRow[v] = k;
          this.blockCol[v] = n;
          v++;
        }
      }
    }
  }

  /**
   * Builds a layout from a 0/1 block mask of shape [K/b, N/b].
   *
   * ```js
   * const layout = BlockLayout.fromMask([[1, 0, 1], [0, 0, 1]], 16);
   * // K = 32, N = 48, nnzBlocks = 3
   * ```
   */
  static fromMask(mask: BlockMaskLike, blockSize: number): BlockLayout {
    const fn = 'BlockLayout.fromMask';
    checkBlockSize(fn, blockSize);
    const {data, shape} = readMask(fn, mask);
    const [rows, cols] = shape;
    checkArgument(
        rows > 0 && cols > 0, fn, 'mask', 'a non-empty [K/b, N/b] mask',
        `shape [${shape}]`);
    const bits = new Uint8Array(rows * cols);
    for (let i = 0; i < bits.length; i++) {
      const value = Number(data[i]);
      if (value !== 0 && value !== 1) {
        const where = `[${Math.floor(i / cols)}, ${i % cols}]`;
        throw new Error(`${fn}: argument 'mask' must hold only 0 and 1, but got ${
            describeValue(data[i])} at ${where}.`);
      }
      bits[i] = value;
    }
    return new BlockLayout(bits, rows, cols, blockSize);
  }

  /**
   * `fromMask` for a mask tensor on a backend that cannot read synchronously
   * (webgpu in Node): reads the mask with `await mask.data()`.
   */
  static async fromMaskAsync(mask: BlockMaskLike, blockSize: number):
      Promise<BlockLayout> {
    if (!(mask instanceof tf.Tensor)) return BlockLayout.fromMask(mask, blockSize);
    const fn = 'BlockLayout.fromMaskAsync';
    checkArgument(
        mask.rank === 2, fn, 'mask', 'a rank-2 tensor [K/b, N/b]',
        `rank ${mask.rank} (shape [${mask.shape}])`);
    const data = await mask.data();
    return BlockLayout.fromMask(
        {data: data as ArrayLike<number>, shape: mask.shape as [number, number]},
        blockSize);
  }

  /** Every block present: a dense matrix in block form. */
  static dense(inputSize: number, outputSize: number, blockSize: number):
      BlockLayout {
    const fn = 'BlockLayout.dense';
    checkBlockSize(fn, blockSize);
    checkDivisible(fn, 'inputSize', inputSize, blockSize);
    checkDivisible(fn, 'outputSize', outputSize, blockSize);
    const rows = inputSize / blockSize, cols = outputSize / blockSize;
    return new BlockLayout(
        new Uint8Array(rows * cols).fill(1), rows, cols, blockSize);
  }

  /** Per output block column n: the (k, v) of its blocks, sorted by k. */
  get columnTable(): LookupTable {
    return this.columnTableCache ??= buildColumnTable(this);
  }

  /** Per input block row k: the (n, v) of its blocks, sorted by n. */
  get rowTable(): LookupTable {
    return this.rowTableCache ??= buildRowTable(this);
  }

  /** Shape of the compact weight tensor: [nnzBlocks, b, b]. */
  get weightShape(): [number, number, number] {
    return [this.nnzBlocks, this.blockSize, this.blockSize];
  }

  /** Whether block (k, n) is kept. */
  has(blockRowIndex: number, blockColIndex: number): boolean {
    return this.mask[blockRowIndex * this.blockCols + blockColIndex] === 1;
  }

  /**
   * Returns the value cached under `key`, building it on first use. Backends
   * keep their per-layout tables here so they are built and uploaded once.
   */
  cached<T>(key: string, build: () => T): T {
    if (!this.backendCache.has(key)) this.backendCache.set(key, build());
    return this.backendCache.get(key) as T;
  }

  /**
   * Bytes held by backend caches that report a `byteLength` (lookup tables
   * uploaded to a device): the memory a layout costs beyond its weights.
   */
  cachedByteLength(): number {
    let bytes = 0;
    for (const value of this.backendCache.values()) {
      const length = (value as {byteLength?: unknown} | null)?.byteLength;
      if (typeof length === 'number') bytes += length;
    }
    return bytes;
  }

  /** Frees what backends cached on this layout (GPU tables, index tensors). */
  dispose(): void {
    for (const value of this.backendCache.values()) {
      const maybe = value as Partial<Disposable>;
      if (maybe != null && typeof maybe.dispose === 'function') maybe.dispose();
    }
    this.backendCache.clear();
  }

  /** The mask as nested arrays of 0/1. */
  toMaskArray(): number[][] {
    const out: number[][] = [];
    for (let k = 0; k < this.blockRows; k++) {
      out.push(Array.from(
          this.mask.subarray(k * this.blockCols, (k + 1) * this.blockCols)));
    }
    return out;
  }

  /** Same block size and mask. */
  equals(other: BlockLayout): boolean {
    if (this.blockSize !== other.blockSize ||
        this.blockRows !== other.blockRows ||
        this.blockCols !== other.blockCols) {
      return false;
    }
    for (let i = 0; i < this.mask.length; i++) {
      if (this.mask[i] !== other.mask[i]) return false;
    }
    return true;
  }

  /**
   * A compact JSON form (mask packed to bits, hex) that round-trips exactly
   * through `BlockLayout.fromJSON`; layer configs carry it.
   *
   * ```js
   * const json = JSON.stringify(layout);   // {"format": ..., "bitsHex": "a3f0..."}
   * BlockLayout.fromJSON(JSON.parse(json)).equals(layout);  // true
   * ```
   */
  toJSON(): BlockLayoutJSON {
    const bytes = new Uint8Array(Math.ceil(this.mask.length / 8));
    for (let i = 0; i < this.mask.length; i++) {
      if (this.mask[i]) bytes[i >> 3] |= 1 << (i & 7);
    }
    return {
      format: 'tfjs-blocksparse-layout/1',
      blockSize: this.blockSize,
      blockRows: this.blockRows,
      blockCols: this.blockCols,
      bitsHex: bytesToHex(bytes),
    };
  }

  static fromJSON(json: BlockLayoutJSON): BlockLayout {
    const fn = 'BlockLayout.fromJSON';
    checkArgument(
        json != null && json.format === 'tfjs-blocksparse-layout/1', fn,
        'json', `an object with format 'tfjs-blocksparse-layout/1'`,
        json == null ? json : json.format);
    checkBlockSize(fn, json.blockSize);
    const {blockRows, blockCols} = json;
    checkArgument(
        Number.isInteger(blockRows) && blockRows > 0 &&
            Number.isInteger(blockCols) && blockCols > 0,
        fn, 'json', 'positive integer blockRows and blockCols',
        `${blockRows} x ${blockCols}`);
    checkArgument(
        typeof json.bitsHex === 'string' && /^([0-9a-f]{2})*$/.test(json.bitsHex),
        fn, 'json.bitsHex', 'a lowercase hex string', json.bitsHex);
    const bytes = hexToBytes(json.bitsHex);
    const size = blockRows * blockCols;
    checkArgument(
        bytes.length === Math.ceil(size / 8), fn, 'json.bitsHex',
        `${Math.ceil(size / 8)} bytes for a ${blockRows} x ${blockCols} mask`,
        `${bytes.length} bytes`);
    const mask = new Uint8Array(size);
    for (let i = 0; i < size; i++) mask[i] = (bytes[i >> 3] >> (i & 7)) & 1;
    return new BlockLayout(mask, blockRows, blockCols, json.blockSize);
  }

  toString(): string {
    return `BlockLayout(${this.inputSize}x${this.outputSize}, b=${
        this.blockSize}, ${this.nnzBlocks}/${
        this.blockRows * this.blockCols} blocks, density=${
        this.density.toFixed(4)})`;
  }
}

export function checkDivisible(
    fn: string, arg: string, value: number, blockSize: number): void {
  checkArgument(
      Number.isInteger(value) && value > 0 && value % blockSize === 0, fn, arg,
      `a positive multiple of blockSize ${blockSize}`, value);
}

function readMask(fn: string, mask: BlockMaskLike):
    {data: ArrayLike<number|boolean>, shape: [number, number]} {
  if (mask instanceof tf.Tensor) {
    checkArgument(
        mask.rank === 2, fn, 'mask', 'a rank-2 tensor [K/b, N/b]',
        `rank ${mask.rank} (shape [${mask.shape}])`);
    checkArgument(
        mask.dtype !== 'string' && mask.dtype !== 'complex64', fn, 'mask',
        'an int32, bool or float32 tensor', `${mask.dtype} tensor`);
    return {data: readSync(fn, mask), shape: mask.shape as [number, number]};
  }
  if (Array.isArray(mask)) {
    const rows = mask.length;
    checkArgument(
        rows > 0 && mask.every(row => Array.isArray(row)), fn, 'mask',
        'a rank-2 nested array [K/b][N/b]', 'an array that is not rank 2');
    const cols = (mask[0] as unknown[]).length;
    const data: Array<number|boolean> = [];
    mask.forEach((row: ReadonlyArray<number|boolean>, i: number) => {
      checkArgument(
          row.length === cols, fn, 'mask', `rows of equal length ${cols}`,
          `row ${i} of length ${row.length}`);
      for (const value of row) {
        checkArgument(
            !Array.isArray(value), fn, 'mask', 'a rank-2 nested array',
            'an array of rank greater than 2');
        data.push(value);
      }
    });
    return {data, shape: [rows, cols]};
  }
  const typed = mask as {data: ArrayLike<number>, shape: number[]};
  checkArgument(
      typed != null && typed.data != null && Array.isArray(typed.shape) &&
          typed.shape.length === 2,
      fn, 'mask', 'nested arrays, a tensor or {data, shape: [rows, cols]}',
      typed == null ? typed : `shape ${JSON.stringify(typed.shape)}`);
  checkArgument(
      typed.data.length === typed.shape[0] * typed.shape[1], fn, 'mask.data',
      `${typed.shape[0] * typed.shape[1]} values for shape [${typed.shape}]`,
      `${typed.data.length} values`);
  return {data: typed.data, shape: typed.shape as [number, number]};
}

function readSync(fn: string, mask: tf.Tensor): ArrayLike<number> {
  try {
    return mask.dataSync() as ArrayLike<number>;
  } catch (error) {
    throw new Error(`${fn}: cannot read the mask tensor synchronously on backend '${
        tf.getBackend()}' (${(error as Error).message}); use BlockLayout.fromMaskAsync.`);
  }
}

function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}
