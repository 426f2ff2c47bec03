/**
 * CPU reference of the fused LSTM step and its backward (the math is in
 * src/kernel_names.ts): the products through the reference block loops,
 * the gate math per element, everything in float64 until written back.
 */
import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseLSTMStep, BlockSparseLSTMStepBackward} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {writeFloat32} from './block_rows';
import {multiply, multiplyTransposed} from './BlockSparseMatMul';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function read(backend: tf.KernelBackend, t: tf.TensorInfo): Float32Array {
  return backend.readSync(t.dataId) as Float32Array;
}

/** Whether row m steps: no mask, or its mask is not 0. */
function stepsOf(backend: tf.KernelBackend, mask: tf.TensorInfo|undefined): (m: number) => boolean {
  if (mask == null) return () => true;
  const values = read(backend, mask);
  return m => values[m] !== 0;
}

export function blockSparseLSTMStepCpu(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseLSTMStep, tf.KernelBackend>):
    [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const {layout} = attrs;
  const [batch, units] = inputs.hPrev.shape;
  const z = read(backend, inputs.z), cPrev = read(backend, inputs.cPrev);
  const hPrev = read(backend, inputs.hPrev);
  const steps = stepsOf(backend, inputs.mask);
  // a = z + hPrev . U, then activated in place: [i, f, g, o] per row.
  const gates = multiply(hPrev, read(backend, inputs.w), layout, batch);
  const h = new Float64Array(batch * units), c = new Float64Array(batch * units);
  for (let m = 0; m < batch; m++) {
    const row = m * 4 * units, rowSteps = steps(m);
    for (let u = 0; u < units; u++) {
      const at = (gate: number) => row + gate * units + u;
      for (let gate = 0; gate < 4; gate++) gates[at(gate)] += z[at(gate)];
      const i = sigmoid(gates[at(0)]), f = sigmoid(gates[at(1)]);
      const g = Math.tanh(gates[at(2)]), o = sigmoid(gates[at(3)]);
      [gates[at(0)], gates[at(1)], gates[at(2)], gates[at(3)]] = [i, f, g, o];
      const s = m * units + u;
      const cell = f * cPrev[s] + i * g;
      c[s] = rowSteps ? cell : cPrev[s];
      h[s] = rowSteps ? o * Math.tanh(cell) : hPrev[s];
    }
  }
  return [
    writeFloat32(backend, h, [batch, units]),
    writeFloat32(backend, c, [batch, units]),
    writeFloat32(backend, gates, [batch, 4 * units]),
  ];
}

export function blockSparseLSTMStepBackwardCpu(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseLSTMStepBackward, tf.KernelBackend>):
    [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const {layout} = attrs;
  const [batch, units] = inputs.c.shape;
  const dh = read(backend, inputs.dh), dc = read(backend, inputs.dc);
  const c = read(backend, inputs.c), gates = read(backend, inputs.gates);
  const cPrev = read(backend, inputs.cPrev);
  const steps = stepsOf(backend, inputs.mask);
  const dz = new Float64Array(batch * 4 * units);
  const dcPrev = new Float64Array(batch * units);
  for (let m = 0; m < batch; m++) {
    if (!steps(m)) {
      // The row kept its state: dz stays 0, and dc (dh below) passes back.
      for (let u = 0; u < units; u++) dcPrev[m * units + u] = dc[m * units + u];
      continue;
    }
    for (let u = 0; u < units; u++) {
      const s = m * units + u, at = (gate: number) => m * 4 * units + gate * units + u;
      const i = gates[at(0)], f = gates[at(1)], g = gates[at(2)], o = gates[at(3)];
      const tanhC = Math.tanh(c[s]);
      const dcAll = dc[s] + dh[s] * o * (1 - tanhC * tanhC);
      dz[at(0)] = dcAll * g * i * (1 - i);
      dz[at(1)] = dcAll * cPrev[s] * f * (1 - f);
      dz[at(2)] = dcAll * i * (1 - g * g);
      dz[at(3)] = dh[s] * tanhC * o * (1 - o);
      dcPrev[s] = dcAll * f;
    }
  }
  // dhPrev from dz as float32, as the backends multiply it.
  const dz32 = Float32Array.from(dz);
  const dhPrev = multiplyTransposed(dz32, read(backend, inputs.w), layout, batch);
  for (let m = 0; m < batch; m++) {
    if (steps(m)) continue;
    for (let u = 0; u < units; u++) dhPrev[m * units + u] = dh[m * units + u];
  }
  return [
    {dataId: backend.write(dz32, [batch, 4 * units], 'float32'), shape: [batch, 4 * units], dtype: 'float32'},
    writeFloat32(backend, dhPrev, [batch, units]),
    writeFloat32(backend, dcPrev, [batch, units]),
  ];
}

export const blockSparseLSTMStepCpuConfig =
    defineKernel(BlockSparseLSTMStep, 'cpu', blockSparseLSTMStepCpu);
export const blockSparseLSTMStepBackwardCpuConfig =
    defineKernel(BlockSparseLSTMStepBackward, 'cpu', blockSparseLSTMStepBackwardCpu);
