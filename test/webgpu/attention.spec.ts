/**
 * WebGPU-only checks of the attention kernels beyond the conformance suite:
 * forward and backward dispatch our WGSL programs, not the composed tfjs
 * ops; a large-ish local-attention case (S = 512, 2 heads, d = 32, b = 32)
 * matches the CPU reference kernels kernel by kernel and the float64 dense
 * reference end to end; dispatches past 65535 workgroups (folded by the
 * backend) address the right blocks; a second call compiles nothing,
 * uploads no table and leaks nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import {MathBackendCPU} from '@tensorflow/tfjs-backend-cpu';
import {expect} from 'chai';

import {blockSparseAttention} from '../../ops/block_sparse_attention';
import {blockSparseDSD} from '../../ops/block_sparse_dsd';
import {blockSparseSDD} from '../../ops/block_sparse_sdd';
import {blockSparseSoftmax} from '../../ops/block_sparse_softmax';
import {BlockSparseDSD, BlockSparseSDD, BlockSparseSoftmax, BlockSparseSoftmaxBackward, BlockSparseSoftmaxBackwardAttrs} from '../../src/kernel_names';
import {blockSparseDSDCpu} from '../../src/kernels/cpu/BlockSparseDSD';
import {blockSparseSDDCpu} from '../../src/kernels/cpu/BlockSparseSDD';
import {blockSparseSoftmaxCpu} from '../../src/kernels/cpu/BlockSparseSoftmax';
import {blockSparseSoftmaxBackwardCpu} from '../../src/kernels/cpu/BlockSparseSoftmaxBackward';
import {toNamedAttrMap} from '../../src/kernels/define_kernel';
import {localAttentionLayout} from '../../src/layout/attention_layouts';
import {BlockLayout} from '../../src/layout/block_layout';
import {TOLERANCE} from '../conformance/cases';
import {attention64} from '../util/attention_reference';
import {createRng, freshSeed, randomNormal, Rng} from '../util/random';
import {relativeError} from '../util/reference';

import {backend, expectNoGpuErrors, programsRunBy} from './gpu_checks';

/** Kernels of the composed attention (src/kernels/composed/attention_*.ts). */
const COMPOSED_KERNELS = ['GatherV2', 'BatchMatMul', 'Exp', 'Max', 'Maximum', 'Minimum', 'NotEqual', 'Div'];

interface HostTensor {
  values: Float32Array;
  shape: number[];
}

let cpuBackend: MathBackendCPU|null = null;

/**
 * Runs a CPU reference kernel on a CPU backend instance of its own (the
 * engine's backend stays webgpu) and returns its output.
 */
function onCpu<Inputs extends string, Attrs>(
    kernel: (args: {inputs: Record<Inputs, tf.TensorInfo>, attrs: Attrs, backend: tf.KernelBackend}) =>
        tf.TensorInfo,
    inputs: Record<Inputs, HostTensor>, attrs: Attrs): Float32Array {
  if (cpuBackend == null) {
    cpuBackend = new MathBackendCPU();
    // Its first write prints a hint to install tfjs-node, meant for users, not a reference run.
    (cpuBackend as unknown as {firstUse: boolean}).firstUse = false;
  }
  const cpu = cpuBackend;
  const infos = {} as Record<Inputs, tf.TensorInfo>;
  for (const name of Object.keys(inputs) as Inputs[]) {
    const {values, shape} = inputs[name];
    infos[name] = {dataId: cpu.write(values, shape, 'float32'), shape, dtype: 'float32'};
  }
  const out = kernel({inputs: infos, attrs, backend: cpu});
  const values = cpu.readSync(out.dataId) as Float32Array;
  for (const info of [...Object.values<tf.TensorInfo>(infos), out]) cpu.disposeData(info.dataId);
  return values;
}

function host(values: Float32Array, shape: number[]): HostTensor {
  return {values, shape};
}

/** A [batch, S] mask: entry 0 pads ~30% of keys at random, entry 1 all keys past the first 100. */
function paddingMask(S: number, rng: Rng): Float32Array {
  const mask = new Float32Array(2 * S);
  for (let j = 0; j < S; j++) {
    mask[j] = rng.next() < 0.7 ? 1 : 0;
    mask[S + j] = j < 100 ? 1 : 0;
  }
  return mask;
}

async function checkKernelsAgainstCpu(layout: BlockLayout, causal: boolean, rng: Rng) {
  const [batch, heads, depth, valueDepth] = [2, 2, 32, 32];
  const S = layout.inputSize, slices = batch * heads;
  const blockShape = [slices, ...layout.weightShape];
  const scale = 1 / Math.sqrt(depth);
  const q = randomNormal(slices * S * depth, rng), k = randomNormal(slices * S * depth, rng);
  const v = randomNormal(slices * S * valueDepth, rng);
  const mask = causal ? null : paddingMask(S, rng);
  const what = `${layout}${causal ? ' causal' : ' key mask'}`;
  const [qt, kt, vt] = [tf.tensor(q, [slices, S, depth]), tf.tensor(k, [slices, S, depth]),
                        tf.tensor(v, [slices, S, valueDepth])];
  const maskTensor = mask == null ? undefined : tf.tensor2d(mask, [batch, S]);

  const scores = await expectNoGpuErrors(() => blockSparseSDD(qt, kt, layout));
  const scoreValues = await scores.data() as Float32Array;
  const cpuScores = onCpu(
      blockSparseSDDCpu, {a: host(q, [slices, S, depth]), b: host(k, [slices, S, depth])}, {layout});
  expect(relativeError(scoreValues, cpuScores), `SDD ${what}`).to.be.below(TOLERANCE);

  const scores5 = scores.reshape([batch, heads, ...layout.weightShape]);
  const probs = await expectNoGpuErrors(
      () => blockSparseSoftmax(scores5, layout, {scale, causal, keyMask: maskTensor}));
  const probValues = await probs.data() as Float32Array;
  const softmaxInputs = {scores: host(scoreValues, scores5.shape)} as
      Record<'scores'|'keyMask', HostTensor>;
  if (mask != null) softmaxInputs.keyMask = host(mask, [batch, S]);
  const cpuProbs = onCpu(blockSparseSoftmaxCpu, softmaxInputs, {layout, scale, causal});
  expect(relativeError(probValues, cpuProbs), `softmax ${what}`).to.be.below(TOLERANCE);

  const dp = randomNormal(probValues.length, rng);
  const dpt = tf.tensor(dp, probs.shape);
  const backwardAttrs: BlockSparseSoftmaxBackwardAttrs = {layout, scale};
  const dScores = await expectNoGpuErrors(() => tf.engine().runKernel(
      BlockSparseSoftmaxBackward, {p: probs, dp: dpt},
      toNamedAttrMap(BlockSparseSoftmaxBackward, backwardAttrs)) as tf.Tensor);
  const cpuDScores = onCpu(
      blockSparseSoftmaxBackwardCpu, {p: host(probValues, probs.shape), dp: host(dp, probs.shape)},
      backwardAttrs);
  expect(relativeError(await dScores.data(), cpuDScores), `softmax backward ${what}`)
      .to.be.below(TOLERANCE);

  const p4 = probs.reshape(blockShape);
  for (const transposeP of [false, true]) {
    const out = await expectNoGpuErrors(() => blockSparseDSD(p4, vt, layout, {transposeP}));
    const cpuOut = onCpu(
        blockSparseDSDCpu,
        {p: host(probValues, blockShape), v: host(v, [slices, S, valueDepth])}, {layout, transposeP});
    expect(relativeError(await out.data(), cpuOut), `DSD${transposeP ? ' transposeP' : ''} ${what}`)
        .to.be.below(TOLERANCE);
    out.dispose();
  }
  tf.dispose([qt, kt, vt, scores, scores5, probs, dpt, dScores, p4]);
  maskTensor?.dispose();
}

async function checkAttentionAgainstFloat64(layout: BlockLayout, causal: boolean, rng: Rng) {
  const [batch, heads, depth, valueDepth] = [2, 2, 32, 32];
  const S = layout.inputSize, slices = batch * heads;
  const q = randomNormal(slices * S * depth, rng), k = randomNormal(slices * S * depth, rng);
  const v = randomNormal(slices * S * valueDepth, rng), r = randomNormal(slices * S * valueDepth, rng);
  const mask = causal ? null : paddingMask(S, rng);
  const tensors = [
    tf.tensor(q, [batch, heads, S, depth]), tf.tensor(k, [batch, heads, S, depth]),
    tf.tensor(v, [batch, heads, S, valueDepth]),
  ];
  const rt = tf.tensor(r, [batch, heads, S, valueDepth]);
  const maskTensor = mask == null ? undefined : tf.tensor2d(mask, [batch, S]);
  const loss = (qt: tf.Tensor, kt: tf.Tensor, vt: tf.Tensor) =>
      tf.sum(tf.mul(blockSparseAttention(qt, kt, vt, layout, {causal, keyMask: maskTensor}), rt));
  const out = blockSparseAttention(tensors[0]!, tensors[1]!, tensors[2]!, layout, {causal, keyMask: maskTensor});
  const grads = tf.grads(loss)(tensors);
  const expected = attention64({
    q, k, v, layout, causal, keyMask: mask, heads, slices, depth, valueDepth,
    scale: 1 / Math.sqrt(depth),
  }, r);
  const what = `${layout}${causal ? ' causal' : ' key mask'}`;
  expect(relativeError(await out.data(), expected.out), `output ${what}`).to.be.below(TOLERANCE);
  const [dq, dk, dv] = await Promise.all(grads.map(g => g.data()));
  expect(relativeError(dq!, expected.dq!), `dq ${what}`).to.be.below(TOLERANCE);
  expect(relativeError(dk!, expected.dk!), `dk ${what}`).to.be.below(TOLERANCE);
  expect(relativeError(dv!, expected.dv!), `dv ${what}`).to.be.below(TOLERANCE);
  tf.dispose([...tensors, rt, out, ...grads]);
  maskTensor?.dispose();
}

describe('webgpu attention kernels', () => {
  before(() => expect(tf.getBackend()).to.equal('webgpu'));
  after(() => {
    cpuBackend?.dispose();
    cpuBackend = null;
  });

  it('forward and backward run our programs, none of the composed ops', async () => {
    const rng = createRng(freshSeed());
    const layout = localAttentionLayout({sequenceLength: 96, blockSize: 16, windowBlocks: 1});
    const shape = [2, 2, 96, 8];
    const [q, k, v, r] = [0, 1, 2, 3].map(() => tf.tensor(randomNormal(4 * 96 * 8, rng), shape));
    const keyMask = tf.tensor2d(paddingMask(96, rng), [2, 96]);
    const attend = (qt: tf.Tensor, kt: tf.Tensor, vt: tf.Tensor) =>
        blockSparseAttention(qt, kt, vt, layout, {keyMask});

    const forward = programsRunBy(() => attend(q!, k!, v!));
    expect(forward.programs).to.deep.equal(
        ['AttentionSDDProgram', 'AttentionSoftmaxProgram', 'AttentionDSDProgram']);
    const backward = programsRunBy(() => tf.grads((a, b, c) => tf.sum(tf.mul(attend(a, b, c), r!)))([q!, k!, v!]));
    for (const program of ['AttentionSDDProgram', 'AttentionSoftmaxBackwardProgram', 'AttentionDSDProgram']) {
      expect(backward.programs, 'backward programs').to.include(program);
    }

    const profile = await tf.profile(() => {
      const grads = tf.grads((a, b, c) => tf.sum(tf.mul(attend(a, b, c), r!)))([q!, k!, v!]);
      tf.dispose(grads);
    });
    const kernels = profile.kernels.map(kernel => kernel.name);
    for (const name of [BlockSparseSDD, BlockSparseSoftmax, BlockSparseSoftmaxBackward, BlockSparseDSD]) {
      expect(kernels, 'kernels of forward and backward').to.include(name);
    }
    for (const name of COMPOSED_KERNELS) expect(kernels, 'kernels of forward and backward').to.not.include(name);
    tf.dispose([q!, k!, v!, r!, keyMask, forward.result, ...backward.result]);
    layout.dispose();
  });

  for (const causal of [false, true]) {
    const seed = freshSeed();
    it(`S=512, 2 heads, d=32, b=32 local layout${causal ? ', causal' : ', key mask'}: each kernel matches ` +
           `its CPU reference and attention the float64 reference (seed ${seed})`,
       async () => {
         const rng = createRng(seed);
         const layout = localAttentionLayout({sequenceLength: 512, blockSize: 32, windowBlocks: 1, causal});
         const tensors = tf.memory().numTensors;
         await checkKernelsAgainstCpu(layout, causal, rng);
         await checkAttentionAgainstFloat64(layout, causal, rng);
         expect(tf.memory().numTensors, 'tensors left behind').to.equal(tensors);
         layout.dispose();
       });
  }

  it('dispatches past 65535 workgroups address the right slices', async () => {
    const rng = createRng(freshSeed());
    // 8200 slices of 8 block rows with one block each: every program runs 65600 workgroups.
    const layout = localAttentionLayout({sequenceLength: 64, blockSize: 8, windowBlocks: 0});
    const [batch, heads, S, depth] = [4100, 2, 64, 2];
    const slices = batch * heads, size = slices * S * depth;
    const [q, k, v] = [0, 1, 2].map(() => randomNormal(size, rng));
    const tensors = [q, k, v].map(values => tf.tensor(values!, [batch, heads, S, depth]));
    const out = await expectNoGpuErrors(
        () => blockSparseAttention(tensors[0]!, tensors[1]!, tensors[2]!, layout));
    const values = await out.data();
    // The first and the last slices, where a wrongly recombined index would land elsewhere.
    for (const first of [0, slices - 3]) {
      const part = (x: Float32Array) => x.subarray(first * S * depth, (first + 3) * S * depth);
      const expected = attention64({
        q: part(q!), k: part(k!), v: part(v!), layout, causal: false, keyMask: null, heads,
        slices: 3, depth, valueDepth: depth, scale: 1 / Math.sqrt(depth),
      });
      expect(relativeError(part(values as Float32Array), expected.out), `slices ${first}..${first + 2}`)
          .to.be.below(TOLERANCE);
    }
    tf.dispose([...tensors, out]);
    layout.dispose();
  });

  it('a second call compiles nothing and uploads no table; dispose frees the table', async () => {
    const rng = createRng(freshSeed());
    const layout = localAttentionLayout({sequenceLength: 128, blockSize: 16, windowBlocks: 1, causal: true});
    const shape = [1, 2, 128, 12];
    const [q, k, v, r] = [0, 1, 2, 3].map(() => tf.tensor(randomNormal(2 * 128 * 12, rng), shape));
    const run = async () => {
      const grads = tf.grads((a, b, c) => tf.sum(tf.mul(
          blockSparseAttention(a, b, c, layout, {causal: true}), r!)))([q!, k!, v!]);
      for (const grad of grads) await grad.data();
      tf.dispose(grads);
    };
    await run();
    const pipelines = Object.keys(backend().pipelineCache).length;
    const tableBytes = layout.cachedByteLength();
    const dataIds = backend().tensorMap.numDataIds();
    const tensors = tf.memory().numTensors;
    expect(tableBytes, 'attention table bytes').to.be.above(0);
    await run();
    await run();
    expect(Object.keys(backend().pipelineCache).length, 'pipelines').to.equal(pipelines);
    expect(layout.cachedByteLength(), 'table bytes').to.equal(tableBytes);
    expect(backend().tensorMap.numDataIds(), 'backend buffers').to.equal(dataIds);
    expect(tf.memory().numTensors, 'engine tensors').to.equal(tensors);
    layout.dispose();
    expect(layout.cachedByteLength()).to.equal(0);
    expect(backend().tensorMap.numDataIds(), 'table freed').to.be.below(dataIds);
    tf.dispose([q!, k!, v!, r!]);
  });
});
