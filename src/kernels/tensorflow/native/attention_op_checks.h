// What the attention ops (attention_ops.cc, fused_attention_ops.cc) share:
// their attrs, read once when TensorFlow constructs a kernel, and the checks
// of their operands and layout tables, each reporting a TensorFlow error
// that names the input (kernel_call.h) rather than touching bad memory.
#ifndef TFJS_BLOCKSPARSE_ATTENTION_OP_CHECKS_H_
#define TFJS_BLOCKSPARSE_ATTENTION_OP_CHECKS_H_

#include <cstdint>
#include <vector>

#include "block_products.h"
#include "kernel_call.h"
#include "tf_c_api.h"

namespace tfjs_blocksparse {

// The attrs of one attention kernel, read when TensorFlow constructs it.
struct AttentionAttrs {
  int32_t blockSize = 0;
  float scale = 1.f;
  bool causal = false;
  bool useKeyMask = false;
  bool transposeP = false;
};

// Reads the attrs `names` lists ("block_size", "scale", "causal",
// "use_key_mask", "transpose_p") into a new AttentionAttrs; fails the
// construction on a missing or invalid one.
void* CreateWith(TF_OpKernelConstruction* ctx, const char* opName,
                 const std::vector<const char*>& names);
void DeleteAttrs(void* kernel);
const AttentionAttrs& AttrsOf(void* kernel);

GroupTable TableOf(const TF_Tensor* ptr, const TF_Tensor* other, const TF_Tensor* block);

bool CheckSameShape(KernelCall& call, const TF_Tensor* first, const char* firstName,
                    const TF_Tensor* second, const char* secondName);

// Block-sparse operand `name`: rank `rank`, its last three dims
// [nnz, b, b] with b in {8, 16, 32, 64}.
bool CheckBlockOperand(KernelCall& call, const TF_Tensor* t, const char* name, int rank,
                       const char* shape);

// A sequence operand [B, S, d] whose S is a multiple of b.
bool CheckSequenceOperand(KernelCall& call, const TF_Tensor* t, const char* name, int64_t b);

// An operand [batch, heads, S, depth] with S a multiple of b and, when
// `like` is given, the batch, heads and S of `like`.
bool CheckHeadsOperand(KernelCall& call, const TF_Tensor* t, const char* name, int64_t b,
                       const TF_Tensor* like = nullptr, const char* likeName = nullptr);

// A square layout's table of `numGroups` groups (block rows, or block
// columns when `byColumn`) over nnz kept blocks: every entry in range and
// every block named once.
bool CheckLayoutTable(KernelCall& call, const TF_Tensor* ptr, const TF_Tensor* other,
                      const TF_Tensor* block, int64_t numGroups, int64_t nnzBlocks,
                      bool byColumn = false);

// The number of block rows of a table, read from ptr (for inputs with no
// sequence dim), or -1 after reporting a bad ptr.
int64_t BlockRowsOf(KernelCall& call, const TF_Tensor* ptr);

// `inputs` followed by a layout table's three int32 inputs (ptr, other, block).
std::vector<const char*> WithTable(std::vector<const char*> inputs);

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_ATTENTION_OP_CHECKS_H_
