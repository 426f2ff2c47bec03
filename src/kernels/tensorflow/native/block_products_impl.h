// The block-sparse products, written once and compiled once per instruction
// set: block_products_avx2.cc (with -mavx2 -mfma) and
// block_products_portable.cc (the compiler's baseline) include this file
// with BSP_ARCH naming the namespace. GCC vector types give 8-float
// registers: one ymm register with AVX2, two SSE (or NEON) registers
// otherwise, from the same source.
//
// Both products run one register-blocked micro-kernel: an MR x (NV * 8)
// tile of the result is held in registers while it sums over depth, as in
// BLIS/GotoBLAS. For x . W the depth runs over all nonzero blocks of one
// output block column, so the tile is written once per column however many
// blocks feed it.
#ifndef BSP_ARCH
#error "define BSP_ARCH (the namespace) before including block_products_impl.h"
#endif

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>

#ifdef __AVX__
#include <immintrin.h>
#endif

#include "block_products.h"
#include "thread_pool.h"

namespace tfjs_blocksparse {
namespace BSP_ARCH {
namespace {

// Unaligned, alias-safe 8-float vector.
typedef float Vec __attribute__((vector_size(32), aligned(4), may_alias));
constexpr int kLanes = 8;

inline Vec Load(const float* p) { return *reinterpret_cast<const Vec*>(p); }
inline void Store(float* p, Vec v) { *reinterpret_cast<Vec*>(p) = v; }

// Stores that bypass the cache, for results too big to stay there: a plain
// store first reads the line it writes, doubling the memory traffic of a
// result that ends up in memory anyway. p must be 32-byte aligned, and
// StreamFence() must follow before another thread reads.
#ifdef __AVX__
constexpr bool kCanStream = true;
inline void StoreStreaming(float* p, Vec v) { _mm256_stream_ps(p, (__m256)v); }
inline void StreamFence() { _mm_sfence(); }
#else
constexpr bool kCanStream = false;
inline void StoreStreaming(float* p, Vec v) { Store(p, v); }
inline void StreamFence() {}
#endif

// Rows of the register tiles that are two vectors (16 floats) wide: 12
// sums in the 16 vector registers of AVX2, 24 in AVX-512's 32 (so the
// broadcast operand is read half as often per multiply-add).
#ifdef __AVX512VL__
constexpr int kTileRows = 12;
constexpr bool kHas32Registers = true;
#else
constexpr int kTileRows = 6;
constexpr bool kHas32Registers = false;
#endif

// The register tile of both micro-kernels: acc[r][v] is MR rows of NV
// vectors, summed one depth step at a time. Always inlined, so acc stays in
// registers.
template <int MR, int NV>
struct RegisterTile {
  Vec acc[MR][NV];

  __attribute__((always_inline)) RegisterTile() {
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[r][v] = Vec{};
  }

  // acc[r][v] += broadcast[r] * vectors[v * kLanes ..]: one depth step.
  __attribute__((always_inline)) void Add(const float* broadcast, const float* vectors) {
    AddStrided(broadcast, 1, vectors);
  }

  // The same with the broadcasts `stride` floats apart.
  __attribute__((always_inline)) void AddStrided(const float* broadcast, int64_t stride,
                                                 const float* vectors) {
    Vec vec[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) vec[v] = Load(vectors + v * kLanes);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const float s = broadcast[r * stride];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[r][v] += vec[v] * s;
    }
  }
};

// y[r][j0 + c] (r < rowsValid) = sum over entries e in [begin, end), p < b of
// panel[other[e] * b * MR + p * MR + r] * W_e[p * b + j0 + c], where W_e is
// blocks + e * b * b when the blocks were packed in table order (block ==
// nullptr), else blocks + block[e] * b * b.
template <int MR, int NV>
void PanelTile(const float* panel, const float* blocks, int b, int j0,
               const int32_t* other, const int32_t* block, int32_t begin,
               int32_t end, float* y, int64_t ldy, int rowsValid, bool stream) {
  RegisterTile<MR, NV> tile;
  const int64_t blockFloats = static_cast<int64_t>(b) * b;
  for (int32_t e = begin; e < end; ++e) {
    const float* a = panel + static_cast<int64_t>(other[e]) * b * MR;
    const float* w = blocks + (block ? block[e] : e) * blockFloats + j0;
    for (int p = 0; p < b; ++p, a += MR, w += b) tile.Add(a, w);
  }
  // A constant trip count, unrolled: indexed by a variable, acc would live
  // in memory (clang then spilled it in the loop above).
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
    if (r >= rowsValid) break;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      float* to = y + r * ldy + j0 + v * kLanes;
      stream ? StoreStreaming(to, tile.acc[r][v]) : Store(to, tile.acc[r][v]);
    }
  }
}

// Copies this small (floats) are made by the calling thread alone: handing
// them to the pool costs a wait for the slowest thread, and right after a
// TensorFlow op its pool's spinning threads often hold the other cores.
constexpr int64_t kSmallCopyFloats = 128 * 1024;
bool IsSmall(int64_t floats) { return floats <= kSmallCopyFloats; }

// Scratch that lives on the calling thread and only grows: re-allocating
// megabytes per call would fault in fresh pages every time.
float* Scratch(std::vector<float>& buffer, size_t floats) {
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer.data();
}

#ifdef __AVX2__
// column[j][i] = row[i][j]: an 8 x 8 transpose in AVX registers.
inline void Transpose8x8(const __m256 row[8], __m256 column[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(row[0], row[1]), t1 = _mm256_unpackhi_ps(row[0], row[1]);
  const __m256 t2 = _mm256_unpacklo_ps(row[2], row[3]), t3 = _mm256_unpackhi_ps(row[2], row[3]);
  const __m256 t4 = _mm256_unpacklo_ps(row[4], row[5]), t5 = _mm256_unpackhi_ps(row[4], row[5]);
  const __m256 t6 = _mm256_unpacklo_ps(row[6], row[7]), t7 = _mm256_unpackhi_ps(row[6], row[7]);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  column[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
  column[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
  column[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
  column[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
  column[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
  column[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
  column[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
  column[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}
#endif

// dst[c * ldDst + r] = src[r * ldSrc + c] (r < rows, c < cols): 8 x 8
// tiles transposed in AVX registers where rows and columns allow, one float
// at a time (writes ldDst floats apart) for the rest. x . W^T transposes
// its blocks this way on every call, or for few rows, x itself
// (PackTransposedStrips), and attention's scores pack their key blocks this
// way.
inline void Transpose(const float* src, int64_t ldSrc, int64_t rows, int64_t cols, float* dst,
                      int64_t ldDst) {
  int64_t wholeRows = 0, wholeCols = 0;
#ifdef __AVX2__
  wholeRows = rows - rows % 8;
  wholeCols = cols - cols % 8;
  for (int64_t r0 = 0; r0 < wholeRows; r0 += 8) {
    for (int64_t c0 = 0; c0 < wholeCols; c0 += 8) {
      const float* from = src + r0 * ldSrc + c0;
      __m256 row[8], column[8];
      for (int r = 0; r < 8; ++r) row[r] = _mm256_loadu_ps(from + r * ldSrc);
      Transpose8x8(row, column);
      float* to = dst + c0 * ldDst + r0;
      for (int c = 0; c < 8; ++c) _mm256_storeu_ps(to + c * ldDst, column[c]);
    }
  }
#endif
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = r < wholeRows ? wholeCols : 0; c < cols; ++c) {
      dst[c * ldDst + r] = src[r * ldSrc + c];
    }
  }
}

// dst [cols, rows] = src [rows, cols]^T, both dense.
inline void Transpose(const float* src, int64_t rows, int64_t cols, float* dst) {
  Transpose(src, cols, rows, cols, dst, rows);
}

// packed[e] = blocks[table.block[e]] (transposed when asked), so that one
// group's blocks lie next to each other. Unpacked, the blocks of one block
// column sit a whole block row apart, a power-of-two stride that maps them
// onto the same cache sets, where they evict each other.
void PackBlocks(const float* blocks, const GroupTable& table, int b,
                bool transpose, float* packed) {
  const int64_t blockFloats = static_cast<int64_t>(b) * b;
  const int64_t entries = table.ptr[table.numGroups];
  const int64_t perTask = std::max<int64_t>(1, 16384 / blockFloats);  // 64 KB
  ParallelFor((entries + perTask - 1) / perTask, [&](int64_t task) {
    const int64_t last = std::min(entries, (task + 1) * perTask);
    for (int64_t e = task * perTask; e < last; ++e) {
      const float* src = blocks + table.block[e] * blockFloats;
      float* dst = packed + e * blockFloats;
      if (!transpose) {
        std::memcpy(dst, src, sizeof(float) * blockFloats);
        continue;
      }
      Transpose(src, b, b, dst);
    }
  });
}

#ifdef __AVX2__
// dst[k][r] = rows[r][k0 + k] for k < 8, r < 6: eight columns of six rows,
// transposed in registers (as an 8 x 8 whose last two rows are zero). Each
// k is stored as 8 floats whose last 2 the next k overwrites, except the
// last, stored exactly: past it may lie a panel another thread has packed.
inline void PackSixRowsByEight(const float* const* rows, int64_t k0, float* dst) {
  __m256 row[8], column[8];
  for (int r = 0; r < 6; ++r) row[r] = _mm256_loadu_ps(rows[r] + k0);
  row[6] = row[7] = _mm256_setzero_ps();
  Transpose8x8(row, column);
  for (int k = 0; k < 7; ++k) _mm256_storeu_ps(dst + 6 * k, column[k]);
  _mm_storeu_ps(dst + 42, _mm256_castps256_ps128(column[7]));
  _mm_storel_pi(reinterpret_cast<__m64*>(dst + 46), _mm256_extractf128_ps(column[7], 1));
}

// dst[k][r] = rows[r][k0 + k] for k < 8, r < 4: rows 0-3 and four zero rows
// as one 8 x 8 transpose, stored 4 floats per k.
inline void PackFourRowsByEight(const float* const* rows, int64_t k0, float* dst) {
  __m256 row[8], column[8];
  for (int r = 0; r < 4; ++r) row[r] = _mm256_loadu_ps(rows[r] + k0);
  for (int r = 4; r < 8; ++r) row[r] = _mm256_setzero_ps();
  Transpose8x8(row, column);
  for (int k = 0; k < 8; ++k) _mm_storeu_ps(dst + 4 * k, _mm256_castps256_ps128(column[k]));
}

// dst[k][r] = rows[r][k0 + k] for k < 8, r < 12: rows 0-7 as one 8 x 8
// transpose, stored 8 floats per k, then rows 8-11 (and four zero rows),
// stored 4 floats per k, so nothing is written past the 12 x 8 floats.
inline void PackTwelveRowsByEight(const float* const* rows, int64_t k0, float* dst) {
  __m256 row[8], column[8];
  for (int r = 0; r < 8; ++r) row[r] = _mm256_loadu_ps(rows[r] + k0);
  Transpose8x8(row, column);
  for (int k = 0; k < 8; ++k) _mm256_storeu_ps(dst + 12 * k, column[k]);
  for (int r = 0; r < 4; ++r) row[r] = _mm256_loadu_ps(rows[8 + r] + k0);
  for (int r = 4; r < 8; ++r) row[r] = _mm256_setzero_ps();
  Transpose8x8(row, column);
  for (int k = 0; k < 8; ++k) _mm_storeu_ps(dst + 12 * k + 8, _mm256_castps256_ps128(column[k]));
}
#endif

// dst[k][r] = x[r][k] for r < valid, 0 for valid <= r < MR: the rows of one
// panel interleaved, so the micro-kernel reads it front to back.
template <int MR>
void PackPanel(const float* x, int64_t inner, int64_t valid, float* dst) {
  const float* rowsOf[MR];
  for (int r = 0; r < MR; ++r) rowsOf[r] = r < valid ? x + r * inner : nullptr;
  if (valid == MR) {
    int64_t k = 0;
#ifdef __AVX2__
    // Eight columns at a time: copied one float at a time, packing x would be
    // a large part of x . W at low density, where every row of x is still read.
    if (MR == 6) {
      for (; k + 8 <= inner; k += 8, dst += 8 * MR) PackSixRowsByEight(rowsOf, k, dst);
    } else if (MR == 4) {
      for (; k + 8 <= inner; k += 8, dst += 8 * MR) PackFourRowsByEight(rowsOf, k, dst);
    } else if (MR == 12) {
      for (; k + 8 <= inner; k += 8, dst += 8 * MR) PackTwelveRowsByEight(rowsOf, k, dst);
    }
#endif
    for (; k < inner; ++k, dst += MR) {
#pragma GCC unroll 16
      for (int r = 0; r < MR; ++r) dst[r] = rowsOf[r][k];
    }
    return;
  }
  for (int64_t k = 0; k < inner; ++k, dst += MR) {
    for (int r = 0; r < MR; ++r) dst[r] = rowsOf[r] ? rowsOf[r][k] : 0.f;
  }
}

// Results at least this big are streamed past the cache.
constexpr size_t kStreamBytes = size_t{8} << 20;

// Rows of x per task: the packed panels of one task (48 x K floats, 384 KB
// at K = 2048) stay in the core's L2 while the task walks its output block
// columns.
constexpr int64_t kTaskRows = 48;
// Row tasks per thread above which each row task runs all output columns.
constexpr int64_t kRowTasksPerThread = 4;
// With fewer row tasks than that, the packed panels that one task reads
// for each output unit: as many rows as fit in this many bytes, so they
// stay in L2 while the task walks the unit's blocks.
constexpr int64_t kFewRowsTaskBytes = 384 * 1024;

// Work a caller fuses into x . W: run on a finished part of y by the
// thread that computed it, while that part is still in its cache. Output
// groups are taken in units of `groupsPerUnit` groups spaced `unitStride`
// apart (unit u: groups u, u + stride, ...), and once a task has computed a
// unit's groups for its rows [firstRow, endRow), it calls
// run(context, firstRow, endRow, u). The LSTM step uses it for the gate
// math of the four gates of one block of units.
struct TileEpilogue {
  int groupsPerUnit;
  int64_t unitStride;
  void (*run)(const void* context, int64_t firstRow, int64_t endRow, int64_t unit);
  const void* context;
};

template <int MR, int NV>
void DenseSparseWith(const DenseSparseArgs& args, const TileEpilogue* epilogue) {
  const int b = args.blockSize;
  const int64_t rows = args.rows, inner = args.inner;
  const GroupTable& table = args.table;
  const int64_t numGroups = table.numGroups;
  const int64_t ldy = numGroups * b;
  const int64_t numPanels = (rows + MR - 1) / MR;
  const int64_t panelsPerTask = std::max<int64_t>(1, kTaskRows / MR);
  const int64_t rowTasks = (numPanels + panelsPerTask - 1) / panelsPerTask;
  const int groupsPerUnit = epilogue ? epilogue->groupsPerUnit : 1;
  const int64_t unitStride = epilogue ? epilogue->unitStride : 0;
  const int64_t numUnits = numGroups / groupsPerUnit;

  // Few rows (an LSTM step): tasks of one output unit and as many rows as
  // fit in kFewRowsTaskBytes (all 32 or 64 rows of an LSTM step's x), so
  // each block is read once per call rather than once per row task.
  const bool fewRows = rowTasks < kRowTasksPerThread * NumThreads();
  const int64_t fewPanelsPerTask =
      std::max<int64_t>(1, kFewRowsTaskBytes / (inner * MR * int64_t{sizeof(float)}));
  const int64_t fewRowTasks = (numPanels + fewPanelsPerTask - 1) / fewPanelsPerTask;
  const int64_t passes = fewRows ? fewRowTasks : rowTasks;

  // Blocks are packed when transposed, or when more than two row tasks read
  // them again; one or two passes over unpacked blocks cost less than
  // packing them (2 MB at an LSTM step's shapes).
  static thread_local std::vector<float> blockBuffer;
  const float* blocks = args.blocks;
  const int32_t* blockIndex = table.block;
  if (args.transposeBlocks || passes > 2) {
    const int64_t entries = table.ptr[numGroups];
    float* packed = Scratch(blockBuffer, static_cast<size_t>(entries * b * b));
    PackBlocks(args.blocks, table, b, args.transposeBlocks, packed);
    blocks = packed;
    blockIndex = nullptr;
  }

  // x is copied into panels of MR rows, [panel][k][r], zero past the last
  // row, so the micro-kernel reads it front to back; read in place, its
  // rows lie K floats apart and share cache sets.
  const int strips = b / (NV * kLanes);
  // Results bigger than the last-level cache share are streamed out, in
  // whole 64-byte lines only (b = 8 tiles write half lines); never when an
  // epilogue reads them right back.
  const bool stream = kCanStream && epilogue == nullptr &&
                      NV * kLanes * sizeof(float) % 64 == 0 &&
                      rows * ldy * sizeof(float) >= kStreamBytes &&
                      reinterpret_cast<uintptr_t>(args.y) % 64 == 0;
  auto tile = [&](const float* panel, int64_t p, int64_t g) {
    float* y = args.y + p * MR * ldy + g * b;
    const int valid = static_cast<int>(std::min<int64_t>(MR, rows - p * MR));
    for (int s = 0; s < strips; ++s) {
      PanelTile<MR, NV>(panel, blocks, b, s * NV * kLanes, table.other, blockIndex,
                        table.ptr[g], table.ptr[g + 1], y, ldy, valid, stream);
    }
  };
  // The groups of unit u for panels [first, last), packed from `taskPanels`
  // on, then the epilogue on their rows.
  auto unit = [&](const float* taskPanels, int64_t first, int64_t last, int64_t u) {
    for (int k = 0; k < groupsPerUnit; ++k) {
      const int64_t g = u + k * unitStride;
      for (int64_t p = first; p < last; ++p) tile(taskPanels + (p - first) * inner * MR, p, g);
    }
    if (epilogue) epilogue->run(epilogue->context, first * MR, std::min(rows, last * MR), u);
  };
  auto pack = [&](int64_t p, float* panel) {
    PackPanel<MR>(args.x + p * MR * inner, inner, std::min<int64_t>(MR, rows - p * MR), panel);
  };

  if (!fewRows) {
    // Enough row tasks to share out: each packs its own panels into the
    // L2 of the core that then reads them for every output column.
    ParallelFor(rowTasks, [&](int64_t task) {
      static thread_local std::vector<float> taskPanels;
      float* panels = Scratch(taskPanels, static_cast<size_t>(panelsPerTask * inner * MR));
      const int64_t first = task * panelsPerTask;
      const int64_t last = std::min(numPanels, first + panelsPerTask);
      for (int64_t p = first; p < last; ++p) pack(p, panels + (p - first) * inner * MR);
      for (int64_t u = 0; u < numUnits; ++u) unit(panels, first, last, u);
      if (stream) StreamFence();
    });
    return;
  }
  // Few rows: all panels packed first, then tasks of one row task and one
  // output unit, so every core has work.
  static thread_local std::vector<float> panelBuffer;
  float* panels = Scratch(panelBuffer, static_cast<size_t>(numPanels * inner * MR));
  if (IsSmall(numPanels * inner * MR)) {
    for (int64_t p = 0; p < numPanels; ++p) pack(p, panels + p * inner * MR);
  } else {
    ParallelFor(numPanels, [&](int64_t p) { pack(p, panels + p * inner * MR); });
  }
  ParallelFor(fewRowTasks * numUnits, [&](int64_t task) {
    const int64_t u = task % numUnits;
    const int64_t first = (task / numUnits) * fewPanelsPerTask;
    const int64_t last = std::min(numPanels, first + fewPanelsPerTask);
    unit(panels + first * inner * MR, first, last, u);
    if (stream) StreamFence();
  });
}

// Rows [i0, i0 + height) of a b-row block go to one register tile of up
// to MR rows. Tiles of fewer than 4 rows hold too few sums to hide the FMA
// latency, so the last 8 rows go as 4 + 4 rather than 6 + 2.
inline int TileHeight(int MR, int b, int i0) {
  const int height = std::min(MR, b - i0), left = b - i0 - height;
  return left > 0 && left < 4 ? (b - i0) / 2 : height;
}

// x . W^T for few rows of x (an LSTM step's dh . U^T) as y^T = W . x^T:
// the register tiles hold MR columns of y (of one output group) by a strip
// of rows of x, broadcast W's elements from its blocks where they lie, and
// read x transposed, in strips as wide as a tile. So the few rows of x
// are transposed instead of W's far larger blocks. Only for x . W^T: x . W
// does not transpose its blocks, and gains nothing this way.
//
// Strip width (rows of x per tile): 32 with AVX-512's 32 registers
// (6 x 4 sums), else 16 (6 x 2).
#ifdef __AVX512VL__
constexpr int kStripVectors = 4;
#else
constexpr int kStripVectors = 2;
#endif
constexpr int kStripWidth = kStripVectors * kLanes;
constexpr int kStripTileRows = 6;

// A strip's tiles do as much work for 1 row as for kStripWidth, so strips
// are used (up to 128 rows) only when they pad x to at most 5/4 as many
// rows as 6-row panels: more padding outweighs the transpose of W's blocks
// it saves. (Packing x into strips costs what packing it into panels does.)
constexpr int64_t kStripRowsMax = 128;

int64_t RoundUp(int64_t n, int64_t to) { return (n + to - 1) / to * to; }

bool UseStrips(const DenseSparseArgs& args) {
  const int64_t rows = args.rows;
  return args.transposeBlocks && rows <= kStripRowsMax &&
         4 * RoundUp(rows, kStripWidth) <= 5 * RoundUp(rows, 6);
}

// xT[s][k][i] = x[s * kStripWidth + i][k], and 0 past the last row.
void PackTransposedStrips(const float* x, int64_t rows, int64_t inner, float* xT) {
  const int64_t strips = (rows + kStripWidth - 1) / kStripWidth;
  constexpr int64_t kColumnsPerTask = 512;
  const int64_t tasksPerStrip = (inner + kColumnsPerTask - 1) / kColumnsPerTask;
  auto pack = [&](int64_t task) {
    const int64_t s = task / tasksPerStrip;
    const int64_t k0 = (task % tasksPerStrip) * kColumnsPerTask;
    const int64_t k1 = std::min(inner, k0 + kColumnsPerTask);
    const int64_t valid = std::min<int64_t>(kStripWidth, rows - s * kStripWidth);
    float* strip = xT + s * inner * kStripWidth + k0 * kStripWidth;
    Transpose(x + s * kStripWidth * inner + k0, inner, valid, k1 - k0, strip, kStripWidth);
    if (valid == kStripWidth) return;
    for (int64_t k = 0; k < k1 - k0; ++k) {
      std::fill(strip + k * kStripWidth + valid, strip + (k + 1) * kStripWidth, 0.f);
    }
  };
  // Floats read and written: shared out from 32 rows of 4096 on, where the
  // calling thread alone, with cold caches, would spend a sizable part of
  // x . W^T on the copy.
  const int64_t tasks = strips * tasksPerStrip;
  if (IsSmall(rows * inner + strips * inner * kStripWidth)) {
    for (int64_t task = 0; task < tasks; ++task) pack(task);
  } else {
    ParallelFor(tasks, pack);
  }
}

// sums[r][i] (r < MR, i < kStripWidth) += sum over p < b of w[r * b + p] *
// strip[p][i]: MR rows of one block, read in place, against its strip rows.
template <int MR>
void StripAccumulate(const float* strip, const float* w, int b, float* sums) {
  RegisterTile<MR, kStripVectors> tile;
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < kStripVectors; ++v) tile.acc[r][v] = Load(sums + r * kStripWidth + v * kLanes);
  }
  for (int p = 0; p < b; ++p, strip += kStripWidth) tile.AddStrided(w + p, b, strip);
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < kStripVectors; ++v) Store(sums + r * kStripWidth + v * kLanes, tile.acc[r][v]);
  }
}

// x . W^T (args.transposeBlocks) by strips: one task per output group
// (block row of W) and strip of rows of x.
void DenseSparseStrips(const DenseSparseArgs& args) {
  const int b = args.blockSize;
  const int64_t rows = args.rows, inner = args.inner;
  const GroupTable& table = args.table;
  const int64_t ldy = table.numGroups * b;
  const int64_t strips = (rows + kStripWidth - 1) / kStripWidth;
  static thread_local std::vector<float> stripBuffer;
  float* xT = Scratch(stripBuffer, static_cast<size_t>(strips * inner * kStripWidth));
  PackTransposedStrips(args.x, rows, inner, xT);
  ParallelFor(table.numGroups * strips, [&](int64_t task) {
    const int64_t g = task / strips, s = task % strips;
    const float* strip = xT + s * inner * kStripWidth;
    float sums[64 * kStripWidth];  // the group's columns of y, transposed (b <= 64)
    std::fill(sums, sums + b * kStripWidth, 0.f);
    // Block by block, each read front to back while its strip rows stay in
    // L1, rather than tile by tile over all the group's blocks, which reads
    // each block in pieces and costs more when the blocks are not cached.
    for (int32_t e = table.ptr[g]; e < table.ptr[g + 1]; ++e) {
      const float* w = args.blocks + table.block[e] * int64_t{b} * b;
      const float* v = strip + static_cast<int64_t>(table.other[e]) * b * kStripWidth;
      for (int j0 = 0, height; j0 < b; j0 += height) {
        height = TileHeight(kStripTileRows, b, j0);
        // b is 8, 16, 32 or 64, so the heights are 6 and 4.
        if (height == kStripTileRows) {
          StripAccumulate<kStripTileRows>(v, w + j0 * b, b, sums + j0 * kStripWidth);
        } else {
          StripAccumulate<4>(v, w + j0 * b, b, sums + j0 * kStripWidth);
        }
      }
    }
    const int64_t first = s * kStripWidth;
    const int64_t valid = std::min<int64_t>(kStripWidth, rows - first);
    for (int64_t i = 0; i < valid; ++i) {
      float* to = args.y + (first + i) * ldy + g * b;
      for (int c = 0; c < b; ++c) to[c] = sums[c * kStripWidth + i];
    }
  });
}

// x . W with `epilogue` (null for none) run on each finished part of y.
// Trusts args.rows > 0 and args.table.numGroups > 0.
void DenseSparseThen(const DenseSparseArgs& args, const TileEpilogue* epilogue) {
  // Tiles of 12 rows of one vector for b = 8, else kTileRows rows of two.
  // Fewer rows than 32 tiles' worth, which 12-row tiles would pad more, go
  // in tiles of 4 rows of four vectors where 32 registers hold their 16
  // sums, else 6 rows of two. Four vectors span a whole 32-float row of a
  // block, so each block is read front to back, which pays most when the
  // blocks come from memory rather than cache.
  if (args.blockSize == 8) {
    DenseSparseWith<12, 1>(args, epilogue);
  } else if (args.rows >= 32 * kTileRows) {
    DenseSparseWith<kTileRows, 2>(args, epilogue);
  } else if (kHas32Registers && args.blockSize >= 32) {
    DenseSparseWith<4, 4>(args, epilogue);
  } else {
    DenseSparseWith<6, 2>(args, epilogue);
  }
}

// A block's b columns of a and c are packed for the sampled product (and
// attention's scores) in column tiles of kPanelWidth (or b, if smaller),
// [b / width][depth][width], so that one depth step of a register tile
// lies at most 128 bytes past the last: packed as whole rows at b = 64,
// the steps would be 256 bytes apart and share too few cache sets.
constexpr int kPanelWidth = 32;
inline int PanelWidth(int b) { return std::min(b, kPanelWidth); }

// Where column i of a block starts in its packed panel of `depth` rows.
inline int64_t PanelOffset(int i, int width, int64_t depth) {
  return (i / width) * depth * width + i % width;
}

// out[i][j0 + c] (i < MR) = sum over m < depth of a[m * lda + i] * c[m * ldc + c]
// (out rows are b floats apart), added to out when `accumulate`. a and c
// point into panels packed `width` floats wide (lda = ldc = width) or, for
// few rows, into the operands themselves. The MR broadcasts of a step lie
// `width` floats past the last step's: with a chunk's panels small enough
// for L1 (kSampledPanelFloats), that costs nothing against a layout of
// MR-wide tiles, and packing rows of `width` is cheaper.
template <int MR, int NV>
void SampledTile(const float* a, int64_t lda, const float* c, int64_t ldc, int b,
                 int64_t depth, float* out, bool accumulate) {
  RegisterTile<MR, NV> tile;
  for (int64_t m = 0; m < depth; ++m, a += lda, c += ldc) tile.Add(a, c);
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      float* o = out + r * b + v * kLanes;
      Store(o, accumulate ? Load(o) + tile.acc[r][v] : tile.acc[r][v]);
    }
  }
}

// The tile height picks its instantiation at run time: MR (6, 8 or 12)
// or, at the bottom of a column tile of 8, 16 or 32, what TileHeight
// leaves: 4, 6 or 8.
template <int NV>
void SampledTileRows(int height, const float* a, int64_t lda, const float* c, int64_t ldc,
                     int b, int64_t depth, float* out, bool accumulate) {
  switch (height) {
    case 12: return SampledTile<12, NV>(a, lda, c, ldc, b, depth, out, accumulate);
    case 8: return SampledTile<8, NV>(a, lda, c, ldc, b, depth, out, accumulate);
    case 6: return SampledTile<6, NV>(a, lda, c, ldc, b, depth, out, accumulate);
    default: return SampledTile<4, NV>(a, lda, c, ldc, b, depth, out, accumulate);
  }
}

// Rows per packing task.
constexpr int64_t kPackRows = 16;

// Rows [first, last) of each block column g of a row-major [rows, cols]
// matrix with slot[g] >= 0, copied to the panel at packed + slot[g] * rows
// * b, in column tiles of PanelWidth(b), so a micro-kernel reads its
// operand front to back. Read in place, the rows are `cols` floats apart,
// a power-of-two stride that maps them all onto a few cache sets. B is b
// at compile time: the copies inline to a few vector moves, where a memcpy
// call per short row would cost more than the copy itself.
template <int B>
void PackBlockColumnRows(const float* src, int64_t rows, int64_t cols, const int64_t* slot,
                         float* packed, int64_t first, int64_t last) {
  constexpr int W = B < kPanelWidth ? B : kPanelWidth;
  const int64_t groups = cols / B;
  for (int64_t g = 0; g < groups; ++g) {
    if (slot[g] < 0) continue;
    float* column = packed + slot[g] * rows * B;
    for (int64_t m = first; m < last; ++m) {
      const float* from = src + m * cols + g * B;
#pragma GCC unroll 2
      for (int t = 0; t < B / W; ++t) {
        float* to = column + t * rows * W + m * W;
#pragma GCC unroll 32
        for (int i = 0; i < W; ++i) to[i] = from[t * W + i];
      }
    }
  }
}

void PackBlockColumnRows(const float* src, int64_t rows, int64_t cols, int b, const int64_t* slot,
                         float* packed, int64_t first, int64_t last) {
  switch (b) {
    case 8: return PackBlockColumnRows<8>(src, rows, cols, slot, packed, first, last);
    case 16: return PackBlockColumnRows<16>(src, rows, cols, slot, packed, first, last);
    case 32: return PackBlockColumnRows<32>(src, rows, cols, slot, packed, first, last);
    default: return PackBlockColumnRows<64>(src, rows, cols, slot, packed, first, last);
  }
}

// slot[g] = position of block column g among those `used` marks, else -1.
int64_t AssignSlots(const int32_t* used, int64_t count, int64_t groups,
                    std::vector<int64_t>& slot) {
  slot.assign(static_cast<size_t>(groups), -1);
  for (int64_t v = 0; v < count; ++v) slot[used[v]] = 0;
  int64_t next = 0;
  for (auto& s : slot) {
    if (s == 0) s = next++;
  }
  return next;
}

// Rows of a and c packed and summed per pass: as many as keep one block's
// two panels (2 x depth x b floats) well inside L1, but at least 64, so
// the result tiles are not loaded and stored too often. Packing all rows at
// once would send the panels through memory and back. But a result of 8 MB
// or more is loaded and stored from memory, not cache, once per pass: then
// passes of 256 rows, so there are fewer of them.
constexpr int64_t kSampledPanelFloats = 2048;
constexpr int64_t kLargeResultFloats = int64_t{2} << 20;
int64_t SampledDepth(int b, int64_t resultFloats) {
  if (resultFloats >= kLargeResultFloats) return 256;
  return std::max<int64_t>(64, kSampledPanelFloats / b);
}

// Rows packed per block column in one go: a's and c's rows are packed a
// few at a time, in turn, so the reads of both stay sequential and the
// written lines stay in L1 until full (packing all of a's rows and then
// all of c's, or one block column at a time, keeps only one of the two).
constexpr int64_t kPackBlockRows = 4;

// Packs rows [m0, m0 + depth) of the used block columns of a and c.
void PackSampledChunk(const SampledArgs& args, const int64_t* aSlot, const int64_t* cSlot,
                      int64_t m0, int64_t depth, float* aPacked, float* cPacked, bool parallel) {
  const int b = args.blockSize;
  const float* a = args.a + m0 * args.aCols;
  const float* c = args.c + m0 * args.cCols;
  auto packRows = [&](int64_t first, int64_t last) {
    for (int64_t m = first; m < last; m += kPackBlockRows) {
      const int64_t end = std::min(last, m + kPackBlockRows);
      PackBlockColumnRows(a, depth, args.aCols, b, aSlot, aPacked, m, end);
      PackBlockColumnRows(c, depth, args.cCols, b, cSlot, cPacked, m, end);
    }
  };
  if (!parallel) return packRows(0, depth);
  ParallelFor((depth + kPackRows - 1) / kPackRows, [&](int64_t task) {
    packRows(task * kPackRows, std::min(depth, (task + 1) * kPackRows));
  });
}

// out [b, b] (+)= aPanel^T . cPanel, both packed [b / width][depth][width]
// (width = PanelWidth(b)): the sampled product's block and attention's
// scores. A register tile never spans two column tiles of a.
template <int MR, int NV>
void BlockOfSums(const float* aPanel, const float* cPanel, int b, int64_t depth, float* out,
                 bool accumulate) {
  const int width = PanelWidth(b);
  for (int first = 0; first < b; first += width) {
    for (int i0 = first, height; i0 < first + width; i0 += height) {
      height = TileHeight(MR, width, i0 - first);
      for (int j0 = 0; j0 < b; j0 += NV * kLanes) {
        SampledTileRows<NV>(height, aPanel + PanelOffset(i0, width, depth), width,
                            cPanel + PanelOffset(j0, width, depth), width, b, depth,
                            out + i0 * b + j0, accumulate);
      }
    }
  }
}

// out [b, b] (+)= the packed chunk's a panel^T . c panel for block v.
template <int MR, int NV>
void SumSampledBlock(const SampledArgs& args, int64_t v, const int64_t* aSlot,
                     const int64_t* cSlot, const float* aPacked, const float* cPacked,
                     int64_t depth, float* out, bool accumulate) {
  const int b = args.blockSize;
  BlockOfSums<MR, NV>(aPacked + aSlot[args.blockRow[v]] * depth * b,
                      cPacked + cSlot[args.blockCol[v]] * depth * b, b, depth, out, accumulate);
}

// Rows of a and c up to which the sampled product reads them in place
// rather than packing them first.
constexpr int64_t kInPlaceSampledRows = 64;

// The sampled product for at most kInPlaceSampledRows rows (an LSTM step's
// batch): one task per block, whose tiles read a's and c's rows where they
// lie. Packing first would write panels that the other threads then read
// from another core's cache, which for so few rows can cost more than the
// arithmetic. The rows are K and N floats apart, but 64 of them are few
// enough that L2 holds them.
template <int MR, int NV>
void SampledInPlace(const SampledArgs& args) {
  const int b = args.blockSize;
  ParallelFor(args.nnzBlocks, [&](int64_t v) {
    const float* a = args.a + args.blockRow[v] * int64_t{b};
    const float* c = args.c + args.blockCol[v] * int64_t{b};
    float* out = args.out + v * b * b;
    for (int i0 = 0, height; i0 < b; i0 += height) {
      height = TileHeight(MR, b, i0);
      for (int j0 = 0; j0 < b; j0 += NV * kLanes) {
        SampledTileRows<NV>(height, a + i0, args.aCols, c + j0, args.cCols, b, args.rows,
                            out + i0 * b + j0, false);
      }
    }
  });
}

// Blocks per task of the pass that adds the threads' partial sums.
constexpr int64_t kReduceBlocks = 16;

template <int MR, int NV>
void SampledWith(const SampledArgs& args) {
  if (args.rows <= kInPlaceSampledRows) return SampledInPlace<MR, NV>(args);
  const int b = args.blockSize;
  const int64_t rows = args.rows, nnz = args.nnzBlocks;
  // Thread-local scratch is named only here: inside the tasks, a
  // thread_local name would mean the worker's own (empty) copy.
  static thread_local std::vector<int64_t> aSlotBuffer, cSlotBuffer;
  const int64_t aPanels = AssignSlots(args.blockRow, nnz, args.aCols / b, aSlotBuffer);
  const int64_t cPanels = AssignSlots(args.blockCol, nnz, args.cCols / b, cSlotBuffer);
  const int64_t* aSlot = aSlotBuffer.data();
  const int64_t* cSlot = cSlotBuffer.data();
  const int64_t chunkRows = SampledDepth(b, nnz * b * b);
  const int64_t maxDepth = std::min(rows, chunkRows);
  const int64_t panelFloats = (aPanels + cPanels) * maxDepth * b;
  const int64_t chunks = (rows + chunkRows - 1) / chunkRows;
  const int threads = NumThreads();
  static thread_local std::vector<float> panelBuffer;

  if (threads > 1 && chunks >= 2 * threads) {
    // Many chunks: each thread claims whole chunks and sums them into its
    // own copy of the result, and one more pass adds the copies. That is
    // two waits for the slowest thread per call instead of three per chunk,
    // and right after a TensorFlow op its pool threads spin and often hold a
    // core, which makes each wait long.
    const int64_t outFloats = nnz * b * b;
    static thread_local std::vector<float> partialBuffer;
    float* partials = Scratch(partialBuffer, static_cast<size_t>((threads - 1) * outFloats));
    float* panels = Scratch(panelBuffer, static_cast<size_t>(threads * panelFloats));
    std::vector<char> wrote(threads, 0);
    std::atomic<int64_t> nextChunk{0};
    ParallelFor(threads, [&](int64_t task) {
      float* out = task == 0 ? args.out : partials + (task - 1) * outFloats;
      float* aPacked = panels + task * panelFloats;
      float* cPacked = aPacked + aPanels * maxDepth * b;
      for (int64_t chunk; (chunk = nextChunk.fetch_add(1)) < chunks;) {
        const int64_t m0 = chunk * chunkRows, depth = std::min(chunkRows, rows - m0);
        PackSampledChunk(args, aSlot, cSlot, m0, depth, aPacked, cPacked, false);
        for (int64_t v = 0; v < nnz; ++v) {
          SumSampledBlock<MR, NV>(args, v, aSlot, cSlot, aPacked, cPacked, depth,
                                  out + v * b * b, wrote[task]);
        }
        wrote[task] = 1;
      }
    });
    ParallelFor((nnz + kReduceBlocks - 1) / kReduceBlocks, [&](int64_t task) {
      const int64_t first = task * kReduceBlocks * b * b;
      const int64_t last = std::min(nnz, (task + 1) * kReduceBlocks) * b * b;
      bool have = wrote[0];
      for (int t = 1; t < threads; ++t) {
        if (!wrote[t]) continue;
        const float* partial = partials + (t - 1) * outFloats;
        for (int64_t i = first; i < last; ++i) {
          args.out[i] = have ? args.out[i] + partial[i] : partial[i];
        }
        have = true;
      }
    });
    return;
  }

  // Few chunks (more rows than kInPlaceSampledRows, at most two chunks per
  // thread): the threads share each chunk's packing, then its blocks.
  float* aPacked = Scratch(panelBuffer, static_cast<size_t>(panelFloats));
  float* cPacked = aPacked + aPanels * maxDepth * b;
  for (int64_t m0 = 0; m0 < rows; m0 += chunkRows) {
    const int64_t depth = std::min(chunkRows, rows - m0);
    PackSampledChunk(args, aSlot, cSlot, m0, depth, aPacked, cPacked,
                         !IsSmall((aPanels + cPanels) * depth * b));
    ParallelFor(nnz, [&](int64_t v) {
      SumSampledBlock<MR, NV>(args, v, aSlot, cSlot, aPacked, cPacked, depth,
                              args.out + v * b * b, m0 > 0);
    });
  }
}

}  // namespace

void DenseSparse(const DenseSparseArgs& args) {
  const int64_t outFloats = args.rows * args.table.numGroups * args.blockSize;
  if (args.rows == 0 || args.table.numGroups == 0) return;
  if (args.table.ptr[args.table.numGroups] == 0) {
    std::memset(args.y, 0, sizeof(float) * outFloats);
    return;
  }
  if (UseStrips(args)) return DenseSparseStrips(args);
  DenseSparseThen(args, nullptr);
}

void Sampled(const SampledArgs& args) {
  const int b = args.blockSize;
  if (args.nnzBlocks == 0) return;
  if (args.rows == 0) {
    std::memset(args.out, 0, sizeof(float) * args.nnzBlocks * b * b);
    return;
  }
  if (b == 8) {
    SampledWith<8, 1>(args);
  } else {
    SampledWith<kTileRows, 2>(args);
  }
}

}  // namespace BSP_ARCH
}  // namespace tfjs_blocksparse
