#include "fused_attention_ops.h"

#include <cstdint>
#include <vector>

#include "attention_blocks.h"
#include "attention_op_checks.h"
#include "kernel_call.h"
#include "output_buffers.h"
#include "tf_c_api.h"

namespace tfjs_blocksparse {
namespace {

std::vector<int64_t> DimsOf(const TF_Tensor* t) {
  std::vector<int64_t> dims(TF_NumDims(t));
  for (int i = 0; i < TF_NumDims(t); ++i) dims[i] = TF_Dim(t, i);
  return dims;
}

void ComputeAttention(void* kernel, TF_OpKernelContext* ctx) {
  KernelCall call(ctx, kAttentionOpName);
  TF_Tensor* in[7];
  if (!call.Inputs(7, in)) return;
  TF_Tensor *q = in[0], *k = in[1], *v = in[2], *keyMask = in[3];
  TF_Tensor *ptr = in[4], *other = in[5], *block = in[6];
  const AttentionAttrs& attrs = AttrsOf(kernel);
  const int64_t b = attrs.blockSize;
  if (!CheckHeadsOperand(call, q, "q", b) || !CheckSameShape(call, q, "q", k, "k") ||
      !CheckHeadsOperand(call, v, "v", b, q, "q") || !CheckRank(call, block, "block", 1)) {
    return;
  }
  const int64_t batch = TF_Dim(q, 0), heads = TF_Dim(q, 1), seq = TF_Dim(q, 2);
  const int64_t nnz = TF_Dim(block, 0);
  if (!CheckLayoutTable(call, ptr, other, block, seq / b, nnz)) return;
  if (attrs.useKeyMask) {
    if (!CheckRank(call, keyMask, "key_mask", 2)) return;
    if (TF_Dim(keyMask, 0) != batch || TF_Dim(keyMask, 1) != seq) {
      call.Fail("input 'key_mask' must have shape [", batch, ",", seq, "] ([batch, S] of q ",
                ShapeOf(q), "), but got ", ShapeOf(keyMask));
      return;
    }
  }
  TF_Tensor* out = call.Output(0, {batch, heads, seq, TF_Dim(v, 3)});
  TF_Tensor* probs = out == nullptr ? nullptr : call.Output(1, {batch, heads, nnz, b, b});
  if (probs == nullptr) return;
  AttentionArgs args;
  args.q = Floats(q);
  args.k = Floats(k);
  args.v = Floats(v);
  args.keyMask = attrs.useKeyMask ? Floats(keyMask) : nullptr;
  args.batch = batch;
  args.heads = heads;
  args.seq = seq;
  args.depth = TF_Dim(q, 3);
  args.valueDepth = TF_Dim(v, 3);
  args.nnzBlocks = nnz;
  args.blockSize = static_cast<int>(b);
  args.scale = attrs.scale;
  args.causal = attrs.causal;
  args.rows = TableOf(ptr, other, block);
  args.probs = MutableFloats(probs);
  args.out = MutableFloats(out);
  Attention(args);
}

void ComputeAttentionBackward(void* kernel, TF_OpKernelContext* ctx) {
  KernelCall call(ctx, kAttentionBackwardOpName);
  TF_Tensor* in[11];
  if (!call.Inputs(11, in)) return;
  TF_Tensor *q = in[0], *k = in[1], *v = in[2], *probs = in[3], *dy = in[4];
  if (!CheckBlockOperand(call, probs, "probs", 5, "[batch, heads, nnz, b, b]")) return;
  const int64_t nnz = TF_Dim(probs, 2), b = TF_Dim(probs, 3);
  if (!CheckHeadsOperand(call, q, "q", b) || !CheckSameShape(call, q, "q", k, "k") ||
      !CheckHeadsOperand(call, v, "v", b, q, "q") || !CheckSameShape(call, v, "v", dy, "dy")) {
    return;
  }
  if (TF_Dim(probs, 0) != TF_Dim(q, 0) || TF_Dim(probs, 1) != TF_Dim(q, 1)) {
    call.Fail("input 'probs' must have the batch and heads of 'q' ", ShapeOf(q), ", but got ",
              ShapeOf(probs));
    return;
  }
  const int64_t blockRows = TF_Dim(q, 2) / b;
  if (!CheckLayoutTable(call, in[5], in[6], in[7], blockRows, nnz) ||
      !CheckLayoutTable(call, in[8], in[9], in[10], blockRows, nnz, true)) {
    return;
  }
  TF_Tensor* dq = call.Output(0, DimsOf(q));
  TF_Tensor* dk = dq == nullptr ? nullptr : call.Output(1, DimsOf(q));
  TF_Tensor* dv = dk == nullptr ? nullptr : call.Output(2, DimsOf(v));
  if (dv == nullptr) return;
  const size_t scratchBytes = sizeof(float) * TF_TensorElementCount(probs);
  float* scoresGradient = static_cast<float*>(AcquireOutputBuffer(scratchBytes));
  if (scoresGradient == nullptr) {
    call.FailWith(TF_RESOURCE_EXHAUSTED, "out of memory for the scores' gradient");
    return;
  }
  AttentionBackwardArgs args;
  args.q = Floats(q);
  args.k = Floats(k);
  args.v = Floats(v);
  args.probs = Floats(probs);
  args.dy = Floats(dy);
  args.slices = TF_Dim(q, 0) * TF_Dim(q, 1);
  args.seq = TF_Dim(q, 2);
  args.depth = TF_Dim(q, 3);
  args.valueDepth = TF_Dim(v, 3);
  args.nnzBlocks = nnz;
  args.blockSize = static_cast<int>(b);
  args.scale = AttrsOf(kernel).scale;
  args.causal = AttrsOf(kernel).causal;
  args.rows = TableOf(in[5], in[6], in[7]);
  args.columns = TableOf(in[8], in[9], in[10]);
  args.scoresGradient = scoresGradient;
  args.dq = MutableFloats(dq);
  args.dk = MutableFloats(dk);
  args.dv = MutableFloats(dv);
  AttentionBackward(args);
  ReleaseOutputBuffer(scoresGradient, scratchBytes, nullptr);
}

}  // namespace

const OpSpec& AttentionOpSpec() {
  static const OpSpec spec = {
      kAttentionOpName, WithTable({"q: float", "k: float", "v: float", "key_mask: float"}),
      {"out: float", "probs: float"},
      {"block_size: int", "scale: float", "causal: bool = false", "use_key_mask: bool = false"},
      [](TF_OpKernelConstruction* ctx) {
        return CreateWith(ctx, kAttentionOpName, {"block_size", "scale", "causal", "use_key_mask"});
      },
      &ComputeAttention, &DeleteAttrs,
  };
  return spec;
}

const OpSpec& AttentionBackwardOpSpec() {
  static const OpSpec spec = {
      kAttentionBackwardOpName,
      {"q: float", "k: float", "v: float", "probs: float", "dy: float", "row_ptr: int32",
       "row_other: int32", "row_block: int32", "column_ptr: int32", "column_other: int32",
       "column_block: int32"},
      {"dq: float", "dk: float", "dv: float"},
      {"scale: float", "causal: bool = false"},
      [](TF_OpKernelConstruction* ctx) {
        return CreateWith(ctx, kAttentionBackwardOpName, {"scale", "causal"});
      },
      &ComputeAttentionBackward, &DeleteAttrs,
  };
  return spec;
}

}  // namespace tfjs_blocksparse
