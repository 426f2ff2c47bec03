// Sigmoid and tanh on 8-float vectors, accurate to float32 (a few ulp, and
// absolute error far below 1e-6 over all inputs), for the LSTM step.
// Compiled once per instruction set with the products: included after
// block_products_impl.h, whose Vec it uses, by block_products_{avx2,portable}.cc.
// Only + - * / and selects: GCC vector code, so the same source is AVX2 in
// one build and SSE (or NEON) in the other. NaN in gives NaN out; +-inf give
// the limits.
#ifndef BSP_ARCH
#error "define BSP_ARCH (the namespace) before including activations_impl.h"
#endif
// Included by both lstm_step_impl.h and attention_impl.h in one translation unit.
#ifndef TFJS_BLOCKSPARSE_ACTIVATIONS_IMPL_H_
#define TFJS_BLOCKSPARSE_ACTIVATIONS_IMPL_H_

namespace tfjs_blocksparse {
namespace BSP_ARCH {
namespace {

typedef int32_t IntVec __attribute__((vector_size(32), aligned(4), may_alias));

inline Vec Splat(float value) { return Vec{} + value; }

// x with its sign bit from `sign`, for |x| given.
inline Vec WithSignOf(Vec magnitude, Vec sign) {
  const IntVec signBit = reinterpret_cast<const IntVec&>(sign) & INT32_MIN;
  const IntVec bits = reinterpret_cast<const IntVec&>(magnitude) | signBit;
  return reinterpret_cast<const Vec&>(bits);
}

inline Vec Abs(Vec x) {
  const IntVec bits = reinterpret_cast<const IntVec&>(x) & INT32_MAX;
  return reinterpret_cast<const Vec&>(bits);
}

// e^x as Cephes' expf: x = n ln2 + r with |r| <= ln2 / 2, e^r by a degree-6
// polynomial, 2^n put into the exponent bits. x is first clamped to
// [-87, 88], where 2^n stays a normal float: e^-87 and e^88 are what the
// sigmoid and tanh below need of large inputs. Comparisons with NaN are
// false, so NaN passes the clamps and comes out NaN.
inline Vec Exp(Vec x) {
  x = x > Splat(88.f) ? Splat(88.f) : x;
  x = x < Splat(-87.f) ? Splat(-87.f) : x;
  // Adding 1.5 * 2^23 rounds x * log2(e) to an integer n held in the low
  // mantissa bits of `shifted`.
  const Vec magic = Splat(12582912.f);
  const Vec shifted = x * 1.44269504088896341f + magic;
  const Vec n = shifted - magic;
  // ln2 in two parts; n * 0.693359375 is exact for |n| <= 128.
  const Vec r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  Vec p = Splat(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.f;
  const IntVec exponent = (reinterpret_cast<const IntVec&>(shifted) -
                           reinterpret_cast<const IntVec&>(magic) + 127) << 23;
  return p * reinterpret_cast<const Vec&>(exponent);
}

inline Vec Sigmoid(Vec x) { return 1.f / (1.f + Exp(-x)); }

// tanh as Cephes' tanhf: an odd polynomial below |x| = 0.625, where
// 1 - 2 / (e^2|x| + 1) would lose relative accuracy, else that formula,
// written with e^-2|x| (in (0, 1], never overflowing).
inline Vec Tanh(Vec x) {
  const Vec ax = Abs(x);
  const Vec x2 = x * x;
  Vec small = Splat(-5.70498872745e-3f);
  small = small * x2 + 2.06390887954e-2f;
  small = small * x2 - 5.37397155531e-2f;
  small = small * x2 + 1.33314422036e-1f;
  small = small * x2 - 3.33332819422e-1f;
  small = small * x2 * x + x;
  const Vec e = Exp(-2.f * ax);
  const Vec large = WithSignOf((1.f - e) / (1.f + e), x);
  return ax < Splat(0.625f) ? small : large;
}

}  // namespace
}  // namespace BSP_ARCH
}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_ACTIVATIONS_IMPL_H_
