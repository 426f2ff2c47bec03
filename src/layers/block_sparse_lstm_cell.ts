/**
 * An LSTM cell whose input kernel and recurrent kernel are each either dense
 * or block-sparse, with their own layouts. Usable on its own with
 * `tf.layers.rnn({cell})`, and the cell of `blockSparseLSTM`.
 *
 * Weight layout (the choice that keeps one kernel call per product): the
 * four gates i, f, c, o are concatenated along the columns as in tfjs, so the
 * input kernel is one [inputDim, 4 * units] matrix and the recurrent kernel
 * one [units, 4 * units] matrix, each held as a single BlockLayout. A layout
 * given (or generated) for one gate, [inputDim, units], is tiled four times
 * along the columns (`tileColumns`), so every gate of a unit sees the same
 * inputs; a full [inputDim, 4 * units] layout is used as given. Either way
 * x . W is one `blockSparseMatMul` for all gates (and, in `blockSparseLSTM`,
 * for all timesteps at once), and h . U one call per step. With dense
 * layouts the weights are exactly tf.layers.lstm's, and
 * `denseWeights`/`setDenseWeights` convert between the two.
 *
 * ```js
 * const cell = tfbs.layers.blockSparseLSTMCell({units: 64, blockSize: 16,
 *     recurrentDensity: 0.25});
 * const rnn = tf.layers.rnn({cell, returnSequences: true});
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type {LayerArgs} from '@tensorflow/tfjs-layers/dist/engine/topology';
import type {Kwargs} from '@tensorflow/tfjs-layers/dist/types';

import {blockSparseMatMul} from '../../ops/block_sparse_mat_mul';
import {checkArgument} from '../errors';
import {BlockLayout, checkBlockSize} from '../layout/block_layout';
import {LayoutType} from '../layout/generators';

import {blockVarianceScaling, blockWeightInitializer} from './block_initializer';
import {ActivationIdentifier, ActivationLike, InitializerIdentifier, InitializerLike, RegularizerIdentifier, RegularizerLike, resolveActivation, resolveInitializer, resolveRegularizer, serializeActivation, serializeObject} from './keras_objects';
import {checkDensity, checkLayoutShape, checkLayoutType, generateLayout, layoutFromConfig, LayoutLike, layoutToConfig, tileColumns} from './layout_config';

export interface BlockSparseLSTMCellArgs extends LayerArgs {
  units: number;
  /** Block size b; needed when a kernel is sparse and no layout implies it. */
  blockSize?: number;
  /**
   * Layout of the input kernel: [inputDim, units] (tiled over the four gates)
   * or [inputDim, 4 * units]. Without it and without `kernelDensity` < 1 the
   * input kernel is dense.
   */
  kernelLayout?: LayoutLike;
  /** Density of a generated input-kernel layout, in (0, 1]; default 1. */
  kernelDensity?: number;
  /** Layout of the recurrent kernel: [units, units] (tiled) or [units, 4 * units]. */
  recurrentLayout?: LayoutLike;
  /** Density of a generated recurrent layout, in (0, 1]; default 1. */
  recurrentDensity?: number;
  /** Generator of the layouts; default 'balanced'. */
  layoutType?: LayoutType;
  /** Seed of the generators: the input kernel uses seed, the recurrent seed + 1. */
  seed?: number;
  /** Default 'tanh'. */
  activation?: ActivationIdentifier;
  /** Default 'sigmoid' (tfjs's LSTM defaults to 'hardSigmoid'). */
  recurrentActivation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Initialize the forget-gate bias to 1 (default false, as tfjs). */
  unitForgetBias?: boolean;
  /** Default: 'glorotNormal' when dense, blockVarianceScaling() when sparse. */
  kernelInitializer?: InitializerIdentifier;
  /** Default: 'orthogonal' when dense, blockVarianceScaling() when sparse. */
  recurrentInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  recurrentRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  /** Fraction of the inputs dropped while training; default 0. */
  dropout?: number;
  /** Fraction of the recurrent state dropped while training; default 0. */
  recurrentDropout?: number;
}

const FN = 'blockSparseLSTMCell';
const GATES = 4;

/** One of the two kernels: dense, or sparse with a (maybe pending) layout. */
interface KernelSpec {
  sparse: boolean;
  /** Full [rows, 4 * units] layout once known. */
  layout: BlockLayout|null;
  /** A given layout before build (per gate or full). */
  given: BlockLayout|null;
  density: number;
}

function kernelSpec(
    layoutArg: LayoutLike|undefined, densityArg: number|undefined,
    layoutName: string, densityName: string): KernelSpec {
  const given =
      layoutArg == null ? null : layoutFromConfig(layoutArg, FN, layoutName);
  if (densityArg != null) checkDensity(FN, densityName, densityArg);
  const density = given?.density ?? densityArg ?? 1;
  return {sparse: given != null || density < 1, layout: null, given, density};
}

function dropoutRate(fn: string, arg: string, value: number|undefined): number {
  const rate = value ?? 0;
  checkArgument(rate >= 0 && rate < 1, fn, arg, 'a number in [0, 1)', value);
  return rate;
}

export class BlockSparseLSTMCell extends tfl.layers.RNNCell {
  /** @nocollapse */
  static className = 'BlockSparseLSTMCell';
  readonly units: number;
  readonly blockSize: number|null;
  readonly layoutType: LayoutType;
  readonly seed: number;
  readonly activation: ActivationLike;
  readonly recurrentActivation: ActivationLike;
  readonly useBias: boolean;
  readonly unitForgetBias: boolean;
  readonly kernelInitializer: InitializerLike;
  readonly recurrentInitializer: InitializerLike;
  readonly biasInitializer: InitializerLike;
  readonly kernelRegularizer: RegularizerLike|null;
  readonly recurrentRegularizer: RegularizerLike|null;
  readonly biasRegularizer: RegularizerLike|null;
  readonly dropout: number;
  readonly recurrentDropout: number;
  /** [units, units]: h and c. */
  readonly stateSize: number[];

  /** Dropout masks, kept for a whole sequence (as tfjs's LSTMCell does). */
  inputDropoutMask: tf.Tensor|null = null;
  stateDropoutMask: tf.Tensor|null = null;

  private readonly kernelSpec: KernelSpec;
  private readonly recurrentSpec: KernelSpec;
  private kernel: tfl.LayerVariable|null = null;
  private recurrentKernel: tfl.LayerVariable|null = null;
  private bias: tfl.LayerVariable|null = null;

  constructor(args: BlockSparseLSTMCellArgs) {
    super(args);
    checkArgument(
        args != null && Number.isInteger(args.units) && args.units > 0, FN,
        'units', 'a positive integer', args?.units);
    this.units = args.units;
    this.stateSize = [this.units, this.units];
    this.kernelSpec = kernelSpec(
        args.kernelLayout, args.kernelDensity, 'kernelLayout', 'kernelDensity');
    this.recurrentSpec = kernelSpec(
        args.recurrentLayout, args.recurrentDensity, 'recurrentLayout',
        'recurrentDensity');
    const blockSize = args.blockSize ?? this.kernelSpec.given?.blockSize ??
        this.recurrentSpec.given?.blockSize ?? null;
    this.blockSize = blockSize;
    if (this.kernelSpec.sparse || this.recurrentSpec.sparse) {
      checkArgument(
          blockSize != null, FN, 'blockSize',
          'given (or implied by a layout) when a kernel is sparse', blockSize);
      checkBlockSize(FN, blockSize);
      checkArgument(
          this.units % blockSize === 0, FN, 'units',
          `a multiple of blockSize ${blockSize}`, this.units);
      for (const [name, spec] of [
               ['kernelLayout', this.kernelSpec],
               ['recurrentLayout', this.recurrentSpec]
      ] as const) {
        if (spec.given != null) {
          checkArgument(
              spec.given.blockSize === blockSize, FN, name,
              `a layout with blockSize ${blockSize}`,
              `blockSize ${spec.given.blockSize}`);
        }
      }
    }
    if (this.recurrentSpec.given != null) {
      this.recurrentSpec.layout = this.fullLayout(
          this.recurrentSpec.given, this.units, 'recurrentLayout',
          'units x units');
    }
    this.layoutType = args.layoutType ?? 'balanced';
    checkLayoutType(FN, this.layoutType);
    this.seed = args.seed ?? 0;
    this.activation =
        resolveActivation(args.activation ?? 'tanh', 'activation', FN);
    this.recurrentActivation = resolveActivation(
        args.recurrentActivation ?? 'sigmoid', 'recurrentActivation', FN);
    this.useBias = args.useBias ?? true;
    this.unitForgetBias = args.unitForgetBias ?? false;
    this.kernelInitializer = resolveInitializer(
        args.kernelInitializer ??
            (this.kernelSpec.sparse ? blockVarianceScaling() : 'glorotNormal'),
        'kernelInitializer', FN);
    this.recurrentInitializer = resolveInitializer(
        args.recurrentInitializer ??
            (this.recurrentSpec.sparse ? blockVarianceScaling() : 'orthogonal'),
        'recurrentInitializer', FN);
    this.biasInitializer = resolveInitializer(
        args.biasInitializer ?? 'zeros', 'biasInitializer', FN);
    this.kernelRegularizer =
        resolveRegularizer(args.kernelRegularizer, 'kernelRegularizer', FN);
    this.recurrentRegularizer = resolveRegularizer(
        args.recurrentRegularizer, 'recurrentRegularizer', FN);
    this.biasRegularizer =
        resolveRegularizer(args.biasRegularizer, 'biasRegularizer', FN);
    this.dropout = dropoutRate(FN, 'dropout', args.dropout);
    this.recurrentDropout =
        dropoutRate(FN, 'recurrentDropout', args.recurrentDropout);
  }

  /** The [inputDim, 4 * units] input-kernel layout; null if dense or unbuilt. */
  get kernelLayout(): BlockLayout|null {
    return this.kernelSpec.layout;
  }

  /** The [units, 4 * units] recurrent layout; null if dense. */
  get recurrentLayout(): BlockLayout|null {
    return this.recurrentSpec.layout;
  }

  /** Fraction of the input kernel kept (1 when dense). */
  get kernelDensity(): number {
    return this.kernelSpec.layout?.density ?? this.kernelSpec.density;
  }

  /** Fraction of the recurrent kernel kept (1 when dense). */
  get recurrentDensity(): number {
    return this.recurrentSpec.layout?.density ?? this.recurrentSpec.density;
  }

  /** The weight variables, in tfjs LSTMCell order: kernel, recurrent, bias. */
  get variables(): {
    kernel: tfl.LayerVariable|null,
    recurrentKernel: tfl.LayerVariable|null,
    bias: tfl.LayerVariable|null
  } {
    return {
      kernel: this.kernel,
      recurrentKernel: this.recurrentKernel,
      bias: this.bias
    };
  }

  /** A per-gate layout tiled to [rows, 4 * units], or a full one checked. */
  private fullLayout(
      layout: BlockLayout, rows: number, arg: string,
      what: string): BlockLayout {
    const full = layout.outputSize === this.units ?
        tileColumns(layout, GATES) :
        layout;
    checkArgument(
        full.inputSize === rows && full.outputSize === GATES * this.units, FN,
        arg,
        `a layout of shape [${rows}, ${this.units}] (${what}, tiled over ` +
            `the 4 gates) or [${rows}, ${GATES * this.units}]`,
        `a layout of shape [${layout.inputSize}, ${layout.outputSize}]`);
    checkArgument(
        full.nnzBlocks > 0, FN, arg, 'a layout with at least one block',
        layout.toString());
    return full;
  }

  private resolveLayout(
      spec: KernelSpec, rows: number, seed: number, arg: string,
      what: string): BlockLayout|null {
    if (!spec.sparse) return null;
    if (spec.layout != null) return spec.layout;
    const perGate = spec.given ??
        generateLayout(
            {density: spec.density, layoutType: this.layoutType, seed}, rows,
            this.units, this.blockSize!);
    return spec.layout = this.fullLayout(perGate, rows, arg, what);
  }

  override build(inputShape: tfl.Shape|tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] :
                                                  inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1] as number;
    if (this.kernelSpec.sparse) {
      checkArgument(
          inputDim % this.blockSize! === 0, FN, 'inputShape',
          `[..., a multiple of blockSize ${this.blockSize}] (the input ` +
              `kernel's rows)`,
          `[${shape.map(d => d ?? 'null').join(', ')}]`);
    }
    const kernelLayout = this.resolveLayout(
        this.kernelSpec, inputDim, this.seed, 'kernelLayout',
        'input features x units');
    const recurrentLayout = this.resolveLayout(
        this.recurrentSpec, this.units, this.seed + 1, 'recurrentLayout',
        'units x units');
    this.kernel = this.addKernel(
        'kernel', kernelLayout, inputDim, this.kernelInitializer,
        this.kernelRegularizer);
    this.recurrentKernel = this.addKernel(
        'recurrent_kernel', recurrentLayout, this.units,
        this.recurrentInitializer, this.recurrentRegularizer);
    if (this.useBias) {
      this.bias = this.addWeight(
          'bias', [GATES * this.units], 'float32',
          this.biasInit() as never, this.biasRegularizer as never, true);
    }
    this.built = true;
  }

  private addKernel(
      name: string, layout: BlockLayout|null, rows: number,
      init: InitializerLike, regularizer: RegularizerLike|null):
      tfl.LayerVariable {
    const shape = layout == null ? [rows, GATES * this.units] :
                                   layout.weightShape;
    const initializer =
        layout == null ? init : blockWeightInitializer(layout, init);
    return this.addWeight(
        name, shape, 'float32', initializer as never, regularizer as never,
        true);
  }

  /** With unitForgetBias: [init(units), ones(units), init(2 * units)]. */
  private biasInit(): InitializerLike {
    if (!this.unitForgetBias) return this.biasInitializer;
    const base = this.biasInitializer;
    const units = this.units;
    return {
      apply: (_shape: number[], dtype?: tf.DataType) => tf.tidy(
          () => tf.concat([
            base.apply([units], dtype), tf.ones([units], dtype),
            base.apply([2 * units], dtype)
          ])),
    } as unknown as InitializerLike;
  }

  /**
   * x . W + bias for x of shape [..., inputDim]: one product for every
   * leading position (all timesteps of a sequence at once in the layer).
   */
  projectInputs(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const $x = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
      const kernel = this.kernel!.read();
      const layout = this.kernelSpec.layout;
      let z: tf.Tensor;
      if (layout != null) {
        z = blockSparseMatMul($x, kernel, layout);
      } else {
        const inputDim = $x.shape[$x.rank - 1];
        const flat = tf.matMul(
            tf.reshape($x, [-1, inputDim]) as tf.Tensor2D,
            kernel as tf.Tensor2D);
        z = tf.reshape(flat, [...$x.shape.slice(0, -1), GATES * this.units]);
      }
      return this.bias == null ? z : tf.add(z, this.bias.read());
    });
  }

  /** h . U for h of shape [batch, units]. */
  recurrentProduct(h: tf.Tensor): tf.Tensor {
    const kernel = this.recurrentKernel!.read();
    const layout = this.recurrentSpec.layout;
    return layout != null ? blockSparseMatMul(h, kernel, layout) :
                            tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D);
  }

  /** Frees the dropout masks (a new sequence draws new ones). */
  resetDropoutMasks(): void {
    tf.dispose([this.inputDropoutMask, this.stateDropoutMask].filter(
        (m): m is tf.Tensor => m != null));
    this.inputDropoutMask = null;
    this.stateDropoutMask = null;
  }

  /** inputs: [x, h, c] -> [h, h, c], as tfjs's LSTMCell. */
  override call(inputs: tf.Tensor|tf.Tensor[], kwargs: Kwargs): tf.Tensor[] {
    return tf.tidy(() => {
      checkArgument(
          Array.isArray(inputs) && inputs.length === 3, FN, 'inputs',
          '3 tensors [x, h, c]',
          Array.isArray(inputs) ? `${inputs.length} tensors` : 'one tensor');
      const training = (kwargs?.['training'] as boolean | undefined) ?? false;
      let x = inputs[0];
      if (training && this.dropout > 0) {
        this.inputDropoutMask ??= tf.keep(dropoutMask(x.shape, this.dropout));
        x = tf.mul(x, this.inputDropoutMask);
      }
      const [h, c] =
          this.step(this.projectInputs(x), inputs[1], inputs[2], training);
      return [h, h, c];
    });
  }

  /**
   * One step from the projected input z = x . W + bias: the new [h, c].
   * `BlockSparseLSTM` projects all timesteps at once and calls this per step.
   */
  step(z: tf.Tensor, hPrev: tf.Tensor, cPrev: tf.Tensor, training: boolean):
      [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      let h0 = hPrev;
      if (training && this.recurrentDropout > 0) {
        this.stateDropoutMask ??=
            tf.keep(dropoutMask(hPrev.shape, this.recurrentDropout));
        h0 = tf.mul(h0, this.stateDropoutMask);
      }
      const zAll = tf.add(z, this.recurrentProduct(h0));
      const [zi, zf, zc, zo] = tf.split(zAll, GATES, zAll.rank - 1);
      const i = this.recurrentActivation.apply(zi);
      const f = this.recurrentActivation.apply(zf);
      const c = tf.add(tf.mul(f, cPrev), tf.mul(i, this.activation.apply(zc)));
      const o = this.recurrentActivation.apply(zo);
      const h = tf.mul(o, this.activation.apply(c));
      return [h, c] as [tf.Tensor, tf.Tensor];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const layoutConfig = (spec: KernelSpec) => {
      const layout = spec.layout ?? spec.given;
      return layout == null ?
          null :
          layoutToConfig(layout) as unknown as tf.serialization.ConfigDict;
    };
    const config: tf.serialization.ConfigDict = {
      units: this.units,
      blockSize: this.blockSize,
      kernelLayout: layoutConfig(this.kernelSpec),
      kernelDensity: this.kernelDensity,
      recurrentLayout: layoutConfig(this.recurrentSpec),
      recurrentDensity: this.recurrentDensity,
      layoutType: this.layoutType,
      seed: this.seed,
      activation: serializeActivation(this.activation),
      recurrentActivation: serializeActivation(this.recurrentActivation),
      useBias: this.useBias,
      unitForgetBias: this.unitForgetBias,
      kernelInitializer: serializeObject(this.kernelInitializer) as never,
      recurrentInitializer: serializeObject(this.recurrentInitializer) as never,
      biasInitializer: serializeObject(this.biasInitializer) as never,
      kernelRegularizer: serializeObject(this.kernelRegularizer) as never,
      recurrentRegularizer: serializeObject(this.recurrentRegularizer) as never,
      biasRegularizer: serializeObject(this.biasRegularizer) as never,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
    };
    return {...super.getConfig(), ...config};
  }
}
tf.serialization.registerClass(BlockSparseLSTMCell);

/** Inverted dropout of a tensor of ones: 0 or 1 / (1 - rate). */
export function dropoutMask(shape: number[], rate: number): tf.Tensor {
  return tf.tidy(() => tf.dropout(tf.ones(shape), rate));
}

/**
 * Creates a `BlockSparseLSTMCell` (see the class for the arguments).
 *
 * ```js
 * const cell = tfbs.layers.blockSparseLSTMCell(
 *     {units: 128, blockSize: 32, kernelDensity: 0.5, recurrentDensity: 0.25});
 * ```
 */
export function blockSparseLSTMCell(args: BlockSparseLSTMCellArgs):
    BlockSparseLSTMCell {
  return new BlockSparseLSTMCell(args);
}
