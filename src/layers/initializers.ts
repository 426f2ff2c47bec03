/**
 * The `tfbs.initializers` namespace.
 *
 * ```js
 * tfbs.initializers.blockVarianceScaling({scale: 2, mode: 'fanIn'});
 * ```
 */
export {BlockVarianceScaling, blockVarianceScaling, BlockVarianceScalingArgs, Distribution, FanMode} from './block_initializer';
