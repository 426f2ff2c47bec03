/**
 * Base classes for this plugin's WGSL programs, which all dispatch a flat
 * row of workgroups (tfjs's flat dispatch layout: every output dimension on
 * x) and write vec4s. Subclasses give the inputs and the WGSL body.
 */
import {flatDispatch} from './program_util';
import type {WebGPUProgramLike} from './webgpu_types';

export abstract class FlatProgram implements WebGPUProgramLike {
  abstract variableNames: string[];
  outputComponent = 4;
  dispatchLayout: {x: number[]};
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];

  constructor(
      readonly outputShape: number[], readonly shaderKey: string, workgroupX: number,
      workgroups: number) {
    this.dispatchLayout = {x: outputShape.map((_, axis) => axis)};
    this.workgroupSize = [workgroupX, 1, 1];
    this.dispatch = flatDispatch(workgroups);
  }

  abstract getUserCode(): string;
}

export const VEC4_WORKGROUP_X = 64;

/**
 * The small element-wise programs (fill zeros, segment and slice sums): each
 * invocation writes the output's vec4 at `index`.
 */
export abstract class Vec4Program extends FlatProgram {
  size = true;

  constructor(outputShape: number[], shaderKey: string) {
    const vec4s = outputShape.reduce((p, d) => p * d, 1) / 4;
    super(outputShape, shaderKey, VEC4_WORKGROUP_X, Math.ceil(vec4s / VEC4_WORKGROUP_X));
  }
}
