#include "attention_ops.h"

#include <cstdint>
#include <string>
#include <vector>

#include "attention_blocks.h"
#include "kernel_call.h"
#include "output_buffers.h"
#include "tensorflow/c/kernels.h"
#include "tensorflow/c/tf_status.h"

namespace tfjs_blocksparse {
namespace {

// The attrs of one attention kernel, read when TensorFlow constructs it.
struct AttentionAttrs {
  int32_t blockSize = 0;
  float scale = 1.f;
  bool causal = false;
  bool useKeyMask = false;
  bool transposeP = false;
};

// Reads the attrs `names` lists ("block_size", "scale", "causal",
// "use_key_mask", "transpose_p"); fails the construction on a missing or
// invalid one.
void* CreateWith(TF_OpKernelConstruction* ctx, const char* opName,
                 const std::vector<const char*>& names) {
  auto* attrs = new AttentionAttrs;
  TF_Status* status = TF_NewStatus();
  for (const std::string name : names) {
    TF_Bool flag = 0;
    if (name == "block_size") {
      TF_OpKernelConstruction_GetAttrInt32(ctx, "block_size", &attrs->blockSize, status);
      if (TF_GetCode(status) == TF_OK && !IsSupportedBlockSize(attrs->blockSize)) {
        const std::string text = std::string(opName) +
                                 ": attr 'block_size' must be one of 8, 16, 32, 64, but got " +
                                 std::to_string(attrs->blockSize);
        TF_SetStatus(status, TF_INVALID_ARGUMENT, text.c_str());
      }
    } else if (name == "scale") {
      TF_OpKernelConstruction_GetAttrFloat(ctx, "scale", &attrs->scale, status);
    } else {
      TF_OpKernelConstruction_GetAttrBool(ctx, name.c_str(), &flag, status);
      bool& value = name == "causal"         ? attrs->causal
                    : name == "use_key_mask" ? attrs->useKeyMask
                                             : attrs->transposeP;
      value = flag != 0;
    }
    if (TF_GetCode(status) != TF_OK) break;
  }
  if (TF_GetCode(status) != TF_OK) TF_OpKernelConstruction_Failure(ctx, status);
  TF_DeleteStatus(status);
  return attrs;
}

void DeleteAttrs(void* kernel) { delete static_cast<AttentionAttrs*>(kernel); }

const AttentionAttrs& AttrsOf(void* kernel) { return *static_cast<AttentionAttrs*>(kernel); }

GroupTable TableOf(const TF_Tensor* ptr, const TF_Tensor* other, const TF_Tensor* block) {
  return GroupTable{Ints(ptr), Ints(other), Ints(block), TF_Dim(ptr, 0) - 1};
}

bool CheckSameShape(KernelCall& call, const TF_Tensor* first, const char* firstName,
                    const TF_Tensor* second, const char* secondName) {
  bool same = TF_NumDims(first) == TF_NumDims(second);
  for (int i = 0; same && i < TF_NumDims(first); ++i) same = TF_Dim(first, i) == TF_Dim(second, i);
  if (same) return true;
  return call.Fail("inputs '", firstName, "' and '", secondName,
                   "' must have the same shape, but got ", ShapeOf(first), " and ",
                   ShapeOf(second));
}

// Block-sparse operand `name`: rank `rank`, its last three dims
// [nnz, b, b] with b in {8, 16, 32, 64}.
bool CheckBlockOperand(KernelCall& call, const TF_Tensor* t, const char* name, int rank,
                       const char* shape) {
  if (!CheckRank(call, t, name, rank)) return false;
  const int64_t b = TF_Dim(t, rank - 1);
  if (IsSupportedBlockSize(b) && TF_Dim(t, rank - 2) == b) return true;
  return call.Fail("input '", name, "' must have shape ", shape,
                   " with b in {8, 16, 32, 64}, but got ", ShapeOf(t));
}

// A sequence operand [B, S, d] whose S is a multiple of b.
bool CheckSequenceOperand(KernelCall& call, const TF_Tensor* t, const char* name, int64_t b) {
  if (!CheckRank(call, t, name, 3)) return false;
  if (TF_Dim(t, 1) % b == 0) return true;
  return call.Fail("input '", name, "' must have shape [batch, S, d] with S a multiple of the ",
                   "block size ", b, ", but got ", ShapeOf(t));
}

// The table's entries name each of the nnz kept blocks exactly once, so
// every block of the result is written, and written once.
bool CheckEachBlockOnce(KernelCall& call, const TF_Tensor* block, int64_t nnzBlocks) {
  if (TF_Dim(block, 0) != nnzBlocks) {
    return call.Fail("input 'block' must name each of the ", nnzBlocks,
                     " kept blocks once, but got shape ", ShapeOf(block));
  }
  std::vector<char> seen(static_cast<size_t>(nnzBlocks), 0);
  const int32_t* v = Ints(block);
  for (int64_t e = 0; e < nnzBlocks; ++e) {
    if (seen[v[e]]) {
      return call.Fail("input 'block' must name each kept block once, but block ", v[e],
                       " appears again at 'block'[", e, "]");
    }
    seen[v[e]] = 1;
  }
  return true;
}

// A square layout's table of `numGroups` groups (block rows, or block
// columns when `byColumn`) over nnz kept blocks: every entry in range and
// every block named once.
bool CheckLayoutTable(KernelCall& call, const TF_Tensor* ptr, const TF_Tensor* other,
                      const TF_Tensor* block, int64_t numGroups, int64_t nnzBlocks,
                      bool byColumn = false) {
  return CheckGroupTable(call, ptr, other, block, numGroups,
                         byColumn ? "block column of the layout" : "block row of the layout",
                         numGroups,
                         byColumn ? "block row of the layout" : "block column of the layout",
                         nnzBlocks, "kept block of the layout") &&
         CheckEachBlockOnce(call, block, nnzBlocks);
}

// The number of block rows of the softmaxes' table, read from ptr (their
// inputs have no sequence dim), or -1 after reporting a bad ptr.
int64_t BlockRowsOf(KernelCall& call, const TF_Tensor* ptr) {
  if (!CheckRank(call, ptr, "ptr", 1)) return -1;
  if (TF_Dim(ptr, 0) >= 1) return TF_Dim(ptr, 0) - 1;
  call.Fail("input 'ptr' must hold at least one offset, but got shape ", ShapeOf(ptr));
  return -1;
}

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

// An attention operand [batch, heads, S, depth] with S = blockRows * b and
// the batch and heads of `like` (when given).
bool CheckHeadsOperand(KernelCall& call, const TF_Tensor* t, const char* name, int64_t b,
                       const TF_Tensor* like = nullptr, const char* likeName = nullptr) {
  if (!CheckRank(call, t, name, 4)) return false;
  if (TF_Dim(t, 2) % b != 0) {
    return call.Fail("input '", name, "' must have shape [batch, heads, S, d] with S a multiple ",
                     "of the block size ", b, ", but got ", ShapeOf(t));
  }
  if (like == nullptr) return true;
  for (int i = 0; i < 3; ++i) {
    if (TF_Dim(t, i) != TF_Dim(like, i)) {
      return call.Fail("input '", name, "' must have the batch, heads and S of '", likeName,
                       "' ", ShapeOf(like), ", but got ", ShapeOf(t));
    }
  }
  return true;
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
  TF_Tensor* dq = call.Output(0, {TF_Dim(q, 0), TF_Dim(q, 1), TF_Dim(q, 2), TF_Dim(q, 3)});
  TF_Tensor* dk = dq == nullptr ? nullptr : call.Output(1, {TF_Dim(q, 0), TF_Dim(q, 1), TF_Dim(q, 2), TF_Dim(q, 3)});
  TF_Tensor* dv = dk == nullptr ? nullptr : call.Output(2, {TF_Dim(v, 0), TF_Dim(v, 1), TF_Dim(v, 2), TF_Dim(v, 3)});
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

constexpr const char* kTableInputs[] = {"ptr: int32", "other: int32", "block: int32"};

std::vector<const char*> WithTable(std::vector<const char*> inputs) {
  inputs.insert(inputs.end(), std::begin(kTableInputs), std::end(kTableInputs));
  return inputs;
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
