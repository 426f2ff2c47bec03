// Block-sparse attention (attention_blocks.h), compiled once per instruction
// set: included after block_products_impl.h and lstm_step_impl.h, whose
// register tile, scratch buffers, thread pool and float32-accurate Exp it
// uses, by block_products_{avx2,portable}.cc.
//
// Every kernel is threaded over (slice, block row or column) tasks, so a
// single long sequence spreads over the cores as well as many heads do.
// The vectors run along the b columns of a block (sdd, the softmaxes) or the
// depth d of v (dsd, with a scalar tail when d is not a multiple of 8).
#ifndef BSP_ARCH
#error "define BSP_ARCH (the namespace) before including attention_impl.h"
#endif

#include <cmath>

#include "activations_impl.h"
#include "attention_blocks.h"

namespace tfjs_blocksparse {
namespace BSP_ARCH {
namespace {

// body(task) for every task: on the calling thread alone when the call
// touches few floats (handing it to the pool would cost more), else shared.
template <typename Body>
void ForEachTask(int64_t numTasks, int64_t floatsTouched, const Body& body) {
  if (IsSmall(floatsTouched)) {
    for (int64_t task = 0; task < numTasks; ++task) body(task);
    return;
  }
  ParallelFor(numTasks, body);
}

float MaxOfLanes(Vec v) {
  float result = v[0];
  for (int k = 1; k < kLanes; ++k) result = v[k] > result ? v[k] : result;
  return result;
}

float SumOfLanes(Vec v) {
  double result = 0;
  for (int k = 0; k < kLanes; ++k) result += v[k];
  return static_cast<float>(result);
}

// The b rows (of length depth) of one block of a sequence, transposed to
// the panel layout of BlockOfSums, [b / width][depth][width], so that a
// register tile reads a column of them as one contiguous run.
void PackBlockRows(const float* src, int b, int64_t depth, float* dst) {
  const int width = PanelWidth(b);
  for (int first = 0; first < b; first += width) {
    Transpose(src + first * depth, width, depth, dst + first * depth);
  }
}

// Room for the key panels of every slice of `args`: one buffer of the
// calling thread, which the SDD and both fused attention kernels reuse
// (each packs and reads it within one call).
float* KeyPanelScratch(const SDDArgs& args) {
  static thread_local std::vector<float> buffer;
  return Scratch(buffer, static_cast<size_t>(args.slices * args.seq * args.depth));
}

// The key blocks (rows of c) of slices [first, first + count) in the panel
// layout, at their place in `packed` (from KeyPanelScratch), packed once
// per call for all row tasks to share: packed in each row's task, a key
// block would be transposed again for every block row that uses it.
void PackKeyBlocks(const SDDArgs& args, int64_t first, int64_t count, float* packed) {
  const int b = args.blockSize;
  const int64_t depth = args.depth, blocksPerSlice = args.seq / b;
  ForEachTask(count * blocksPerSlice, 2 * count * args.seq * depth, [&](int64_t task) {
    const int64_t block = first * blocksPerSlice + task;
    PackBlockRows(args.c + block * b * depth, b, depth, packed + block * b * depth);
  });
}

// pass(first, count) over the slices in passes of as few slices as give
// at least kMinPassTasks tasks, so that a pass's operands (megabytes per
// slice at long sequences) stay in the last-level cache from its row tasks
// to its column tasks, where one pass over all slices would evict them.
constexpr int64_t kMinPassTasks = 64;

template <typename Pass>
void InSlicePasses(int64_t slices, int64_t tasksPerSlice, const Pass& pass) {
  const int64_t perTask = std::max<int64_t>(1, tasksPerSlice);
  const int64_t perPass = std::max<int64_t>(1, (kMinPassTasks + perTask - 1) / perTask);
  for (int64_t first = 0; first < slices; first += perPass) {
    pass(first, std::min(perPass, slices - first));
  }
}

// The kept blocks of block row r of one slice, from the key panels of
// PackKeyBlocks: the query block is packed once and serves every kept
// block of the row.
template <int MR, int NV>
void SDDBlockRow(const SDDArgs& args, const float* keyPanels, int64_t slice, int64_t r) {
  const int b = args.blockSize;
  const int64_t depth = args.depth;
  const int64_t blockFloats = static_cast<int64_t>(b) * b;
  const int32_t begin = args.rows.ptr[r], end = args.rows.ptr[r + 1];
  if (begin == end) return;
  static thread_local std::vector<float> packBuffer;
  float* aPacked = Scratch(packBuffer, static_cast<size_t>(b * depth));
  const int64_t sliceStart = slice * args.seq;
  PackBlockRows(args.a + (sliceStart + r * b) * depth, b, depth, aPacked);
  for (int32_t e = begin; e < end; ++e) {
    const float* keys = keyPanels + (sliceStart + args.rows.other[e] * b) * depth;
    float* out = args.out + (slice * args.nnzBlocks + args.rows.block[e]) * blockFloats;
    BlockOfSums<MR, NV>(aPacked, keys, b, depth, out, false);
  }
}

// SDDBlockRow with the sampled product's tiles: 8 rows of one vector for
// b = 8, else kTileRows (or fewer, at a block's bottom) rows of two.
void SDDBlockRowAnySize(const SDDArgs& args, const float* keyPanels, int64_t slice, int64_t r) {
  if (args.blockSize == 8) return SDDBlockRow<8, 1>(args, keyPanels, slice, r);
  SDDBlockRow<kTileRows, 2>(args, keyPanels, slice, r);
}

// P_v[i][k], or P_v^T[i][k] = P_v[k][i], of a b x b block.
template <bool Transposed>
inline float BlockEntry(const float* block, int b, int i, int k) {
  return Transposed ? block[k * b + i] : block[i * b + k];
}

// Rows [i0, i0 + MR) and columns [d0, d0 + NV * 8) of output block g:
// the sum over all of its group's entries stays in registers. With
// args.causal, P is zero above the diagonal of the diagonal block (that
// of entry `other` == g), so there only k <= i (P . v), or k >= i
// (P^T . v), is summed.
template <int MR, int NV, bool Transposed>
void DSDTile(const DSDArgs& args, const float* pSlice, const float* vSlice, int64_t g,
             int32_t begin, int32_t end, int i0, int64_t d0, float* out) {
  const int b = args.blockSize;
  const int64_t depth = args.depth, blockFloats = static_cast<int64_t>(b) * b;
  RegisterTile<MR, NV> tile;
  for (int32_t e = begin; e < end; ++e) {
    const float* block = pSlice + args.table.block[e] * blockFloats;
    int kBegin = 0, kEnd = b;
    if (args.causal && args.table.other[e] == g) {
      if (Transposed) {
        kBegin = i0;
      } else {
        kEnd = std::min(b, i0 + MR);
      }
    }
    const float* v = vSlice + (args.table.other[e] * b + kBegin) * depth + d0;
    for (int k = kBegin; k < kEnd; ++k, v += depth) {
      float broadcast[MR];
      for (int r = 0; r < MR; ++r) broadcast[r] = BlockEntry<Transposed>(block, b, i0 + r, k);
      tile.Add(broadcast, v);
    }
  }
  for (int r = 0; r < MR; ++r) {
    for (int c = 0; c < NV; ++c) Store(out + (i0 + r) * depth + d0 + c * kLanes, tile.acc[r][c]);
  }
}

// Columns [first, depth) of one output block, one float at a time: the
// tail when d is not a multiple of 8.
template <bool Transposed>
void DSDTail(const DSDArgs& args, const float* pSlice, const float* vSlice, int32_t begin,
             int32_t end, int64_t first, float* out) {
  const int b = args.blockSize;
  const int64_t depth = args.depth, blockFloats = static_cast<int64_t>(b) * b;
  for (int i = 0; i < b; ++i) {
    for (int64_t d = first; d < depth; ++d) out[i * depth + d] = 0.f;
  }
  for (int32_t e = begin; e < end; ++e) {
    const float* block = pSlice + args.table.block[e] * blockFloats;
    const float* v = vSlice + args.table.other[e] * b * depth;
    for (int i = 0; i < b; ++i) {
      for (int k = 0; k < b; ++k) {
        const float weight = BlockEntry<Transposed>(block, b, i, k);
        for (int64_t d = first; d < depth; ++d) out[i * depth + d] += weight * v[k * depth + d];
      }
    }
  }
}

// DSDTile of `height` rows: what TileHeight gives (kTileRows, or 8, 6 or
// 4 at a block's bottom).
template <int NV, bool Transposed>
void DSDTileOfHeight(int height, const DSDArgs& args, const float* pSlice, const float* vSlice,
                     int64_t g, int32_t begin, int32_t end, int i0, int64_t d0, float* out) {
  switch (height) {
    case 12: return DSDTile<12, NV, Transposed>(args, pSlice, vSlice, g, begin, end, i0, d0, out);
    case 8: return DSDTile<8, NV, Transposed>(args, pSlice, vSlice, g, begin, end, i0, d0, out);
    case 6: return DSDTile<6, NV, Transposed>(args, pSlice, vSlice, g, begin, end, i0, d0, out);
    default: return DSDTile<4, NV, Transposed>(args, pSlice, vSlice, g, begin, end, i0, d0, out);
  }
}

// Output block g of one slice (group g of the table); a group without
// entries writes zeros.
template <bool Transposed>
void DSDGroup(const DSDArgs& args, int64_t slice, int64_t g) {
  constexpr int MR = kTileRows;
  const int b = args.blockSize;
  const int64_t depth = args.depth;
  const int64_t blockFloats = static_cast<int64_t>(b) * b;
  const int32_t begin = args.table.ptr[g], end = args.table.ptr[g + 1];
  const float* pSlice = args.p + slice * args.nnzBlocks * blockFloats;
  const float* vSlice = args.v + slice * args.seq * depth;
  float* out = args.out + (slice * args.seq + g * b) * depth;
  // Tiles of kTileRows rows: 12 with AVX-512's 32 registers (24 sums, so
  // each load of v serves more rows), else 6 (12 sums); at a block's
  // bottom what TileHeight leaves (8, 6 or 4 rows): b is a multiple of 8.
  auto rowsOf = [&](auto tileOf) {
    for (int i0 = 0, height; i0 < b; i0 += height) {
      height = TileHeight(MR, b, i0);
      tileOf(i0, height);
    }
  };
  int64_t d0 = 0;
  for (; d0 + 2 * kLanes <= depth; d0 += 2 * kLanes) {
    rowsOf([&](int i0, int height) {
      DSDTileOfHeight<2, Transposed>(height, args, pSlice, vSlice, g, begin, end, i0, d0, out);
    });
  }
  for (; d0 + kLanes <= depth; d0 += kLanes) {
    rowsOf([&](int i0, int height) {
      DSDTileOfHeight<1, Transposed>(height, args, pSlice, vSlice, g, begin, end, i0, d0, out);
    });
  }
  if (d0 < depth) DSDTail<Transposed>(args, pSlice, vSlice, begin, end, d0, out);
}

// One task per (slice, output block).
template <bool Transposed>
void DSDWith(const DSDArgs& args) {
  const int64_t numGroups = args.table.numGroups;
  const int64_t blockFloats = static_cast<int64_t>(args.blockSize) * args.blockSize;
  const int64_t touched = args.slices * (2 * args.seq * args.depth + args.nnzBlocks * blockFloats);
  ForEachTask(args.slices * numGroups, touched, [&](int64_t task) {
    DSDGroup<Transposed>(args, task / numGroups, task % numGroups);
  });
}

// The softmax of the b rows of block row r in one slice.
void SoftmaxBlockRow(const SoftmaxArgs& args, int64_t slice, int64_t r) {
  const int b = args.blockSize;
  const int64_t blockFloats = static_cast<int64_t>(b) * b;
  const int64_t seq = args.rows.numGroups * b;
  const int32_t begin = args.rows.ptr[r], end = args.rows.ptr[r + 1];
  const float* scores = args.scores + slice * args.nnzBlocks * blockFloats;
  float* out = args.out + slice * args.nnzBlocks * blockFloats;
  const float* keyMask =
      args.keyMask == nullptr ? nullptr : args.keyMask + (slice / args.heads) * seq;
  // The row's logits, masked ones -inf, kept between the passes so the
  // masks are applied once.
  static thread_local std::vector<float> logitBuffer;
  float* logits = Scratch(logitBuffer, static_cast<size_t>((end - begin) * b));
  const Vec minusInfinity = Splat(-INFINITY);
  const IntVec lane = {0, 1, 2, 3, 4, 5, 6, 7};
  for (int i = 0; i < b; ++i) {
    Vec maxOfRow = minusInfinity;
    float* logit = logits;
    for (int32_t e = begin; e < end; ++e) {
      const int32_t column = args.rows.other[e];
      const float* row = scores + (args.rows.block[e] * b + i) * b;
      const bool diagonal = args.causal && column == r;
      const float* mask = keyMask == nullptr ? nullptr : keyMask + column * b;
      for (int j0 = 0; j0 < b; j0 += kLanes, logit += kLanes) {
        Vec x = Load(row + j0) * args.scale;
        if (diagonal) x = lane + j0 <= i ? x : minusInfinity;
        if (mask != nullptr) x = Load(mask + j0) != 0.f ? x : minusInfinity;
        Store(logit, x);
        maxOfRow = x > maxOfRow ? x : maxOfRow;
      }
    }
    const float rowMax = MaxOfLanes(maxOfRow);
    if (rowMax == -INFINITY) {  // every key masked: the row is zeros
      for (int32_t e = begin; e < end; ++e) {
        std::memset(out + (args.rows.block[e] * b + i) * b, 0, sizeof(float) * b);
      }
      continue;
    }
    Vec sum = Vec{};
    logit = logits;
    for (int32_t e = begin; e < end; ++e) {
      float* to = out + (args.rows.block[e] * b + i) * b;
      for (int j0 = 0; j0 < b; j0 += kLanes, logit += kLanes) {
        const Vec x = Load(logit);
        // Exp clamps its input at -87, so masked entries are zeroed here.
        const Vec value = x == minusInfinity ? Vec{} : Exp(x - rowMax);
        Store(to + j0, value);
        sum += value;
      }
    }
    const float inverse = 1.f / SumOfLanes(sum);
    for (int32_t e = begin; e < end; ++e) {
      float* to = out + (args.rows.block[e] * b + i) * b;
      for (int j0 = 0; j0 < b; j0 += kLanes) Store(to + j0, Load(to + j0) * inverse);
    }
  }
}

// The softmax's backward for the b rows of block row r in one slice.
void SoftmaxBackwardBlockRow(const SoftmaxBackwardArgs& args, int64_t slice, int64_t r) {
  const int b = args.blockSize;
  const int64_t blockFloats = static_cast<int64_t>(b) * b;
  const int64_t sliceStart = slice * args.nnzBlocks * blockFloats;
  const float* p = args.p + sliceStart;
  const float* dp = args.dp + sliceStart;
  float* out = args.out + sliceStart;
  const int32_t begin = args.rows.ptr[r], end = args.rows.ptr[r + 1];
  for (int i = 0; i < b; ++i) {
    Vec weighted = Vec{};
    for (int32_t e = begin; e < end; ++e) {
      const int64_t at = (args.rows.block[e] * b + i) * b;
      for (int j0 = 0; j0 < b; j0 += kLanes) weighted += Load(dp + at + j0) * Load(p + at + j0);
    }
    const float rowSum = SumOfLanes(weighted);
    for (int32_t e = begin; e < end; ++e) {
      const int64_t at = (args.rows.block[e] * b + i) * b;
      for (int j0 = 0; j0 < b; j0 += kLanes) {
        Store(out + at + j0, Load(p + at + j0) * args.scale * (Load(dp + at + j0) - rowSum));
      }
    }
  }
}

}  // namespace

void SDD(const SDDArgs& args) {
  if (args.slices == 0 || args.nnzBlocks == 0) return;
  const int64_t numRows = args.rows.numGroups;
  const int64_t blockFloats = static_cast<int64_t>(args.blockSize) * args.blockSize;
  const int64_t touched = args.slices * (2 * args.seq * args.depth + args.nnzBlocks * blockFloats);
  float* keyPanels = KeyPanelScratch(args);
  PackKeyBlocks(args, 0, args.slices, keyPanels);
  ForEachTask(args.slices * numRows, touched, [&](int64_t task) {
    SDDBlockRowAnySize(args, keyPanels, task / numRows, task % numRows);
  });
}

void DSD(const DSDArgs& args) {
  if (args.slices == 0 || args.seq == 0 || args.depth == 0) return;
  if (args.transposeP) {
    DSDWith<true>(args);
  } else {
    DSDWith<false>(args);
  }
}

void Softmax(const SoftmaxArgs& args) {
  const int64_t slices = args.batch * args.heads, numRows = args.rows.numGroups;
  const int64_t floats = slices * args.nnzBlocks * args.blockSize * args.blockSize;
  if (floats == 0) return;
  ForEachTask(slices * numRows, 2 * floats, [&](int64_t task) {
    SoftmaxBlockRow(args, task / numRows, task % numRows);
  });
}

void SoftmaxBackward(const SoftmaxBackwardArgs& args) {
  const int64_t numRows = args.rows.numGroups;
  const int64_t floats = args.slices * args.nnzBlocks * args.blockSize * args.blockSize;
  if (floats == 0) return;
  ForEachTask(args.slices * numRows, 3 * floats, [&](int64_t task) {
    SoftmaxBackwardBlockRow(args, task / numRows, task % numRows);
  });
}

}  // namespace BSP_ARCH
}  // namespace tfjs_blocksparse
