/**
 * Initializing the compact [nnzBlocks, b, b] weight of a block-sparse matrix.
 *
 * `BlockVarianceScaling` is the layers' default: variance scaling whose fans
 * are the real ones of each block — fan-in is b times the number of blocks in
 * the block's output column, fan-out b times the number in its input row —
 * not the dense K and N, so a sparse column's outputs keep the variance a
 * dense column would have. With a dense layout it is tfjs's VarianceScaling.
 *
 * Any other tfjs initializer is applied to the dense [K, N] matrix and the
 * layout's blocks are cut out of it, so `'glorotUniform'` or `'orthogonal'`
 * mean what they mean for tf.layers.dense (same dense fans, same seed, same
 * values on the kept blocks).
 *
 * ```js
 * tfbs.layers.blockSparseDense({units: 64, blockSize: 16, density: 0.25,
 *   kernelInitializer: tfbs.initializers.blockVarianceScaling({scale: 2})});
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../errors';
import {BlockLayout} from '../layout/block_layout';
import {denseToBlocks} from '../../ops/dense_to_blocks';

import {InitializerLike} from './keras_objects';

export type FanMode = 'fanIn'|'fanOut'|'fanAvg';
export type Distribution = 'uniform'|'normal';

export interface BlockVarianceScalingArgs {
  /** Variance is scale / fan; default 1. */
  scale?: number;
  /** Which fan divides the scale; default 'fanIn'. */
  mode?: FanMode;
  /** default 'uniform' (limit sqrt(3 * variance)). */
  distribution?: Distribution;
  seed?: number;
}

/** An initializer that knows the layout of the weight it fills. */
export interface LayoutAwareInitializer {
  applyToLayout(layout: BlockLayout, dtype?: tf.DataType): tf.Tensor;
}

export function isLayoutAware(init: unknown): init is LayoutAwareInitializer {
  return init != null &&
      typeof (init as LayoutAwareInitializer).applyToLayout === 'function';
}

export class BlockVarianceScaling extends tf.serialization.Serializable
    implements LayoutAwareInitializer {
  /** @nocollapse */
  static className = 'BlockVarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  readonly seed?: number;

  constructor(args: BlockVarianceScalingArgs = {}) {
    super();
    const fn = 'blockVarianceScaling';
    this.scale = args.scale ?? 1;
    this.mode = args.mode ?? 'fanIn';
    this.distribution = args.distribution ?? 'uniform';
    this.seed = args.seed ?? undefined;
    checkArgument(this.scale > 0, fn, 'scale', 'a positive number', this.scale);
    checkArgument(
        ['fanIn', 'fanOut', 'fanAvg'].includes(this.mode), fn, 'mode',
        `'fanIn', 'fanOut' or 'fanAvg'`, this.mode);
    checkArgument(
        ['uniform', 'normal'].includes(this.distribution), fn, 'distribution',
        `'uniform' or 'normal'`, this.distribution);
  }

  /** As tfjs's Initializer: the config holds no nested custom objects. */
  fromConfigUsesCustomObjects(): boolean {
    return false;
  }

  applyToLayout(layout: BlockLayout, dtype: tf.DataType = 'float32'):
      tf.Tensor {
    const {blockSize, blockRows, blockCols, nnzBlocks} = layout;
    const colBlocks = new Int32Array(blockCols);
    const rowBlocks = new Int32Array(blockRows);
    for (let v = 0; v < nnzBlocks; v++) {
      colBlocks[layout.blockCol[v]]++;
      rowBlocks[layout.blockRow[v]]++;
    }
    const spread = new Float32Array(nnzBlocks);
    for (let v = 0; v < nnzBlocks; v++) {
      const fanIn = blockSize * colBlocks[layout.blockCol[v]];
      const fanOut = blockSize * rowBlocks[layout.blockRow[v]];
      const fan = this.mode === 'fanIn' ? fanIn :
          this.mode === 'fanOut'        ? fanOut :
                                          (fanIn + fanOut) / 2;
      const variance = this.scale / fan;
      spread[v] = this.distribution === 'uniform' ? Math.sqrt(3 * variance) :
                                                    Math.sqrt(variance);
    }
    return tf.tidy(() => {
      const shape = layout.weightShape;
      const unit = this.distribution === 'uniform' ?
          tf.randomUniform(shape, -1, 1, 'float32', this.seed) :
          tf.randomNormal(shape, 0, 1, 'float32', this.seed);
      return tf.cast(
          tf.mul(unit, tf.tensor3d(spread, [nnzBlocks, 1, 1])), dtype);
    });
  }

  /** For a plain dense shape [K, N]: the same rule with a dense layout. */
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    return tf.tidy(() => {
      const [fanIn, fanOut] = shape.length === 2 ? shape : [1, 1];
      const fan = this.mode === 'fanIn' ? fanIn :
          this.mode === 'fanOut'        ? fanOut :
                                          (fanIn + fanOut) / 2;
      const spread = Math.sqrt(
          (this.distribution === 'uniform' ? 3 : 1) * this.scale / fan);
      const unit = this.distribution === 'uniform' ?
          tf.randomUniform(shape, -1, 1, 'float32', this.seed) :
          tf.randomNormal(shape, 0, 1, 'float32', this.seed);
      return tf.cast(tf.mul(unit, spread), dtype ?? 'float32');
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      scale: this.scale,
      mode: this.mode,
      distribution: this.distribution,
    };
    if (this.seed != null) config.seed = this.seed;
    return config;
  }
}
tf.serialization.registerClass(BlockVarianceScaling);

/**
 * The block-aware variance scaling initializer (see the file comment).
 *
 * ```js
 * const init = tfbs.initializers.blockVarianceScaling({mode: 'fanAvg', seed: 1});
 * ```
 */
export function blockVarianceScaling(args: BlockVarianceScalingArgs = {}):
    BlockVarianceScaling {
  return new BlockVarianceScaling(args);
}

/**
 * An initializer computed by `apply`, for `addWeight`: tfjs-layers does not
 * export its Initializer base class, so this is one by shape. Never
 * serialized (the layer serializes the initializer it was given).
 */
class FunctionInitializer extends tf.serialization.Serializable {
  /** @nocollapse */
  static className = 'FunctionInitializer';

  constructor(
      readonly apply: (shape: number[], dtype?: tf.DataType) => tf.Tensor) {
    super();
  }

  fromConfigUsesCustomObjects(): boolean {
    return false;
  }

  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/** An initializer whose values come from `apply`. */
export function initializerOf(
    apply: (shape: number[], dtype?: tf.DataType) => tf.Tensor):
    InitializerLike {
  return new FunctionInitializer(apply);
}

/**
 * What `addWeight` is given for a block-sparse weight: fills
 * [nnzBlocks, b, b] from a layout-aware initializer directly, or from any
 * other tfjs initializer by cutting the layout's blocks out of its dense draw.
 */
export function blockWeightInitializer(
    layout: BlockLayout, init: InitializerLike): InitializerLike {
  return initializerOf((_shape, dtype) => {
    if (isLayoutAware(init)) return init.applyToLayout(layout, dtype);
    return tf.tidy(() => denseToBlocks(
        tf.cast(init.apply([layout.inputSize, layout.outputSize], dtype),
                'float32'),
        layout));
  });
}
