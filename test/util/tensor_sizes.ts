/**
 * The largest tensor created while an action runs: every tensor tfjs makes
 * (op results, kernel outputs, tensors made inside composed kernels) is
 * seen (scripts/lib/tensor_tracking.ts).
 */
import {whileTrackingTensors} from '../../scripts/lib/tensor_tracking';

export interface LargestTensor {
  size: number;
  shape: number[];
}

export async function largestTensorCreatedBy(action: () => unknown): Promise<LargestTensor> {
  let largest: LargestTensor = {size: 0, shape: []};
  await whileTrackingTensors(tensor => {
    if (tensor.size > largest.size) largest = {size: tensor.size, shape: tensor.shape.slice()};
  }, action);
  return largest;
}
