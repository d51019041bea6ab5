// Elementwise float32 functions for tmath_array's CPU kernels.
//
// Each function is branch-free (selects only) and calls no library function, so that a
// loop over them vectorises; the loops and the instruction sets they are built for are in
// tm_ext.cpp. The range reductions and polynomials are those of
// tmath_array/_standard/fast_math.py (measured there and in tests/test_fast_math.py);
// sin and cos reduce in double (musl's __rem_pio2f, medium range), then evaluate Cephes'
// float32 polynomials. Arguments beyond that range (|x| >= 2^28 pi/2), and inf
// and NaN, are left to the caller's fix-up pass (see sincos_ok).
#pragma once

#include <cstdint>
#include <cstring>

#define TM_INLINE static inline __attribute__((always_inline))

namespace tmk {

TM_INLINE float as_float(uint32_t i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}
TM_INLINE uint32_t as_bits(float f) {
  uint32_t i;
  std::memcpy(&i, &f, 4);
  return i;
}
TM_INLINE float fabs_(float x) {
  return as_float(as_bits(x) & 0x7fffffffu);
}

constexpr float LN2_HI = 0.693145751953125f;     // 16 bits: n * LN2_HI is exact
constexpr float LN2_LO = 1.4286068203094173e-06f;
constexpr float INV_LN2 = 1.4426950408889634f;
constexpr float ROUND = 12582912.0f;              // 1.5 * 2^23
constexpr float X_MIN = -104.0f, X_MAX = 89.0f;   // exp is 0 / inf beyond

// expm1(r), |r| <= 0.35: r + r^2 (1/2! + ... + r^6/8!) (Estrin's scheme)
TM_INLINE float expm1_poly(float r) {
  const float c0 = 1.0f / 2, c1 = 1.0f / 6, c2 = 1.0f / 24, c3 = 1.0f / 120,
              c4 = 1.0f / 720, c5 = 1.0f / 5040, c6 = 1.0f / 40320;
  float r2 = r * r, r4 = r2 * r2;
  float t1 = r + r2 * (r * c1 + c0);
  float t2 = r4 * (r * c3 + c2);
  float t3 = (r4 * r2) * ((r * c5 + c4) + r2 * c6);
  return t1 + (t2 + t3);
}

// x = n ln2 + r (Cody-Waite), x already clamped to [X_MIN, X_MAX] (NaN passes).
// Returns r; n as float and as int (from the bits of the rounded sum: no conversion).
TM_INLINE float reduce_ln2(float xc, float& n, int32_t& k) {
  float t = xc * INV_LN2 + ROUND;
  n = t - ROUND;
  k = (int32_t)(as_bits(t) - as_bits(ROUND));
  return (xc - n * LN2_HI) - n * LN2_LO;
}

// 2^k for -150 <= k <= 128 as two exact normal factors.
TM_INLINE void pow2_split(int32_t k, float& s1, float& s2) {
  int32_t k1 = k >> 1, k2 = k - k1;
  s1 = as_float((uint32_t)(k1 + 127) << 23);
  s2 = as_float((uint32_t)(k2 + 127) << 23);
}

TM_INLINE float clampf(float x, float lo, float hi) {
  // selects: NaN fails both tests and passes through
  return x < lo ? lo : (x > hi ? hi : x);
}

TM_INLINE float exp_f(float x) {
  float n, s1, s2;
  int32_t k;
  float r = reduce_ln2(clampf(x, X_MIN, X_MAX), n, k);
  pow2_split(k, s1, s2);
  // (q + 1) s1 is exact; one rounding (also into the subnormals) at the last product
  return ((expm1_poly(r) + 1.0f) * s1) * s2;
}

TM_INLINE float expm1_f(float x) {
  float n;
  int32_t k;
  float r = reduce_ln2(clampf(x, -30.0f, X_MAX), n, k);
  float q = expm1_poly(r);
  int32_t kc = k > 127 ? 127 : k;
  float s = as_float((uint32_t)(kc + 127) << 23);
  float big = ((q + 1.0f) * s) * 2.0f;  // k = 128: (q + 1) 2^127, then the factor 2
  float small = s * q + (s - 1.0f);     // exact parts
  float v = k > 127 ? big : (k == 0 ? q : small);
  return x == 0.0f ? x : v;  // -0.0 kept
}

// e = exp(-|v|) as (q + 1) * two_k (two_k a power of two, 0 below 2^-149)
TM_INLINE void exp_neg_abs(float v, float& q1, float& two_k) {
  float n, s1, s2;
  int32_t k;
  float w = -fabs_(v);
  float r = reduce_ln2(w < X_MIN ? X_MIN : w, n, k);
  pow2_split(k, s1, s2);
  q1 = expm1_poly(r) + 1.0f;
  two_k = s1 * s2;
}

TM_INLINE float sigmoid_f(float x) {
  float q1, two_k;
  exp_neg_abs(x, q1, two_k);
  float e = q1 * two_k;
  return (x < 0.0f ? e : 1.0f) / (e + 1.0f);
}

// x sigmoid(v) (v has x's sign): x / (1 + e) for v >= 0, x e / (1 + e) below
TM_INLINE float times_logistic(float v, float x) {
  float q1, two_k;
  exp_neg_abs(v, q1, two_k);
  return (v < 0.0f ? q1 * (two_k * x) : x) / (q1 * two_k + 1.0f);
}

TM_INLINE float silu_f(float x) {
  return times_logistic(x, x);
}

TM_INLINE float tanh_f(float x) {
  // expm1(2x) / (expm1(2x) + 2), 2x clamped to +-20 (tanh is +-1 in float32 past 9.01)
  float n;
  int32_t k;
  float r = reduce_ln2(clampf(x + x, -20.0f, 20.0f), n, k);
  float s = as_float((uint32_t)(k + 127) << 23);
  float sq = s * expm1_poly(r);
  float v = (sq + (s - 1.0f)) / (sq + (s + 1.0f));
  return x == 0.0f ? x : v;
}

constexpr float GELU_C = 1.5957691216057308f;  // 2 sqrt(2 / pi)

TM_INLINE float gelu_tanh_f(float x) {
  // 0.5 x (1 + tanh(u)) = x sigmoid(2u)
  float v = (x * GELU_C) * ((x * x) * 0.044715f + 1.0f);
  return times_logistic(v, x);
}

// --- erf and the exact GELU (coefficients: fast_math.py) ---------------------------------
constexpr float ERF_P0 = 1.1283791065216064f, ERF_P1 = -0.37612324953079224f,
                ERF_P2 = 0.11280179768800735f, ERF_P3 = -0.02671131119132042f,
                ERF_P4 = 0.004917550832033157f, ERF_P5 = -0.0005631418898701668f;
constexpr float ERF_C0_LO = (float)(1.1283791670955126 - 1.1283791065216064);

TM_INLINE float erf_q(float u) {  // P1 + P2 u + ... + P5 u^4
  float u2 = u * u;
  return (u * ERF_P2 + ERF_P1) + u2 * ((u * ERF_P4 + ERF_P3) + u2 * ERF_P5);
}
TM_INLINE float erf_p(float u) {  // P0 + P1 u + ... + P5 u^5
  float u2 = u * u, u4 = u2 * u2;
  return (u * ERF_P1 + ERF_P0) + u2 * (u * ERF_P3 + ERF_P2) + u4 * (u * ERF_P5 + ERF_P4);
}

// 11 coefficients in u (Estrin)
TM_INLINE float poly11(float u, const float* c) {
  float u2 = u * u, u4 = u2 * u2, u8 = u4 * u4;
  float a0 = u * c[1] + c[0], a1 = u * c[3] + c[2], a2 = u * c[5] + c[4],
        a3 = u * c[7] + c[6], a4 = u * c[9] + c[8];
  float b0 = a0 + u2 * a1, b1 = a2 + u2 * a3, b2 = a4 + u2 * c[10];
  return (b0 + u4 * b1) + u8 * b2;
}

// erfcx(1/t) on t in [0.25, 1], in t - 0.625
static const float ERFCX_ERF[11] = {
    0.3059529960155487f,   0.3822837769985199f,  -0.17239490151405334f,
    0.043767042458057404f, 0.023337865248322487f, -0.04694567248225212f,
    0.04307526350021362f,  -0.026895256713032722f, 0.005812147632241249f,
    0.025932447984814644f, -0.03674522787332535f};
constexpr float ERFCX_ERF_C = 0.625f;
// erfcx(|x| / sqrt 2) on t = 1/|x| in [1/(10 sqrt 2), 1/sqrt 2], in t - c
static const float ERFCX_GELU[11] = {
    0.27629438042640686f, 0.578178882598877f,   -0.3624694049358368f,
    0.09538257122039795f, 0.17986878752708435f, -0.39190712571144104f,
    0.4559839069843292f,  -0.2924904227256775f, -0.312744677066803f,
    1.4331547021865845f,  -1.5443713665008545f};
constexpr float ERFCX_GELU_C = 0.3889087438583374f;
constexpr float SQRT2 = 1.4142135623730951f, INV_SQRT2 = 0.7071067811865476f;

TM_INLINE float erf_f(float x) {
  float ax = fabs_(x);
  float x2 = x * x;
  // |x| < 1: x P0 + x (x^2 Q(x^2) + C0_LO)
  float small = x * ERF_P0 + x * (x2 * erf_q(x2) + ERF_C0_LO);
  // |x| >= 1: sgn (1 - exp(-x^2) erfcx(|x|)), -x^2 clamped at -16.5 (erf is +-1 there)
  float a = ax > 4.0f ? 4.0f : ax;
  float a1 = ax < 1.0f ? 1.0f : a;  // (the small branch is used below 1)
  float rx = poly11(1.0f / a1 - ERFCX_ERF_C, ERFCX_ERF);
  float w = -x2;
  float n;
  int32_t k;
  float r = reduce_ln2(w < -16.5f ? -16.5f : w, n, k);
  float s = as_float((uint32_t)(k + 127) << 23);
  float sgn = x < 0.0f ? -1.0f : 1.0f;
  float big = sgn - (expm1_poly(r) + 1.0f) * ((s * sgn) * rx);
  return ax < 1.0f ? small : big;  // NaN: big is NaN
}

constexpr float GELU_SUB = 12.6f;

TM_INLINE float gelu_erf_f(float x) {
  float ax = fabs_(x);
  // |x| < sqrt 2: (x/2) (1 + z P(z^2)), z = x / sqrt 2
  float h = x * 0.5f;
  float small = h * ((x * INV_SQRT2) * erf_p(x * h) + 1.0f);
  // beyond: x > 0: x (1 - E/2), x < 0: x E/2, E = exp(-x^2/2) erfcx(|x| / sqrt 2)
  float a = ax > 10.0f * SQRT2 ? 10.0f * SQRT2 : (ax < SQRT2 ? SQRT2 : ax);
  float rx = poly11(1.0f / a - ERFCX_GELU_C, ERFCX_GELU);
  float w = (x * x) * -0.5f;
  float n, s1, s2;
  int32_t k;
  float r = reduce_ln2(w < X_MIN ? X_MIN : w, n, k);
  pow2_split(k, s1, s2);
  float kk = (s1 * s2) * (rx * (x < 0.0f ? 0.5f : -0.5f));
  float xt = x > 20.0f ? 0.0f : x;  // the tail term is below 1e-80 x there
  float big = (x > 0.0f ? x : 0.0f) + (expm1_poly(r) + 1.0f) * (kk * xt);
  return ax < SQRT2 ? small : big;
}

// --- log (musl's logf scheme) --------------------------------------------------------------
constexpr float LG1 = 0.66666662693f, LG2 = 0.40000972152f, LG3 = 0.28498786688f,
                LG4 = 0.24279078841f;
constexpr float LOG_LN2_HI = 6.9313812256e-01f, LOG_LN2_LO = 9.0580006145e-06f;
constexpr float FLT_MIN_ = 1.17549435e-38f;
constexpr float INF = __builtin_inff();

TM_INLINE float log_f(float x) {
  bool sub = x < FLT_MIN_;
  float xs = sub ? x * 8388608.0f : x;
  uint32_t xi = as_bits(xs);
  int32_t mant = (int32_t)(xi & 0x7fffffu);
  bool big = mant > 0x3504f3;  // m > sqrt 2: halve it
  float fm = (float)mant * (1.0f / 8388608.0f);  // m - 1, exact
  float f = big ? fm * 0.5f - 0.5f : fm;
  float dk = (float)((int32_t)(xi >> 23) - 127) + ((big ? 1.0f : 0.0f) - (sub ? 23.0f : 0.0f));
  float s = f / (f + 2.0f);
  float z = s * s, w = z * z;
  float t1 = w * (w * LG4 + LG2), t2 = z * (w * LG3 + LG1);
  float R = t2 + t1;
  float hfsq = 0.5f * f * f;
  float core = s * (hfsq + R) + dk * LOG_LN2_LO - hfsq + f + dk * LOG_LN2_HI;
  // 0 -> -inf; negative or NaN -> NaN; +inf -> inf
  float v = x > 0.0f ? core : __builtin_nanf("");
  v = x == INF ? INF : v;
  return x == 0.0f ? -INF : v;
}

TM_INLINE float log1p_f(float x) {
  // log(u) + (x - (u - 1)) / u, u = 1 + x rounded; u = 1 gives x itself; -0.0 kept
  float u = x + 1.0f;
  float lu = log_f(u);
  bool ok = (u > 0.0f) & (u < INF) & (x != 0.0f);
  float v = lu + (x - (u - 1.0f)) / u;
  return ok ? v : (x == 0.0f ? x : lu);
}

// --- sin and cos -------------------------------------------------------------------------
// |x| < 2^28 pi/2: x = n pi/2 + y in double (25 + 53 bits of pi/2: exact enough), y rounded
// to float32, then float32 polynomials on |y| <= pi/4.
constexpr float SINCOS_LIMIT = 421657428.0f;  // just below 2^28 pi/2 (0x4dc90fdb)

TM_INLINE bool sincos_ok(float x) {
  return fabs_(x) < SINCOS_LIMIT;  // false for inf and NaN
}

// sin and cos on |y| <= pi/4 in float32 (Cephes' sinf/cosf coefficients, ~1 ulp)
TM_INLINE float sin_poly(float y) {
  float z = y * y;
  return y + (y * z) * ((z * -1.9515295891e-4f + 8.3321608736e-3f) * z - 1.6666654611e-1f);
}

TM_INLINE float cos_poly(float y) {
  float z = y * y;
  return (1.0f - 0.5f * z) +
      (z * z) * ((z * 2.443315711809948e-5f - 1.388731625493765e-3f) * z + 4.166664568298827e-2f);
}

// shift = 0: sin, 1: cos. Valid where sincos_ok(x); else a placeholder (fixed up).
TM_INLINE float sincos_f(float x, int32_t shift) {
  const double INVPIO2 = 6.36619772367581382433e-01;
  const double PIO2_1 = 1.57079631090164184570e+00, PIO2_1T = 1.58932547735281966916e-08;
  const double TOINT = 6755399441055744.0;  // 1.5 * 2^52
  float xm = sincos_ok(x) ? x : 0.0f;
  double xd = (double)xm;
  double fn = (xd * INVPIO2 + TOINT) - TOINT;
  int32_t n = (int32_t)fn + shift;
  float y = (float)((xd - fn * PIO2_1) - fn * PIO2_1T);
  float p = (n & 1) ? cos_poly(y) : sin_poly(y);
  p = (n & 2) ? -p : p;
  // |x| < 2^-12: sin x = x (keeps -0.0 and the subnormals), cos x = 1
  bool tiny = fabs_(x) < 2.44140625e-4f;
  float tv = shift ? 1.0f : x;
  return tiny ? tv : p;
}

// The same for |x| < SINCOS_F32_LIMIT, reduced in float32 with fused multiply-adds (only in
// the loops built for FMA): x - n pi/2 with pi/2 in three float32 parts, each product
// exact inside the fma (n < 2^13: 13 + 24 bits), so the reduced argument keeps its
// relative accuracy near the multiples of pi/2 (checked over every float32 below the limit).
constexpr float SINCOS_F32_LIMIT = 8192.0f;

TM_INLINE float sincos_fma_f(float x, int32_t shift) {
  const float INVPIO2 = 0.636619772367581343f;
  const float P1 = 1.57079637050628662109375f;               // float32(pi/2)
  const float P2 = -4.371138828673793e-8f;                   // float32(pi/2 - P1)
  const float P3 = -1.7151245100058819e-15f;                 // float32(pi/2 - P1 - P2)
  float t = x * INVPIO2 + ROUND;
  float fn = t - ROUND;
  int32_t n = (int32_t)(as_bits(t) - as_bits(ROUND)) + shift;
  float y = __builtin_fmaf(-fn, P1, x);
  y = __builtin_fmaf(-fn, P2, y);
  y = __builtin_fmaf(-fn, P3, y);
  float p = (n & 1) ? cos_poly(y) : sin_poly(y);
  p = (n & 2) ? -p : p;
  bool tiny = fabs_(x) < 2.44140625e-4f;
  float tv = shift ? 1.0f : x;
  return tiny ? tv : p;
}

TM_INLINE float sin_f(float x) {
  return sincos_f(x, 0);
}
TM_INLINE float cos_f(float x) {
  return sincos_f(x, 1);
}

}  // namespace tmk
