#include "attention_op_checks.h"

#include <string>
#include <vector>

#include "tf_c_api.h"

namespace tfjs_blocksparse {
namespace {

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

}  // namespace

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

// A square layout's table of `numGroups` groups (block rows, or block
// columns when `byColumn`) over nnz kept blocks: every entry in range and
// every block named once.
bool CheckLayoutTable(KernelCall& call, const TF_Tensor* ptr, const TF_Tensor* other,
                      const TF_Tensor* block, int64_t numGroups, int64_t nnzBlocks,
                      bool byColumn) {
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

// An attention operand [batch, heads, S, depth] with S = blockRows * b and
// the batch and heads of `like` (when given).
bool CheckHeadsOperand(KernelCall& call, const TF_Tensor* t, const char* name, int64_t b,
                       const TF_Tensor* like, const char* likeName) {
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

namespace {

constexpr const char* kTableInputs[] = {"ptr: int32", "other: int32", "block: int32"};

}  // namespace

std::vector<const char*> WithTable(std::vector<const char*> inputs) {
  inputs.insert(inputs.end(), std::begin(kTableInputs), std::end(kTableInputs));
  return inputs;
}


}  // namespace tfjs_blocksparse
