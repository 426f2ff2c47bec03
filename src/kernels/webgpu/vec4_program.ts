/**
 * The shape shared by the small element-wise programs (fill zeros, segment
 * and slice sums): a flat dispatch in which each invocation writes one vec4
 * of the output at `index`. Subclasses give the inputs and the WGSL body.
 */
import type {WebGPUProgramLike} from './webgpu_types';

const WORKGROUP_X = 64;

export abstract class Vec4Program implements WebGPUProgramLike {
  abstract variableNames: string[];
  outputComponent = 4;
  dispatchLayout: {x: number[]};
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP_X, 1, 1];
  size = true;

  constructor(readonly outputShape: number[], readonly shaderKey: string) {
    // Every output dimension on x: tfjs's flat dispatch layout.
    this.dispatchLayout = {x: outputShape.map((_, axis) => axis)};
    const vec4s = outputShape.reduce((p, d) => p * d, 1) / 4;
    this.dispatch = [Math.ceil(vec4s / WORKGROUP_X), 1, 1];
  }

  abstract getUserCode(): string;
}
