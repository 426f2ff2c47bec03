// Attention fused per block row (attention_blocks.h: Attention and
// AttentionBackward), compiled once per instruction set: included after
// attention_impl.h, whose per-row pieces it runs one after another while a
// block row's blocks are in cache, by block_products_{avx512,avx2,portable}.cc.
#ifndef BSP_ARCH
#error "define BSP_ARCH (the namespace) before including fused_attention_impl.h"
#endif

#include "attention_blocks.h"

namespace tfjs_blocksparse {
namespace BSP_ARCH {
namespace {

// The primitives' arguments for the parts of one fused attention call.
SDDArgs ScoresArgs(const float* a, const float* c, int64_t slices, int64_t seq, int64_t depth,
                   int blockSize, const GroupTable& rows, int64_t nnzBlocks, float* out) {
  SDDArgs args;
  args.a = a;
  args.c = c;
  args.slices = slices;
  args.seq = seq;
  args.depth = depth;
  args.blockSize = blockSize;
  args.rows = rows;
  args.nnzBlocks = nnzBlocks;
  args.out = out;
  return args;
}

DSDArgs ProductArgs(const float* p, const float* v, int64_t slices, int64_t seq, int64_t depth,
                    int64_t nnzBlocks, int blockSize, bool transposeP, bool causal,
                    const GroupTable& table, float* out) {
  DSDArgs args;
  args.p = p;
  args.v = v;
  args.slices = slices;
  args.seq = seq;
  args.depth = depth;
  args.nnzBlocks = nnzBlocks;
  args.blockSize = blockSize;
  args.transposeP = transposeP;
  args.causal = causal;
  args.table = table;
  args.out = out;
  return args;
}

}  // namespace

// One task per (slice, block row) does the row's whole forward while its
// blocks are in cache: scores q . k^T written where the probabilities go,
// their masked softmax in place, then the row's probs . v.
void Attention(const AttentionArgs& args) {
  const int64_t slices = args.batch * args.heads, numRows = args.rows.numGroups;
  if (slices == 0) return;
  const int b = args.blockSize;
  const SDDArgs scores = ScoresArgs(args.q, args.k, slices, args.seq, args.depth, b, args.rows,
                                    args.nnzBlocks, args.probs);
  SoftmaxArgs softmax;
  softmax.scores = args.probs;
  softmax.keyMask = args.keyMask;
  softmax.batch = args.batch;
  softmax.heads = args.heads;
  softmax.nnzBlocks = args.nnzBlocks;
  softmax.blockSize = b;
  softmax.scale = args.scale;
  softmax.causal = args.causal;
  softmax.rows = args.rows;
  softmax.out = args.probs;
  const DSDArgs product = ProductArgs(args.probs, args.v, slices, args.seq, args.valueDepth,
                                      args.nnzBlocks, b, false, args.causal, args.rows, args.out);
  const int64_t touchedPerSlice =
      (2 * args.depth + 2 * args.valueDepth) * args.seq + args.nnzBlocks * b * b;
  float* keyPanels = KeyPanelScratch(scores);
  InSlicePasses(slices, numRows, [&](int64_t first, int64_t count) {
    PackKeyBlocks(scores, first, count, keyPanels);
    ForEachTask(count * numRows, count * touchedPerSlice, [&](int64_t task) {
      const int64_t slice = first + task / numRows, r = task % numRows;
      SDDBlockRowAnySize(scores, keyPanels, slice, r);
      SoftmaxBlockRow(softmax, slice, r);
      DSDGroup<false>(product, slice, r);
    });
  });
}

// Two passes. One task per (slice, block row): dP = dy . v^T on the row's
// kept blocks, the softmax's backward turning it into dScores in place,
// and the row's dq = dScores . k. Then one per (slice, block column), once
// every row's dScores exists: dk = dScores^T . q and dv = P^T . dy.
void AttentionBackward(const AttentionBackwardArgs& args) {
  const int64_t slices = args.slices, numRows = args.rows.numGroups;
  if (slices == 0) return;
  const int b = args.blockSize;
  const SDDArgs scoresGradient =
      ScoresArgs(args.dy, args.v, slices, args.seq, args.valueDepth, b, args.rows,
                 args.nnzBlocks, args.scoresGradient);
  SoftmaxBackwardArgs softmax;
  softmax.p = args.probs;
  softmax.dp = args.scoresGradient;
  softmax.slices = slices;
  softmax.nnzBlocks = args.nnzBlocks;
  softmax.blockSize = b;
  softmax.scale = args.scale;
  softmax.rows = args.rows;
  softmax.out = args.scoresGradient;
  const DSDArgs dq = ProductArgs(args.scoresGradient, args.k, slices, args.seq, args.depth,
                                 args.nnzBlocks, b, false, args.causal, args.rows, args.dq);
  const DSDArgs dk = ProductArgs(args.scoresGradient, args.q, slices, args.seq, args.depth,
                                 args.nnzBlocks, b, true, args.causal, args.columns, args.dk);
  const DSDArgs dv = ProductArgs(args.probs, args.dy, slices, args.seq, args.valueDepth,
                                 args.nnzBlocks, b, true, args.causal, args.columns, args.dv);
  const int64_t touchedPerSlice =
      (2 * args.depth + 2 * args.valueDepth) * args.seq + 2 * args.nnzBlocks * b * b;
  float* valuePanels = KeyPanelScratch(scoresGradient);
  const int64_t numColumns = args.columns.numGroups;
  InSlicePasses(slices, numRows, [&](int64_t first, int64_t count) {
    PackKeyBlocks(scoresGradient, first, count, valuePanels);
    ForEachTask(count * numRows, count * touchedPerSlice, [&](int64_t task) {
      const int64_t slice = first + task / numRows, r = task % numRows;
      SDDBlockRowAnySize(scoresGradient, valuePanels, slice, r);
      SoftmaxBackwardBlockRow(softmax, slice, r);
      DSDGroup<false>(dq, slice, r);
    });
    ForEachTask(count * numColumns, count * touchedPerSlice, [&](int64_t task) {
      const int64_t slice = first + task / numColumns, c = task % numColumns;
      DSDGroup<true>(dk, slice, c);
      DSDGroup<true>(dv, slice, c);
    });
  });
}

}  // namespace BSP_ARCH
}  // namespace tfjs_blocksparse
