#include "attention_ops.h"

#include <cstdint>
#include <vector>

#include "attention_blocks.h"
#include "attention_op_checks.h"
#include "kernel_call.h"
#include "tf_c_api.h"

namespace tfjs_blocksparse {
namespace {

void ComputeSDD(void* kernel, TF_OpKernelContext* ctx) {
  KernelCall call(ctx, kSDDOpName);
  TF_Tensor* in[5];
  if (!call.Inputs(5, in)) return;
  TF_Tensor *a = in[0], *c = in[1], *ptr = in[2], *other = in[3], *block = in[4];
  const int64_t b = AttrsOf(kernel).blockSize;
  if (!CheckSequenceOperand(call, a, "a", b) || !CheckSameShape(call, a, "a", c, "b") ||
      !CheckRank(call, block, "block", 1)) {
    return;
  }
  const int64_t slices = TF_Dim(a, 0), seq = TF_Dim(a, 1), nnz = TF_Dim(block, 0);
  if (!CheckLayoutTable(call, ptr, other, block, seq / b, nnz)) return;
  TF_Tensor* out = call.Output(0, {slices, nnz, b, b});
  if (out == nullptr) return;
  SDDArgs args;
  args.a = Floats(a);
  args.c = Floats(c);
  args.slices = slices;
  args.seq = seq;
  args.depth = TF_Dim(a, 2);
  args.blockSize = static_cast<int>(b);
  args.rows = TableOf(ptr, other, block);
  args.nnzBlocks = nnz;
  args.out = MutableFloats(out);
  SDD(args);
}

void ComputeSoftmax(void* kernel, TF_OpKernelContext* ctx) {
  KernelCall call(ctx, kSoftmaxOpName);
  TF_Tensor* in[5];
  if (!call.Inputs(5, in)) return;
  TF_Tensor *scores = in[0], *keyMask = in[1], *ptr = in[2], *other = in[3], *block = in[4];
  const AttentionAttrs& attrs = AttrsOf(kernel);
  if (!CheckBlockOperand(call, scores, "scores", 5, "[batch, heads, nnz, b, b]")) return;
  const int64_t batch = TF_Dim(scores, 0), heads = TF_Dim(scores, 1), nnz = TF_Dim(scores, 2);
  const int64_t b = TF_Dim(scores, 3);
  const int64_t blockRows = BlockRowsOf(call, ptr);
  if (blockRows < 0 || !CheckLayoutTable(call, ptr, other, block, blockRows, nnz)) return;
  if (attrs.useKeyMask) {
    if (!CheckRank(call, keyMask, "key_mask", 2)) return;
    if (TF_Dim(keyMask, 0) != batch || TF_Dim(keyMask, 1) != blockRows * b) {
      call.Fail("input 'key_mask' must have shape [", batch, ",", blockRows * b,
                "] ([batch, S] for scores ", ShapeOf(scores), " and ", blockRows,
                " block rows), but got ", ShapeOf(keyMask));
      return;
    }
  }
  TF_Tensor* out = call.Output(0, {batch, heads, nnz, b, b});
  if (out == nullptr) return;
  SoftmaxArgs args;
  args.scores = Floats(scores);
  args.keyMask = attrs.useKeyMask ? Floats(keyMask) : nullptr;
  args.batch = batch;
  args.heads = heads;
  args.nnzBlocks = nnz;
  args.blockSize = static_cast<int>(b);
  args.scale = attrs.scale;
  args.causal = attrs.causal;
  args.rows = TableOf(ptr, other, block);
  args.out = MutableFloats(out);
  Softmax(args);
}

void ComputeSoftmaxBackward(void* kernel, TF_OpKernelContext* ctx) {
  KernelCall call(ctx, kSoftmaxBackwardOpName);
  TF_Tensor* in[5];
  if (!call.Inputs(5, in)) return;
  TF_Tensor *p = in[0], *dp = in[1], *ptr = in[2], *other = in[3], *block = in[4];
  if (!CheckBlockOperand(call, p, "p", 5, "[batch, heads, nnz, b, b]") ||
      !CheckSameShape(call, p, "p", dp, "dp")) {
    return;
  }
  const int64_t nnz = TF_Dim(p, 2), b = TF_Dim(p, 3);
  const int64_t blockRows = BlockRowsOf(call, ptr);
  if (blockRows < 0 || !CheckLayoutTable(call, ptr, other, block, blockRows, nnz)) return;
  TF_Tensor* out = call.Output(0, {TF_Dim(p, 0), TF_Dim(p, 1), nnz, b, b});
  if (out == nullptr) return;
  SoftmaxBackwardArgs args;
  args.p = Floats(p);
  args.dp = Floats(dp);
  args.slices = TF_Dim(p, 0) * TF_Dim(p, 1);
  args.nnzBlocks = nnz;
  args.blockSize = static_cast<int>(b);
  args.scale = AttrsOf(kernel).scale;
  args.rows = TableOf(ptr, other, block);
  args.out = MutableFloats(out);
  SoftmaxBackward(args);
}

void ComputeDSD(void* kernel, TF_OpKernelContext* ctx) {
  KernelCall call(ctx, kDSDOpName);
  TF_Tensor* in[5];
  if (!call.Inputs(5, in)) return;
  TF_Tensor *p = in[0], *v = in[1], *ptr = in[2], *other = in[3], *block = in[4];
  const bool transposeP = AttrsOf(kernel).transposeP;
  if (!CheckBlockOperand(call, p, "p", 4, "[batch, nnz, b, b]")) return;
  const int64_t nnz = TF_Dim(p, 1), b = TF_Dim(p, 2);
  if (!CheckSequenceOperand(call, v, "v", b)) return;
  if (TF_Dim(v, 0) != TF_Dim(p, 0)) {
    call.Fail("inputs 'p' and 'v' must have the same batch (dim 0), but got shapes ",
              ShapeOf(p), " and ", ShapeOf(v));
    return;
  }
  const int64_t slices = TF_Dim(v, 0), seq = TF_Dim(v, 1), depth = TF_Dim(v, 2);
  if (!CheckLayoutTable(call, ptr, other, block, seq / b, nnz, transposeP)) return;
  TF_Tensor* out = call.Output(0, {slices, seq, depth});
  if (out == nullptr) return;
  DSDArgs args;
  args.p = Floats(p);
  args.v = Floats(v);
  args.slices = slices;
  args.seq = seq;
  args.depth = depth;
  args.nnzBlocks = nnz;
  args.blockSize = static_cast<int>(b);
  args.transposeP = transposeP;
  args.table = TableOf(ptr, other, block);
  args.out = MutableFloats(out);
  DSD(args);
}

}  // namespace

const OpSpec& SDDOpSpec() {
  static const OpSpec spec = {
      kSDDOpName, WithTable({"a: float", "b: float"}), {"out: float"}, {"block_size: int"},
      [](TF_OpKernelConstruction* ctx) { return CreateWith(ctx, kSDDOpName, {"block_size"}); },
      &ComputeSDD, &DeleteAttrs,
  };
  return spec;
}

const OpSpec& SoftmaxOpSpec() {
  static const OpSpec spec = {
      kSoftmaxOpName, WithTable({"scores: float", "key_mask: float"}), {"out: float"},
      {"scale: float", "causal: bool = false", "use_key_mask: bool = false"},
      [](TF_OpKernelConstruction* ctx) {
        return CreateWith(ctx, kSoftmaxOpName, {"scale", "causal", "use_key_mask"});
      },
      &ComputeSoftmax, &DeleteAttrs,
  };
  return spec;
}

const OpSpec& SoftmaxBackwardOpSpec() {
  static const OpSpec spec = {
      kSoftmaxBackwardOpName, WithTable({"p: float", "dp: float"}), {"out: float"},
      {"scale: float"},
      [](TF_OpKernelConstruction* ctx) {
        return CreateWith(ctx, kSoftmaxBackwardOpName, {"scale"});
      },
      &ComputeSoftmaxBackward, &DeleteAttrs,
  };
  return spec;
}

const OpSpec& DSDOpSpec() {
  static const OpSpec spec = {
      kDSDOpName, WithTable({"p: float", "v: float"}), {"out: float"},
      {"transpose_p: bool = false"},
      [](TF_OpKernelConstruction* ctx) { return CreateWith(ctx, kDSDOpName, {"transpose_p"}); },
      &ComputeDSD, &DeleteAttrs,
  };
  return spec;
}

}  // namespace tfjs_blocksparse
