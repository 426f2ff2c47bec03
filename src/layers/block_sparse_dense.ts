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
import {BlockLayout} from '../layout/block_layout';
import {checkLayoutType, LayoutType} from '../layout/layout_types';

import {blockVarianceScaling, blockWeightInitializer} from './block_initializer';
import {ActivationIdentifier, ActivationLike, InitializerIdentifier, InitializerLike, RegularizerIdentifier, RegularizerLike, resolveActivation, resolveInitializer, resolveRegularizer, serializeActivation, serializeObject} from './keras_objects';
import {LayoutLike} from './layout_config';
import {checkInputFeatures, checkUnits, layerBlockSize, SparseKernel} from './sparse_kernel';
import {checkWeightValues, checkWritesOf, plainWeight, WeightLayout} from './weight_layouts';

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
  private readonly sparseKernel: SparseKernel;
  private kernel: tfl.LayerVariable|null = null;
  private bias: tfl.LayerVariable|null = null;

  constructor(args: BlockSparseDenseArgs) {
    super(args);
    this.units = checkUnits(FN, args?.units);
    this.sparseKernel = new SparseKernel(FN, {
      layout: args.layout,
      density: args.density,
      layoutArg: 'layout',
      densityArg: 'density',
      shapeName: 'input features x units',
      units: this.units,
      tiles: 1,
      denseByDefault: false,
    });
    // Never null: this layer's kernel is always sparse.
    this.blockSize =
        layerBlockSize(FN, args.blockSize, this.units, [this.sparseKernel])!;
    this.layoutType = args.layoutType ?? 'balanced';
    checkLayoutType(FN, 'layoutType', this.layoutType);
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
    if (activity != null) this.activityRegularizer = activity;
    this.inputSpec = [new tfl.InputSpec({minNDim: 2})];
    this.supportsMasking = true;
  }

  /** The kernel's layout; null until built when it is generated. */
  get layout(): BlockLayout|null {
    return this.sparseKernel.layout;
  }

  /** Fraction of the kernel's blocks kept. */
  get density(): number {
    return this.sparseKernel.density;
  }

  /** The kernel's blocks [nnzBlocks, b, b] (a LayerVariable). */
  get kernelVariable(): tfl.LayerVariable|null {
    return this.kernel;
  }

  get biasVariable(): tfl.LayerVariable|null {
    return this.bias;
  }

  /** The kernel with its layout, then the bias; empty until built. */
  weightLayouts(): WeightLayout[] {
    if (this.kernel == null) return [];
    const kernel = this.sparseKernel.weight('kernel', this.kernel);
    return this.bias == null ? [kernel] :
                               [kernel, plainWeight('bias', this.bias)];
  }

  override setWeights(weights: tf.Tensor[]): void {
    checkWeightValues(this.owner(), this.weightLayouts(), weights);
    super.setWeights(weights);
  }

  override build(inputShape: tfl.Shape|tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] :
                                                  inputShape) as tfl.Shape;
    const inputDim = checkInputFeatures(
        FN, shape, this.blockSize, 'the layout\'s rows');
    const layout = this.sparseKernel.resolve(
        inputDim,
        {layoutType: this.layoutType, seed: this.seed, blockSize: this.blockSize});
    this.kernel = this.addWeight(
        'kernel', layout.weightShape, 'float32',
        blockWeightInitializer(layout, this.kernelInitializer),
        this.kernelRegularizer ?? undefined, true);
    if (this.useBias) {
      this.bias = this.addWeight(
          'bias', [this.units], 'float32', this.biasInitializer,
          this.biasRegularizer ?? undefined, true);
    }
    for (const weight of this.weightLayouts()) {
      checkWritesOf(weight, () => this.owner());
    }
    this.inputSpec =
        [new tfl.InputSpec({minNDim: 2, axes: {[-1]: inputDim}})];
    this.built = true;
  }

  /** How messages about the weights name this layer. */
  private owner(): string {
    return `${FN} '${this.name}'`;
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
      let y = blockSparseMatMul($x, this.kernel!.read(), this.layout!);
      if (this.bias != null) y = tf.add(y, this.bias.read());
      return this.activation.apply(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      units: this.units,
      blockSize: this.blockSize,
      ...this.sparseKernel.toConfig(),
      layoutType: this.layoutType,
      seed: this.seed,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      kernelInitializer: serializeObject(this.kernelInitializer),
      biasInitializer: serializeObject(this.biasInitializer),
      kernelRegularizer: serializeObject(this.kernelRegularizer),
      biasRegularizer: serializeObject(this.biasRegularizer),
      activityRegularizer: serializeObject(this.activityRegularizer),
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
