import {BlockSparseLSTMStepBackward} from '../../kernel_names';
import {lstmStepBackwardComposedKernel} from '../composed/lstm_step';

import {defineTensorflowKernel} from './define_tensorflow_kernel';
import {nativeLSTMStepBackward} from './native_products';

/**
 * The LSTM step's backward on the tensorflow backend: the native op on the
 * CPU (dz and dcPrev elementwise, then dhPrev = dz . U^T, in one TensorFlow
 * op call), else composed of tfjs ops around the block-sparse product.
 */
export const blockSparseLSTMStepBackwardTensorflowConfig =
    defineTensorflowKernel(BlockSparseLSTMStepBackward, {
      native: ({inputs, attrs, backend}, addon) =>
          nativeLSTMStepBackward(backend, addon, inputs, attrs.layout),
      composed: lstmStepBackwardComposedKernel,
    });
