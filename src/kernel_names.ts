/**
 * Kernel names and their input/attribute types, in one place (as tfjs-core's
 * `kernel_names.ts`), so ops, kernels and gradients never repeat a bare string.
 *
 * Each kernel takes operands of the fixed ranks given with it below; the
 * public ops fold any further leading dims into them before `runKernel`
 * (into the rows M of the products, into the batch B of sdd and dsd, into
 * the heads of the softmax), so a kernel never sees another rank.
 */
import type {NamedTensorInfoMap, TensorInfo} from '@tensorflow/tfjs-core';
import type {BlockLayout} from './layout/block_layout';

/**
 * Dense x block-sparse -> dense ("dsd" in OpenAI/Triton naming).
 *
 * transposeW = false: y[M, N] = x[M, K] . W[K, N]
 * transposeW = true:  y[M, K] = x[M, N] . W[K, N]^T
 *
 * W is held as its nonzero blocks `w: [nnzBlocks, b, b]`, in `layout.blockRow`
 * / `layout.blockCol` order.
 */
export const BlockSparseMatMul = 'BlockSparseMatMul';
export interface BlockSparseMatMulInputs extends NamedTensorInfoMap {
  x: TensorInfo;
  w: TensorInfo;
}
export interface BlockSparseMatMulAttrs {
  layout: BlockLayout;
  transposeW: boolean;
}

/**
 * Sampled dense x dense -> block-sparse ("sdd"): the product a^T . b evaluated
 * only on the blocks the layout keeps.
 *
 * a: [M, K], b: [M, N] -> out: [nnzBlocks, b, b] with
 * out[v] = a[:, rows of block v]^T . b[:, cols of block v].
 */
export const BlockSparseSampledMatMul = 'BlockSparseSampledMatMul';
export interface BlockSparseSampledMatMulInputs extends NamedTensorInfoMap {
  a: TensorInfo;
  b: TensorInfo;
}
export interface BlockSparseSampledMatMulAttrs {
  layout: BlockLayout;
}

/**
 * One LSTM step whose recurrent kernel U [units, 4 * units] is block-sparse
 * (`layout` of shape [units, 4 * units], gates i, f, g, o side by side as in
 * tfjs), from the projected input z = x . W + bias of this step:
 *
 *   a  = z + hPrev . U                           [B, 4 * units]
 *   i  = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g), o = sigmoid(a_o)
 *   c  = f * cPrev + i * g
 *   h  = o * tanh(c)
 *
 * z: [B, 4 * units], hPrev and cPrev: [B, units], w: [nnzBlocks, b, b].
 * Outputs, in order: h [B, units], c [B, units] and gates [B, 4 * units],
 * the activated (i, f, g, o) kept for the backward step.
 *
 * With the optional `mask` [B, 1] (an RNN's timestep mask, as tfjs's rnn()
 * applies it), a row whose mask is 0 keeps its state: h = hPrev and
 * c = cPrev (its gates are computed all the same); other rows step as
 * above. Folding this into the kernel saves the layer six elementwise ops
 * per timestep forward and as many backward.
 */
export const BlockSparseLSTMStep = 'BlockSparseLSTMStep';
export interface BlockSparseLSTMStepInputs extends NamedTensorInfoMap {
  z: TensorInfo;
  hPrev: TensorInfo;
  cPrev: TensorInfo;
  w: TensorInfo;
  mask?: TensorInfo;
}
export interface BlockSparseLSTMStepAttrs {
  layout: BlockLayout;
}

/**
 * The backward of `BlockSparseLSTMStep` except the weight gradient (which is
 * the sampled product hPrev^T . dz on the layout), from the upstream dh and
 * dc, the step's outputs c and gates, its input cPrev and its weights w:
 *
 *   dcAll = dc + dh * o * (1 - tanh(c)^2)
 *   dz_i = dcAll * g * i * (1 - i)       dz_f = dcAll * cPrev * f * (1 - f)
 *   dz_g = dcAll * i * (1 - g^2)         dz_o = dh * tanh(c) * o * (1 - o)
 *   dcPrev = dcAll * f                   dhPrev = dz . U^T
 *
 * Outputs, in order: dz [B, 4 * units] (the gradient of z and of the gate
 * pre-activations), dhPrev [B, units], dcPrev [B, units].
 *
 * With the forward step's `mask` [B, 1], a row whose mask is 0 passed its
 * state through, so its gradient passes straight back: dz = 0,
 * dhPrev = dh, dcPrev = dc. (Its c input is then cPrev, which only enters
 * terms multiplied by that zero.)
 */
export const BlockSparseLSTMStepBackward = 'BlockSparseLSTMStepBackward';
export interface BlockSparseLSTMStepBackwardInputs extends NamedTensorInfoMap {
  dh: TensorInfo;
  dc: TensorInfo;
  c: TensorInfo;
  gates: TensorInfo;
  cPrev: TensorInfo;
  w: TensorInfo;
  mask?: TensorInfo;
}
export interface BlockSparseLSTMStepBackwardAttrs {
  layout: BlockLayout;
}

/**
 * Block-sparse attention scores ("sdd": dense x dense^T sampled on a layout).
 * The layout is square, [S/b, S/b] (inputSize = outputSize = S): block row
 * r holds queries r*b .. r*b+b-1 and block column c keys c*b .. c*b+b-1.
 *
 * a, b: [B, S, d] -> out [B, nnzBlocks, b, b] with
 * out[β, v] = a[β, rows of blockRow(v)] . b[β, rows of blockCol(v)]^T.
 */
export const BlockSparseSDD = 'BlockSparseSDD';
export interface BlockSparseSDDInputs extends NamedTensorInfoMap {
  a: TensorInfo;
  b: TensorInfo;
}
export interface BlockSparseSDDAttrs {
  layout: BlockLayout;
}

/**
 * Row softmax of block-sparse scores over each row's kept blocks:
 *
 *   p[i, j] = allowed(i, j) * exp(scale * s[i, j] - m_i) / sum_j' (same, j')
 *
 * where m_i is the row's maximum over allowed entries. An entry is allowed
 * when its block is kept, keyMask[batch, j] != 0 (when given) and, with
 * `causal`, j <= i. A row with no allowed entry is all zeros.
 *
 * scores: [batch, heads, nnzBlocks, b, b], keyMask (optional): [batch, S]
 * float32 -> out of the shape of scores. With `causal` the layout has no
 * block above the diagonal (the op checks it).
 */
export const BlockSparseSoftmax = 'BlockSparseSoftmax';
export interface BlockSparseSoftmaxInputs extends NamedTensorInfoMap {
  scores: TensorInfo;
  keyMask?: TensorInfo;
}
export interface BlockSparseSoftmaxAttrs {
  layout: BlockLayout;
  scale: number;
  causal: boolean;
}

/**
 * The backward of `BlockSparseSoftmax`: from its output p and the upstream
 * gradient dp (both [batch, heads, nnzBlocks, b, b]),
 *
 *   dScores[i, j] = scale * p[i, j] * (dp[i, j] - sum_j' dp[i, j'] * p[i, j'])
 *
 * the sum running over row i's kept blocks (layout.rowTable). Masked entries
 * have p = 0 and get 0, so the masks are not needed again.
 */
export const BlockSparseSoftmaxBackward = 'BlockSparseSoftmaxBackward';
export interface BlockSparseSoftmaxBackwardInputs extends NamedTensorInfoMap {
  p: TensorInfo;
  dp: TensorInfo;
}
export interface BlockSparseSoftmaxBackwardAttrs {
  layout: BlockLayout;
  scale: number;
}

/**
 * Block-sparse x dense ("dsd"), the layout square [S/b, S/b]:
 *
 * transposeP = false: out[β, rows of r] = sum over v = (r, c) of p[β, v] . v[β, rows of c]
 * transposeP = true:  out[β, rows of c] = sum over v = (r, c) of p[β, v]^T . v[β, rows of r]
 *
 * p: [B, nnzBlocks, b, b], v: [B, S, d] -> out [B, S, d]; rows of a block
 * row (column) with no block are zero.
 */
export const BlockSparseDSD = 'BlockSparseDSD';
export interface BlockSparseDSDInputs extends NamedTensorInfoMap {
  p: TensorInfo;
  v: TensorInfo;
}
export interface BlockSparseDSDAttrs {
  layout: BlockLayout;
  transposeP: boolean;
}

/**
 * Block-sparse attention in one kernel, where a backend can fuse it:
 *
 *   probs = BlockSparseSoftmax(BlockSparseSDD(q, k), keyMask, {scale, causal})
 *   out   = BlockSparseDSD(probs, v)
 *
 * q, k: [batch, heads, S, d], v: [batch, heads, S, dv], keyMask (optional):
 * [batch, S] float32 -> [out [batch, heads, S, dv], probs [batch, heads,
 * nnzBlocks, b, b]]. probs is kept for the backward. The native tensorflow
 * kernel does a block row's scores, softmax and product in one pass while
 * its blocks are in cache; other backends run the three kernels.
 */
export const BlockSparseAttention = 'BlockSparseAttention';
export interface BlockSparseAttentionInputs extends NamedTensorInfoMap {
  q: TensorInfo;
  k: TensorInfo;
  v: TensorInfo;
  keyMask?: TensorInfo;
}
export interface BlockSparseAttentionAttrs {
  layout: BlockLayout;
  scale: number;
  causal: boolean;
}

/**
 * The backward of `BlockSparseAttention` from the upstream gradient dy of
 * out (like v):
 *
 *   dScores = BlockSparseSoftmaxBackward(probs, BlockSparseSDD(dy, v))
 *   dq = BlockSparseDSD(dScores, k)     dk = BlockSparseDSD(dScores^T, q)
 *   dv = BlockSparseDSD(probs^T, dy)
 *
 * -> [dq, dk, dv].
 */
export const BlockSparseAttentionBackward = 'BlockSparseAttentionBackward';
export interface BlockSparseAttentionBackwardInputs extends NamedTensorInfoMap {
  q: TensorInfo;
  k: TensorInfo;
  v: TensorInfo;
  probs: TensorInfo;
  dy: TensorInfo;
}
export interface BlockSparseAttentionBackwardAttrs {
  layout: BlockLayout;
  scale: number;
  /** The forward's: probs is zero above the diagonal, which a kernel may skip. */
  causal: boolean;
}

/** Each kernel's inputs, attrs and number of outputs, by kernel name. */
export interface BlockSparseKernelTypes {
  [BlockSparseMatMul]:
      {inputs: BlockSparseMatMulInputs, attrs: BlockSparseMatMulAttrs, outputs: TensorInfo};
  [BlockSparseSampledMatMul]: {
    inputs: BlockSparseSampledMatMulInputs,
    attrs: BlockSparseSampledMatMulAttrs,
    outputs: TensorInfo
  };
  [BlockSparseLSTMStep]: {
    inputs: BlockSparseLSTMStepInputs,
    attrs: BlockSparseLSTMStepAttrs,
    outputs: [TensorInfo, TensorInfo, TensorInfo]
  };
  [BlockSparseLSTMStepBackward]: {
    inputs: BlockSparseLSTMStepBackwardInputs,
    attrs: BlockSparseLSTMStepBackwardAttrs,
    outputs: [TensorInfo, TensorInfo, TensorInfo]
  };
  [BlockSparseSDD]: {inputs: BlockSparseSDDInputs, attrs: BlockSparseSDDAttrs, outputs: TensorInfo};
  [BlockSparseSoftmax]:
      {inputs: BlockSparseSoftmaxInputs, attrs: BlockSparseSoftmaxAttrs, outputs: TensorInfo};
  [BlockSparseSoftmaxBackward]: {
    inputs: BlockSparseSoftmaxBackwardInputs,
    attrs: BlockSparseSoftmaxBackwardAttrs,
    outputs: TensorInfo
  };
  [BlockSparseDSD]: {inputs: BlockSparseDSDInputs, attrs: BlockSparseDSDAttrs, outputs: TensorInfo};
  [BlockSparseAttention]: {
    inputs: BlockSparseAttentionInputs,
    attrs: BlockSparseAttentionAttrs,
    outputs: [TensorInfo, TensorInfo]
  };
  [BlockSparseAttentionBackward]: {
    inputs: BlockSparseAttentionBackwardInputs,
    attrs: BlockSparseAttentionBackwardAttrs,
    outputs: [TensorInfo, TensorInfo, TensorInfo]
  };
}
export type BlockSparseKernelName = keyof BlockSparseKernelTypes;

/**
 * How the tape differentiates each kernel:
 *  - 'registered': a gradient registered for the kernel (gradients/);
 *  - 'customGrad': its op wraps the kernel call in tf.customGrad (a gradient
 *    registered for BlockSparseAttention would be handed a zeros tensor,
 *    built in JavaScript, for the probs output nothing downstream uses);
 *  - 'backward': a backward kernel, run by a gradient and never itself
 *    differentiated.
 * A Record over `BlockSparseKernelName`: a kernel added to
 * `BlockSparseKernelTypes` without an entry here does not compile.
 */
export type KernelGradient = 'registered'|'customGrad'|'backward';
export const KERNEL_GRADIENTS: Readonly<Record<BlockSparseKernelName, KernelGradient>> = {
  [BlockSparseMatMul]: 'registered',
  [BlockSparseSampledMatMul]: 'registered',
  [BlockSparseLSTMStep]: 'registered',
  [BlockSparseLSTMStepBackward]: 'backward',
  [BlockSparseSDD]: 'registered',
  [BlockSparseSoftmax]: 'registered',
  [BlockSparseSoftmaxBackward]: 'backward',
  [BlockSparseDSD]: 'registered',
  [BlockSparseAttention]: 'customGrad',
  [BlockSparseAttentionBackward]: 'backward',
};

/**
 * Every kernel name. Each backend the package supports registers a kernel
 * for each (test/conformance/registration.spec.ts checks it).
 */
export const BLOCK_SPARSE_KERNEL_NAMES =
    Object.keys(KERNEL_GRADIENTS) as readonly BlockSparseKernelName[];
