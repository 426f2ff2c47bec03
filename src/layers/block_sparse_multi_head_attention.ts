/**
 * Multi-head self-attention whose score matrix is block-sparse: the
 * projections of Keras' MultiHeadAttention (query, key and value kernels
 * [D, heads, keyDim], output kernel [heads, valueDim, D']) around
 * `blockSparseAttention`, so cost and memory grow with the layout's kept
 * blocks instead of S^2. The layout is given, or generated from a `pattern`
 * once the sequence length is known (at build, or at the first call when the
 * input shape leaves it open).
 *
 * ```js
 * const attention = tfbs.layers.blockSparseMultiHeadAttention({numHeads: 4, keyDim: 16,
 *     blockSize: 16, pattern: {type: 'strided', strideBlocks: 4}, causal: true});
 * const y = attention.apply(tf.input({shape: [256, 64]}));   // [null, 256, 64]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type {LayerArgs} from '@tensorflow/tfjs-layers/dist/engine/topology';
import type {Kwargs} from '@tensorflow/tfjs-layers/dist/types';

import {checkCausalLayout} from '../../ops/attention_checks';
import {blockSparseAttention} from '../../ops/block_sparse_attention';
import {checkArgument} from '../errors';
import {BlockLayout, checkBlockSize} from '../layout/block_layout';

import {AttentionPattern, checkPattern, layoutForPattern} from './attention_pattern';
import {InitializerIdentifier, InitializerLike, resolveInitializer, serializeObject} from './keras_objects';
import {LayoutLike, layoutFromConfig, layoutToConfig} from './layout_config';

export interface BlockSparseMultiHeadAttentionArgs extends LayerArgs {
  numHeads: number;
  /** Size of each head's queries and keys. */
  keyDim: number;
  /** Size of each head's values; default keyDim. */
  valueDim?: number;
  /** Block size b of the layout; may be left out when `layout` is given. */
  blockSize?: number;
  /** A square [S/b, S/b] attention layout; the input's sequence length must be S. */
  layout?: LayoutLike;
  /** Instead of a layout: a pattern the layout is generated from for any S. */
  pattern?: AttentionPattern;
  /** Each position attends only to itself and earlier ones; default false. */
  causal?: boolean;
  /** Features of the output; default the input's. */
  outputDim?: number;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
}

const FN = 'blockSparseMultiHeadAttention';
const PROJECTIONS = ['query', 'key', 'value'] as const;

function checkPositiveInteger(arg: string, value: unknown, optional = false): void {
  if (optional && value == null) return;
  checkArgument(
      Number.isInteger(value) && (value as number) > 0, FN, arg, 'a positive integer', value);
}

export class BlockSparseMultiHeadAttention extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'BlockSparseMultiHeadAttention';
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly blockSize: number;
  readonly pattern: AttentionPattern|null;
  readonly causal: boolean;
  readonly outputDim: number|null;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerLike;
  readonly biasInitializer: InitializerLike;
  private readonly givenLayout: BlockLayout|null;
  /** Layouts generated from the pattern, by sequence length. */
  private readonly generated = new Map<number, BlockLayout>();
  private kernels: Record<string, tfl.LayerVariable> = {};
  private biases: Record<string, tfl.LayerVariable> = {};

  constructor(args: BlockSparseMultiHeadAttentionArgs) {
    super(args);
    checkArgument(args != null && typeof args === 'object', FN, 'args', 'an object', args);
    checkPositiveInteger('numHeads', args.numHeads);
    checkPositiveInteger('keyDim', args.keyDim);
    checkPositiveInteger('valueDim', args.valueDim, true);
    checkPositiveInteger('outputDim', args.outputDim, true);
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim;
    this.valueDim = args.valueDim ?? args.keyDim;
    this.outputDim = args.outputDim ?? null;
    this.causal = args.causal ?? false;
    checkArgument(typeof this.causal === 'boolean', FN, 'causal', 'a boolean', args.causal);
    checkArgument(
        (args.layout == null) !== (args.pattern == null), FN, 'layout',
        'given, or else \'pattern\' given (exactly one of the two)',
        args.layout == null ? 'neither' : 'both');
    this.givenLayout = args.layout == null ? null : layoutFromConfig(args.layout, FN, 'layout');
    this.pattern = args.pattern == null ? null : checkPattern(FN, 'pattern', args.pattern);
    if (this.givenLayout != null) {
      checkArgument(
          this.givenLayout.inputSize === this.givenLayout.outputSize, FN, 'layout',
          'a square attention layout [S/b, S/b]', String(this.givenLayout));
      checkArgument(
          args.blockSize == null || args.blockSize === this.givenLayout.blockSize, FN, 'blockSize',
          `the layout's block size ${this.givenLayout.blockSize} (or left out)`, args.blockSize);
      if (this.causal) checkCausalLayout(FN, this.givenLayout);
    }
    this.blockSize = args.blockSize ?? this.givenLayout?.blockSize ?? NaN;
    checkBlockSize(FN, this.blockSize);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer =
        resolveInitializer(args.kernelInitializer ?? 'glorotUniform', 'kernelInitializer', FN);
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros', 'biasInitializer', FN);
    this.inputSpec = [new tfl.InputSpec({ndim: 3})];
    // The padding mask passes through (tfjs's default computeMask): a padded position stays padded.
    this.supportsMasking = true;
  }

  /** The given layout, or the one generated for the last sequence length seen; null before. */
  get layout(): BlockLayout|null {
    if (this.givenLayout != null) return this.givenLayout;
    const layouts = Array.from(this.generated.values());
    return layouts[layouts.length - 1] ?? null;
  }

  /** The layout for a sequence of `sequenceLength` positions. */
  layoutFor(sequenceLength: number): BlockLayout {
    if (this.givenLayout != null) {
      checkArgument(
          sequenceLength === this.givenLayout.inputSize, FN, 'inputs',
          `a sequence length of ${this.givenLayout.inputSize} (the layout's size)`,
          `sequence length ${sequenceLength}`);
      return this.givenLayout;
    }
    let layout = this.generated.get(sequenceLength);
    if (layout == null) {
      layout = layoutForPattern(
          this.pattern!, {sequenceLength, blockSize: this.blockSize, causal: this.causal}, FN);
      this.generated.set(sequenceLength, layout);
    }
    return layout;
  }

  override build(inputShape: tfl.Shape|tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const features = shape[2];
    checkArgument(
        features != null && features > 0, FN, 'inputs', 'of shape [batch, S, features] with known features',
        `shape [${shape}]`);
    if (shape[1] != null) this.layoutFor(shape[1]);
    const heads = this.numHeads;
    const projected = {query: this.keyDim, key: this.keyDim, value: this.valueDim};
    for (const name of PROJECTIONS) {
      this.kernels[name] = this.addWeight(
          `${name}_kernel`, [features, heads, projected[name]], 'float32', this.kernelInitializer);
      if (this.useBias) {
        this.biases[name] = this.addWeight(
            `${name}_bias`, [heads, projected[name]], 'float32', this.biasInitializer);
      }
    }
    const outputDim = this.outputDim ?? features;
    this.kernels.output = this.addWeight(
        'output_kernel', [heads, this.valueDim, outputDim], 'float32', this.kernelInitializer);
    if (this.useBias) {
      this.biases.output = this.addWeight('output_bias', [outputDim], 'float32', this.biasInitializer);
    }
    this.inputSpec = [new tfl.InputSpec({ndim: 3, axes: {[-1]: features}})];
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape|tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0], shape[1], this.outputDim ?? shape[2]];
  }

  /** x [B, S, D] . kernel [D, heads, dim] + bias -> [B, heads, S, dim]. */
  private project(x: tf.Tensor3D, name: string): tf.Tensor4D {
    const [batch, length, features] = x.shape;
    const kernel = this.kernels[name].read();
    const [, heads, dim] = kernel.shape;
    let y = tf.matMul(tf.reshape(x, [batch * length, features]), tf.reshape(kernel, [features, heads * dim]));
    if (this.useBias) y = tf.add(y, tf.reshape(this.biases[name].read(), [heads * dim]));
    return tf.transpose(tf.reshape(y, [batch, length, heads, dim]), [0, 2, 1, 3]);
  }

  /**
   * `kwargs.mask` [batch, S] (1 or true = a real position, as Keras
   * propagates it from an embedding with maskZero) masks padded keys.
   */
  override call(inputs: tf.Tensor|tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      const x = (input.dtype === 'float32' ? input : tf.cast(input, 'float32')) as tf.Tensor3D;
      const [batch, length] = x.shape;
      const layout = this.layoutFor(length);
      const mask = kwargs.mask as tf.Tensor|tf.Tensor[]|undefined;
      const keyMask = Array.isArray(mask) ? mask[0] : mask;
      const attended = blockSparseAttention(
          this.project(x, 'query'), this.project(x, 'key'), this.project(x, 'value'), layout,
          {causal: this.causal, keyMask: keyMask ?? undefined});
      const outputKernel = this.kernels.output.read();
      const [heads, valueDim, outputDim] = outputKernel.shape;
      const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [batch * length, heads * valueDim]);
      let y = tf.matMul(merged, tf.reshape(outputKernel, [heads * valueDim, outputDim]));
      if (this.useBias) y = tf.add(y, this.biases.output.read());
      return tf.reshape(y, [batch, length, outputDim]);
    });
  }

  /** Generated layouts are the layer's own: their cached tables go with it. */
  override dispose(): ReturnType<tfl.layers.Layer['dispose']> {
    const result = super.dispose();
    if (result.refCountAfterDispose === 0) {
      for (const layout of this.generated.values()) layout.dispose();
    }
    return result;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      blockSize: this.blockSize,
      causal: this.causal,
      outputDim: this.outputDim,
      useBias: this.useBias,
      kernelInitializer: serializeObject(this.kernelInitializer),
      biasInitializer: serializeObject(this.biasInitializer),
    };
    // Exactly one of the two, as the constructor demands.
    if (this.givenLayout != null) config.layout = layoutToConfig(this.givenLayout);
    else config.pattern = {...this.pattern!};
    return {...super.getConfig(), ...config};
  }
}
tf.serialization.registerClass(BlockSparseMultiHeadAttention);

/**
 * Creates a `BlockSparseMultiHeadAttention` layer (see the class for the arguments).
 *
 * ```js
 * const layer = tfbs.layers.blockSparseMultiHeadAttention({numHeads: 2, keyDim: 32,
 *     layout: tfbs.localAttentionLayout({sequenceLength: 128, blockSize: 32, causal: true}),
 *     causal: true});
 * ```
 */
export function blockSparseMultiHeadAttention(args: BlockSparseMultiHeadAttentionArgs):
    BlockSparseMultiHeadAttention {
  return new BlockSparseMultiHeadAttention(args);
}
