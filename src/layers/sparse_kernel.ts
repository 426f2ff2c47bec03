/**
 * One kernel of a layer as its config describes it: a given layout, or a
 * density from which a layout is generated (with the layer's layoutType and
 * seed) once the input size is known at build time. Both layer families
 * read their kernels' configuration through this one class.
 *
 * `tiles` is how many times a layout over `units` columns repeats along the
 * kernel's columns: 1 for blockSparseDense; 4 for the LSTM, whose kernels
 * hold the four gates side by side, so one [rows, units] layout gives every
 * gate of a unit the same inputs. A layout as wide as the whole kernel,
 * [rows, tiles * units], is used as given.
 *
 * ```js
 * const kernel = new SparseKernel('blockSparseLSTMCell', {
 *     layout: undefined, density: 0.25, layoutArg: 'kernelLayout',
 *     densityArg: 'kernelDensity', shapeName: 'input features x units',
 *     units: 64, tiles: 4, denseByDefault: true});
 * kernel.resolve(128, {layoutType: 'balanced', seed: 0, blockSize: 16});
 * // a [128, 256] layout: a generated [128, 64] one, once per gate
 * ```
 */
import * as tfl from '@tensorflow/tfjs-layers';

import {checkArgument} from '../errors';
import {BlockLayout, checkBlockSize, checkDensity} from '../layout/block_layout';
import {makeLayout} from '../layout/generators';
import {LayoutType} from '../layout/layout_types';
import {tileColumns} from '../layout/tile_columns';

import {layoutFromConfig, LayoutConfig, LayoutLike, layoutToConfig} from './layout_config';
import type {WeightLayout} from './weight_layouts';

export interface SparseKernelArgs {
  /** The layout argument's value, if given. */
  layout?: LayoutLike;
  /** The density argument's value, if given: a number in (0, 1]. */
  density?: number;
  /** Names of the two arguments in the layer's config, for messages. */
  layoutArg: string;
  densityArg: string;
  /** The kernel's rows and columns, for messages ('units x units'). */
  shapeName: string;
  /** The layer's units: a per-unit layout has this many columns. */
  units: number;
  /** Copies of a per-unit layout along the kernel's columns. */
  tiles: number;
  /**
   * true: without a layout, at density 1 (the default), the kernel is a
   * plain dense matrix (the LSTM's kernels). false: the kernel is always
   * block-sparse and a layout or a density must be given (blockSparseDense).
   */
  denseByDefault: boolean;
}

/** What a generated layout is drawn from. */
export interface LayoutGenerator {
  layoutType: LayoutType;
  seed: number;
  blockSize: number;
}

export class SparseKernel {
  /** Whether the kernel is block-sparse (else a plain dense matrix). */
  readonly sparse: boolean;
  readonly layoutArg: string;
  private readonly densityArg: string;
  private readonly fn: string;
  private readonly shapeName: string;
  private readonly units: number;
  private readonly tiles: number;
  /** The layout as given, per unit or full width; null when generated. */
  private readonly given: BlockLayout|null;
  private readonly requestedDensity: number;
  /** The full [rows, tiles * units] layout once known. */
  private full: BlockLayout|null;

  constructor(fn: string, args: SparseKernelArgs) {
    this.fn = fn;
    this.layoutArg = args.layoutArg;
    this.densityArg = args.densityArg;
    this.shapeName = args.shapeName;
    this.units = args.units;
    this.tiles = args.tiles;
    this.given = args.layout == null ?
        null :
        layoutFromConfig(args.layout, fn, args.layoutArg);
    if (args.density != null) checkDensity(fn, args.densityArg, args.density);
    checkArgument(
        args.denseByDefault || this.given != null || args.density != null, fn,
        args.densityArg, `given when no ${args.layoutArg} is given`,
        args.density);
    this.requestedDensity = args.density ?? 1;
    this.sparse = !args.denseByDefault || this.given != null ||
        this.requestedDensity < 1;
    this.full = this.given == null ? null : this.widen(this.given);
  }

  /** The full [rows, tiles * units] layout; null while dense or pending. */
  get layout(): BlockLayout|null {
    return this.full;
  }

  /** The given layout's block size; null when none is given. */
  get givenBlockSize(): number|null {
    return this.given?.blockSize ?? null;
  }

  /** Fraction of the kernel's blocks kept (1 when dense). */
  get density(): number {
    return this.full?.density ?? this.requestedDensity;
  }

  /**
   * The [rows, tiles * units] layout, generated on first call when none was
   * given, and checked against the kernel's shape.
   */
  resolve(rows: number, generator: LayoutGenerator): BlockLayout {
    this.full ??= this.widen(makeLayout(generator.layoutType, {
      inputSize: rows,
      outputSize: this.units,
      blockSize: generator.blockSize,
      density: this.requestedDensity,
      seed: generator.seed,
    }));
    const {full, units, tiles} = this;
    const described = this.given ?? full;
    const tiled = tiles === 1 ? '' : `, tiled ${tiles} times along the columns`;
    checkArgument(
        full.inputSize === rows && full.outputSize === tiles * units, this.fn,
        this.layoutArg,
        `a layout of shape [${rows}, ${units}] (${this.shapeName}${tiled})` +
            (tiles === 1 ? '' : ` or [${rows}, ${tiles * units}]`),
        `a layout of shape [${described.inputSize}, ${described.outputSize}]`);
    checkArgument(
        full.nnzBlocks > 0, this.fn, this.layoutArg,
        'a layout with at least one block', described.toString());
    return full;
  }

  /** How the layer reports this kernel's weight (see `weightLayouts()`). */
  weight(name: string, variable: tfl.LayerVariable): WeightLayout {
    return {
      name, variable, layout: this.full, layoutArg: this.layoutArg,
      replaceLayout: this.full == null ? null : layout => this.replaceLayout(layout),
    };
  }

  /**
   * Puts `layout` in place of the kernel's built layout (the layout a
   * training schedule learned): later calls, `getConfig()` and saved models
   * use it. The caller writes the weight to match, and frees the old
   * layout's cached tables once nothing uses it (`layout.dispose()`).
   */
  replaceLayout(layout: BlockLayout): void {
    const old = this.full;
    checkArgument(old != null, this.fn, this.layoutArg, 'a built layout before it is replaced', 'none yet');
    checkArgument(
        layout instanceof BlockLayout && layout.inputSize === old.inputSize &&
            layout.outputSize === old.outputSize && layout.blockSize === old.blockSize && layout.nnzBlocks > 0,
        this.fn, this.layoutArg,
        `a layout of shape [${old.inputSize}, ${old.outputSize}], blockSize ${old.blockSize}, with blocks`,
        layout instanceof BlockLayout ? layout.toString() : layout);
    this.full = layout;
  }

  /**
   * The kernel's entries of the layer's `getConfig()`: its layout (the full
   * one once known, else null) and its density, under the argument names.
   */
  toConfig(): {[arg: string]: LayoutConfig|number|null} {
    return {
      [this.layoutArg]: this.full == null ? null : layoutToConfig(this.full),
      [this.densityArg]: this.density,
    };
  }

  /** A per-unit layout tiled to the kernel's width; a full one as it is. */
  private widen(layout: BlockLayout): BlockLayout {
    return this.tiles > 1 && layout.outputSize === this.units ?
        tileColumns(layout, this.tiles) :
        layout;
  }
}

/** A layer's `units`: a positive integer. */
export function checkUnits(fn: string, units: number|undefined): number {
  checkArgument(
      Number.isInteger(units) && units! > 0, fn, 'units', 'a positive integer',
      units);
  return units!;
}

/**
 * The layer's block size: the `blockSize` argument, else that of a given
 * layout; checked (supported, dividing units, equal to every given layout's)
 * when a kernel is sparse, and null when there is none and no kernel needs it.
 */
export function layerBlockSize(
    fn: string, blockSize: number|undefined, units: number,
    kernels: SparseKernel[]): number|null {
  const size = blockSize ??
      kernels.map(k => k.givenBlockSize).find(b => b != null) ?? null;
  if (!kernels.some(k => k.sparse)) return size;
  checkArgument(
      size != null, fn, 'blockSize',
      'given (or implied by a layout) when a kernel is sparse', size);
  checkBlockSize(fn, size);
  checkArgument(
      units % size === 0, fn, 'units', `a multiple of blockSize ${size}`,
      units);
  for (const kernel of kernels) {
    const given = kernel.givenBlockSize;
    checkArgument(
        given == null || given === size, fn, kernel.layoutArg,
        `a layout with blockSize ${size}`, `blockSize ${given}`);
  }
  return size;
}

/**
 * Checks that the input's last dimension (a sparse kernel's rows) is a
 * multiple of the block size; returns it.
 */
export function checkInputFeatures(
    fn: string, shape: Array<number|null>, blockSize: number,
    what: string): number {
  const inputDim = shape[shape.length - 1];
  checkArgument(
      inputDim != null && inputDim % blockSize === 0, fn, 'inputShape',
      `[..., a multiple of blockSize ${blockSize}] (${what})`,
      `[${shape.map(d => d ?? 'null').join(', ')}]`);
  return inputDim;
}
