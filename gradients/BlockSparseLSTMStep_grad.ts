import * as tf from '@tensorflow/tfjs-core';

import {blockSparseSampledMatMul} from '../ops/block_sparse_sampled_mat_mul';
import {BlockSparseLSTMStep, BlockSparseLSTMStepBackward, BlockSparseLSTMStepBackwardAttrs} from '../src/kernel_names';
import {defineGradient, toNamedAttrMap} from '../src/kernels/define_kernel';

/**
 * The step's gradient: one BlockSparseLSTMStepBackward kernel gives dz (the
 * gradient of the gate pre-activations, which is z's), dhPrev = dz . U^T and
 * dcPrev; U's gradient is the sampled product hPrev^T . dz on the layout.
 * The backward kernel runs once, here rather than inside the per-input
 * functions: the engine calls each of those in its own tidy, which would
 * free the outputs the others need.
 */
export const blockSparseLSTMStepGradConfig = defineGradient(
    BlockSparseLSTMStep, {inputs: ['hPrev', 'cPrev', 'w'], outputs: [false, true, true]},
    ([dh, dc], [hPrev, cPrev, w, c, gates], {layout}) => {
      const attrs: BlockSparseLSTMStepBackwardAttrs = {layout};
      const [dz, dhPrev, dcPrev] = tf.engine().runKernel(
                                       BlockSparseLSTMStepBackward, {dh, dc, c, gates, cPrev, w},
                                       toNamedAttrMap(BlockSparseLSTMStepBackward, attrs)) as tf.Tensor[];
      return {
        z: () => dz,
        hPrev: () => dhPrev,
        cPrev: () => dcPrev,
        w: () => blockSparseSampledMatMul(hPrev, dz, layout),
      };
    });
