/**
 * A fully connected layer whose kernel is block-sparse: y = act(x . W + b)
 * with W of shape [inputDim, units] stored as its kept blocks
 * `kernel: [nnzBlocks, b, b]`. The product runs through `blockSparseMatMul`,
 * so the layer trains and infers on every backend that has the kernels
 * (cpu, webgpu, tensorflow) or the standard-ops fallback (webgl, wasm).
 *
 * ```js
 * const model = tf.sequential({layers: [
 *   tfbs.layers.blockSparseDense({inputShape: [256], units: 512, blockSize: 32,
 *                                 density: 1 / 8, activation: 'relu'}),
 *   tf.layers.dense({units: 10, activation: 'softmax'}),
 * ]});
 * model.layers[0].layout;   // BlockLayout(256x512, b=32, 16/128 blocks, ...)
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
import {checkDensity, checkLayoutShape, checkLayoutType, generateLayout, layoutFromConfig, LayoutLike, layoutToConfig} from './layout_config';

export interface BlockSparseDenseArgs extends LayerArgs {
  /** Output features; a multiple of `blockSize`. */
  units: number;
  /** Block size b (8, 16, 32 or 64); may be left out when `layout` is given. */
  blockSize?: number;
  /**
   * The [inputDim, units] layout (a BlockLayout or its JSON/config form).
   * Without it, one is generated at build time from density, layoutType, seed.
   */
  layout?: LayoutLike;
  /** Fraction of blocks kept, in (0, 1], when no layout is given. */
  density?: number;
  /** Generator of the layout; default 'balanced' (equal blocks per column). */
  layoutType?: LayoutType;
  /** Seed of the layout generator; default 0. */
  seed?: number;
  /** Default 'linear'. */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default `blockVarianceScaling()`: scaled by each column's real fan-in. */
  kernelInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  activityRegularizer?: RegularizerIdentifier;
}

const FN = 'blockSparseDense';

export class BlockSparseDense extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'BlockSparseDense';
  readonly units: number;
  readonly blockSize: number;
  readonly layoutType: LayoutType;
  readonly seed: number;
  readonly useBias: boolean;
  readonly activation: ActivationLike;
  readonly kernelInitializer: InitializerLike;
  readonly biasInitializer: InitializerLike;
  readonly kernelRegularizer: RegularizerLike|null;
  readonly biasRegularizer: RegularizerLike|null;
  private layout_: BlockLayout|null;
  private readonly requestedDensity: number|null;
  private kernel: tfl.LayerVariable|null = null;
  private bias: tfl.LayerVariable|null = null;

  constructor(args: BlockSparseDenseArgs) {
    super(args);
    checkArgument(
        args != null && Number.isInteger(args.units) && args.units > 0, FN,
        'units', 'a positive integer', args?.units);
    this.units = args.units;
    this.layout_ =
        args.layout == null ? null : layoutFromConfig(args.layout, FN, 'layout');
    const blockSize = args.blockSize ?? this.layout_?.blockSize;
    checkArgument(
        blockSize != null, FN, 'blockSize',
        'given (or implied by a layout)', blockSize);
    checkBlockSize(FN, blockSize);
    this.blockSize = blockSize;
    if (this.layout_ != null) {
      checkArgument(
          this.layout_.blockSize === blockSize, FN, 'layout',
          `a layout with blockSize ${blockSize}`,
          `blockSize ${this.layout_.blockSize}`);
    }
    checkArgument(
        this.units % blockSize === 0, FN, 'units',
        `a multiple of blockSize ${blockSize}`, this.units);
    checkArgument(
        this.layout_ != null || args.density != null, FN, 'density',
        'given when no layout is given', args.density);
    this.requestedDensity = args.density ?? null;
    if (args.density != null) checkDensity(FN, 'density', args.density);
    this.layoutType = args.layoutType ?? 'balanced';
    checkLayoutType(FN, this.layoutType);
    this.seed = args.seed ?? 0;
    this.useBias = args.useBias ?? true;
    this.activation =
        resolveActivation(args.activation ?? 'linear', 'activation', FN);
    this.kernelInitializer = resolveInitializer(
        args.kernelInitializer ?? blockVarianceScaling(), 'kernelInitializer',
        FN);
    this.biasInitializer =
        resolveInitializer(args.biasInitializer ?? 'zeros', 'biasInitializer', FN);
    this.kernelRegularizer =
        resolveRegularizer(args.kernelRegularizer, 'kernelRegularizer', FN);
    this.biasRegularizer =
        resolveRegularizer(args.biasRegularizer, 'biasRegularizer', FN);
    const activity = resolveRegularizer(
        args.activityRegularizer, 'activityRegularizer', FN);
    if (activity != null) {
      this.activityRegularizer = activity as unknown as typeof this.activityRegularizer;
    }
    this.inputSpec = [new tfl.InputSpec({minNDim: 2})];
    this.supportsMasking = true;
  }

  /** The kernel's layout; null until built when it is generated. */
  get layout(): BlockLayout|null {
    return this.layout_;
  }

  /** Fraction of the kernel's blocks kept. */
  get density(): number|null {
    return this.layout_?.density ?? this.requestedDensity;
  }

  /** The kernel's blocks [nnzBlocks, b, b] (a LayerVariable). */
  get kernelVariable(): tfl.LayerVariable|null {
    return this.kernel;
  }

  get biasVariable(): tfl.LayerVariable|null {
    return this.bias;
  }

  override build(inputShape: tfl.Shape|tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] :
                                                  inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1];
    checkArgument(
        inputDim != null && inputDim % this.blockSize === 0, FN, 'inputShape',
        `[..., a multiple of blockSize ${this.blockSize}] (the layout's rows)`,
        `[${shape.map(d => d ?? 'null').join(', ')}]`);
    if (this.layout_ == null) {
      this.layout_ = generateLayout(
          {
            density: this.requestedDensity!,
            layoutType: this.layoutType,
            seed: this.seed
          },
          inputDim, this.units, this.blockSize);
    }
    const layout = this.layout_;
    checkLayoutShape(
        FN, 'layout', layout, inputDim, this.units, 'input features x units');
    checkArgument(
        layout.nnzBlocks > 0, FN, 'layout', 'a layout with at least one block',
        layout.toString());
    this.kernel = this.addWeight(
        'kernel', layout.weightShape, 'float32',
        blockWeightInitializer(layout, this.kernelInitializer) as never,
        this.kernelRegularizer as never, true);
    if (this.useBias) {
      this.bias = this.addWeight(
          'bias', [this.units], 'float32', this.biasInitializer as never,
          this.biasRegularizer as never, true);
    }
    this.inputSpec =
        [new tfl.InputSpec({minNDim: 2, axes: {[-1]: inputDim}})];
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape|tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] :
                                                  inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor|tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const $x = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
      let y = blockSparseMatMul($x, this.kernel!.read(), this.layout_!);
      if (this.bias != null) y = tf.add(y, this.bias.read());
      return this.activation.apply(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      units: this.units,
      blockSize: this.blockSize,
      layout: this.layout_ == null ?
          null :
          layoutToConfig(this.layout_) as unknown as tf.serialization.ConfigDict,
      density: this.density,
      layoutType: this.layoutType,
      seed: this.seed,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      kernelInitializer: serializeObject(this.kernelInitializer) as never,
      biasInitializer: serializeObject(this.biasInitializer) as never,
      kernelRegularizer: serializeObject(this.kernelRegularizer) as never,
      biasRegularizer: serializeObject(this.biasRegularizer) as never,
      activityRegularizer: serializeObject(
          this.activityRegularizer as unknown as RegularizerLike) as never,
    };
    return {...super.getConfig(), ...config};
  }
}
tf.serialization.registerClass(BlockSparseDense);

/**
 * Creates a `BlockSparseDense` layer (see the class for the arguments).
 *
 * ```js
 * const layer = tfbs.layers.blockSparseDense(
 *     {units: 128, blockSize: 16, density: 0.25, layoutType: 'barabasiAlbert'});
 * ```
 */
export function blockSparseDense(args: BlockSparseDenseArgs): BlockSparseDense {
  return new BlockSparseDense(args);
}
