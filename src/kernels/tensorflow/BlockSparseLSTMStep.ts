import {BlockSparseLSTMStep} from '../../kernel_names';
import {lstmStepComposedKernel} from '../composed/lstm_step';

import {defineTensorflowKernel} from './define_tensorflow_kernel';
import {nativeLSTMStep} from './native_products';

/**
 * One fused LSTM step on the tensorflow backend: the native op on the CPU
 * (one TensorFlow op call: product, gates and cell update), else the step
 * composed of tfjs ops around the block-sparse product, whose own kernel
 * then picks its plan.
 */
export const blockSparseLSTMStepTensorflowConfig = defineTensorflowKernel(BlockSparseLSTMStep, {
  native: ({inputs, attrs, backend}, addon) => nativeLSTMStep(backend, addon, inputs, attrs.layout),
  composed: lstmStepComposedKernel,
});
