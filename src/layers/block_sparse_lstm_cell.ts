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
 * along the columns (see `SparseKernel`), so every gate of a unit sees the same
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

import {blockSparseLSTMStep} from '../../ops/block_sparse_lstm_step';
import {blockSparseMatMul} from '../../ops/block_sparse_mat_mul';
import {checkArgument} from '../errors';
import {BlockLayout} from '../layout/block_layout';
import {checkLayoutType, LayoutType} from '../layout/layout_types';

import {blockVarianceScaling, blockWeightInitializer, initializerOf} from './block_initializer';
import {ActivationIdentifier, ActivationLike, InitializerIdentifier, InitializerLike, RegularizerIdentifier, RegularizerLike, resolveActivation, resolveInitializer, resolveRegularizer, serializeActivation, serializeObject} from './keras_objects';
import {LayoutLike} from './layout_config';
import {FusedSequenceResult, fusedLSTMSequence} from './fused_lstm_sequence';
import {dropoutRate, SequenceDropout} from './sequence_dropout';
import {checkInputFeatures, checkUnits, layerBlockSize, SparseKernel} from './sparse_kernel';
import {checkWeightValues, checkWritesOf, plainWeight, WeightLayout} from './weight_layouts';

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

/** One LSTM step from the projected input z: the new [h, c]. */
export type LSTMStep = (z: tf.Tensor, hPrev: tf.Tensor, cPrev: tf.Tensor) =>
    [tf.Tensor, tf.Tensor];

/**
 * The whole recurrence over projected inputs [batch, time, 4 * units] in one
 * differentiable call (see fused_lstm_sequence.ts); keep is [batch, time, 1]
 * (1 where a timestep counts) or null.
 */
export type LSTMRecurrence =
    (projected: tf.Tensor, initial: [tf.Tensor, tf.Tensor], keep: tf.Tensor|null,
     options: {goBackwards: boolean, returnSequences: boolean}) => FusedSequenceResult;

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
  /**
   * How messages about the weights name their layer: the cell, or the
   * `blockSparseLSTM` around it (which sets this).
   */
  owner: string;

  private readonly kernelSpec: SparseKernel;
  private readonly recurrentSpec: SparseKernel;
  private kernel: tfl.LayerVariable|null = null;
  private recurrentKernel: tfl.LayerVariable|null = null;
  private bias: tfl.LayerVariable|null = null;
  /**
   * The dropout of the sequence tfjs's rnn() is stepping through: tfjs does
   * not tell a cell where a sequence starts, so its masks stay until
   * `resetDropoutMasks()`, as with tfjs's LSTMCell.
   */
  private rnnDropout: SequenceDropout|null = null;

  constructor(args: BlockSparseLSTMCellArgs) {
    super(args);
    this.units = checkUnits(FN, args?.units);
    this.stateSize = [this.units, this.units];
    this.owner = `${FN} '${this.name}'`;
    const kernelArgs = {units: this.units, tiles: GATES, denseByDefault: true};
    this.kernelSpec = new SparseKernel(FN, {
      ...kernelArgs,
      layout: args.kernelLayout,
      density: args.kernelDensity,
      layoutArg: 'kernelLayout',
      densityArg: 'kernelDensity',
      shapeName: 'input features x units',
    });
    this.recurrentSpec = new SparseKernel(FN, {
      ...kernelArgs,
      layout: args.recurrentLayout,
      density: args.recurrentDensity,
      layoutArg: 'recurrentLayout',
      densityArg: 'recurrentDensity',
      shapeName: 'units x units',
    });
    this.blockSize = layerBlockSize(
        FN, args.blockSize, this.units, [this.kernelSpec, this.recurrentSpec]);
    this.layoutType = args.layoutType ?? 'balanced';
    checkLayoutType(FN, 'layoutType', this.layoutType);
    this.seed = args.seed ?? 0;
    // The recurrent kernel's shape is known now: its layout (given and
    // checked, or generated) is ready before build.
    this.resolveLayout(this.recurrentSpec, this.units, this.seed + 1);
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
    return this.kernelSpec.density;
  }

  /** Fraction of the recurrent kernel kept (1 when dense). */
  get recurrentDensity(): number {
    return this.recurrentSpec.density;
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

  /** Kernel, recurrent kernel (each with its layout or null), bias. */
  weightLayouts(): WeightLayout[] {
    if (this.kernel == null || this.recurrentKernel == null) return [];
    const kernels = [
      this.kernelSpec.weight('kernel', this.kernel),
      this.recurrentSpec.weight('recurrent_kernel', this.recurrentKernel),
    ];
    return this.bias == null ? kernels :
                               [...kernels, plainWeight('bias', this.bias)];
  }

  override setWeights(weights: tf.Tensor[]): void {
    checkWeightValues(this.owner, this.weightLayouts(), weights);
    super.setWeights(weights);
  }

  /** The kernel's full layout, generated on first use; null when dense. */
  private resolveLayout(spec: SparseKernel, rows: number, seed: number):
      BlockLayout|null {
    if (!spec.sparse) return null;
    return spec.resolve(
        rows, {layoutType: this.layoutType, seed, blockSize: this.blockSize!});
  }

  override build(inputShape: tfl.Shape|tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] :
                                                  inputShape) as tfl.Shape;
    const inputDim = this.kernelSpec.sparse ?
        checkInputFeatures(
            FN, shape, this.blockSize!, 'the input kernel\'s rows') :
        shape[shape.length - 1] as number;
    this.kernel = this.addKernel(
        'kernel', this.resolveLayout(this.kernelSpec, inputDim, this.seed),
        inputDim, this.kernelInitializer, this.kernelRegularizer);
    this.recurrentKernel = this.addKernel(
        'recurrent_kernel',
        this.resolveLayout(this.recurrentSpec, this.units, this.seed + 1),
        this.units, this.recurrentInitializer, this.recurrentRegularizer);
    if (this.useBias) {
      this.bias = this.addWeight(
          'bias', [GATES * this.units], 'float32', this.biasInit(),
          this.biasRegularizer ?? undefined, true);
    }
    for (const weight of this.weightLayouts()) {
      checkWritesOf(weight, () => this.owner);
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
        name, shape, 'float32', initializer, regularizer ?? undefined, true);
  }

  /** With unitForgetBias: [init(units), ones(units), init(2 * units)]. */
  private biasInit(): InitializerLike {
    if (!this.unitForgetBias) return this.biasInitializer;
    const base = this.biasInitializer;
    const units = this.units;
    return initializerOf((_shape, dtype) => tf.tidy(() => tf.concat([
      base.apply([units], dtype), tf.ones([units], dtype),
      base.apply([2 * units], dtype)
    ])));
  }

  /**
   * x . W + bias for x of shape [..., inputDim]: one product for every
   * leading position (all timesteps of a sequence at once in the layer).
   */
  private projectInputs(x: tf.Tensor): tf.Tensor {
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
  private recurrentProduct(h: tf.Tensor): tf.Tensor {
    const kernel = this.recurrentKernel!.read();
    const layout = this.recurrentSpec.layout;
    return layout != null ? blockSparseMatMul(h, kernel, layout) :
                            tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D);
  }

  /**
   * The entry point of `BlockSparseLSTM`'s own time loop, once per call:
   * x [batch, time, inputDim] with this call's input dropout, projected for
   * every timestep in one product, and the step that adds h . U (with this
   * call's state dropout) and applies the gates; when the step is fused,
   * also the whole recurrence as one call (`recurrence`, else null). Call it
   * inside a tidy: the dropout masks are freed with it.
   */
  startSequence(x: tf.Tensor, training: boolean):
      {projected: tf.Tensor, step: LSTMStep, recurrence: LSTMRecurrence|null} {
    const dropout = new SequenceDropout({
                      inputRate: training ? this.dropout : 0,
                      stateRate: training ? this.recurrentDropout : 0,
                    }).drawFor(x.shape[0], x.shape[x.rank - 1], this.units);
    const recurrence: LSTMRecurrence = (projected, [h0, c0], keep, options) =>
        fusedLSTMSequence(
            {
              projected, h0, c0, keep, w: this.recurrentKernel!.read(),
              stateMask: dropout.drawnStateMask,
            },
            {layout: this.recurrentSpec.layout!, ...options});
    return {
      projected: this.projectInputs(dropout.dropInputs(x)),
      step: (z, hPrev, cPrev) => this.advance(z, hPrev, cPrev, dropout),
      recurrence: this.fusedStep ? recurrence : null,
    };
  }

  /** Frees the masks of tfjs's rnn() path; its next step draws new ones. */
  resetDropoutMasks(): void {
    this.rnnDropout?.dispose();
    this.rnnDropout = null;
  }

  /** inputs: [x, h, c] -> [h, h, c], as tfjs's LSTMCell (for tf.layers.rnn). */
  override call(inputs: tf.Tensor|tf.Tensor[], kwargs: Kwargs): tf.Tensor[] {
    return tf.tidy(() => {
      checkArgument(
          Array.isArray(inputs) && inputs.length === 3, FN, 'inputs',
          '3 tensors [x, h, c]',
          Array.isArray(inputs) ? `${inputs.length} tensors` : 'one tensor');
      const training = (kwargs?.['training'] as boolean | undefined) ?? false;
      const dropout = training ?
          this.rnnDropout ??= new SequenceDropout({
            inputRate: this.dropout,
            stateRate: this.recurrentDropout,
            keepMasks: true,
          }) :
          NO_DROPOUT;
      const [x, hPrev, cPrev] = inputs;
      const [h, c] = this.advance(
          this.projectInputs(dropout.dropInputs(x)), hPrev, cPrev, dropout);
      return [h, h, c];
    });
  }

  /**
   * Whether a step runs as one fused `blockSparseLSTMStep`: the recurrent
   * kernel is block-sparse and the activations are the ones that op
   * computes (sigmoid gates, tanh cell). Otherwise the step is composed of
   * tfjs ops, which also covers any other activation.
   */
  get fusedStep(): boolean {
    return this.recurrentSpec.layout != null &&
        serializeActivation(this.recurrentActivation) === 'sigmoid' &&
        serializeActivation(this.activation) === 'tanh';
  }

  /** One step from the projected input z = x . W + bias: the new [h, c]. */
  private advance(
      z: tf.Tensor, hPrev: tf.Tensor, cPrev: tf.Tensor,
      dropout: SequenceDropout): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const hIn = dropout.dropState(hPrev);
      if (this.fusedStep) {
        return blockSparseLSTMStep(
            z, hIn, cPrev, this.recurrentKernel!.read(), this.recurrentSpec.layout!);
      }
      const zAll = tf.add(z, this.recurrentProduct(hIn));
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
    const config: tf.serialization.ConfigDict = {
      units: this.units,
      blockSize: this.blockSize,
      ...this.kernelSpec.toConfig(),
      ...this.recurrentSpec.toConfig(),
      layoutType: this.layoutType,
      seed: this.seed,
      activation: serializeActivation(this.activation),
      recurrentActivation: serializeActivation(this.recurrentActivation),
      useBias: this.useBias,
      unitForgetBias: this.unitForgetBias,
      kernelInitializer: serializeObject(this.kernelInitializer),
      recurrentInitializer: serializeObject(this.recurrentInitializer),
      biasInitializer: serializeObject(this.biasInitializer),
      kernelRegularizer: serializeObject(this.kernelRegularizer),
      recurrentRegularizer: serializeObject(this.recurrentRegularizer),
      biasRegularizer: serializeObject(this.biasRegularizer),
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
    };
    return {...super.getConfig(), ...config};
  }
}
tf.serialization.registerClass(BlockSparseLSTMCell);

/** Inference: no dropout. */
const NO_DROPOUT = new SequenceDropout({inputRate: 0, stateRate: 0});

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
