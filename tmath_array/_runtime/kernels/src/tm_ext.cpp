// tmath_array's CPU kernels: MLX primitives over vectorised float32 loops.
//
// Primitives:
//   TmUnary(op)   exp, expm1, tanh, sigmoid, silu, gelu (erf and tanh forms), erf, log,
//                 log1p, sin, cos on a contiguous float32 array;
//   TmNorm(kind)  row-wise layer_norm / rms_norm over the last axis (optional weight, bias).
// Only eval_cpu computes: tmath_array routes here on MLX's CPU-only build alone.
//
// Instruction sets: every loop is compiled three times (AVX-512, AVX2+FMA, baseline x86-64)
// and one set is chosen at load time from what the CPU reports (__builtin_cpu_supports):
// the built file runs on any x86-64 machine. Large arrays are split into contiguous chunks
// that std::threads (the usable cores) take in turn; every element's result does not
// depend on the split, so results are identical whatever the thread count.

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include "mlx/backend/cpu/encoder.h"
#include "mlx/fast.h"
#include "mlx/ops.h"
#include "mlx/primitives.h"
#include "mlx/transforms.h"
#include "mlx/version.h"

#include "tm_math.h"

namespace mx = mlx::core;
namespace nb = nanobind;
using namespace nb::literals;

namespace {

enum Op : int {
  EXP, EXPM1, TANH, SIGMOID, SILU, GELU_ERF, GELU_TANH, ERF, LOG, LOG1P, SIN, COS, N_OPS
};
const char* const OP_NAMES[N_OPS] = {"exp", "expm1", "tanh", "sigmoid", "silu",
                                     "gelu_erf", "gelu_tanh", "erf", "log", "log1p",
                                     "sin", "cos"};

// --- the loops, one copy per instruction set ----------------------------------------------

#define TM_CASE(OP, FN)                 \
  case OP:                              \
    for (size_t i = 0; i < n; i++) {    \
      y[i] = tmk::FN(x[i]);              \
    }                                   \
    break;

// sin/cos: the vectorised loop over blocks, then (rarely) std::sin/cos in double on the
// elements beyond the reduction's range; the block's input is kept first (y may be x).
// sin/cos over blocks: the float32 reduction with fma (FMA loops, abs(x) < 8192) or the
// double one; each element's path depends on its own value only (a block with larger
// arguments computes both and selects). Then (rarely) std::sin/cos in double for the
// elements beyond the reduction's range; the block's input is kept first (y may be x).
#define TM_SINCOS(ATTR, FMA)                                                     \
  ATTR void sincos_loop(const float* x, float* y, size_t n, int shift) {        \
    constexpr size_t B = 1024;                                                   \
    float keep[B];                                                               \
    for (size_t b = 0; b < n; b += B) {                                          \
      size_t m = std::min(B, n - b);                                             \
      const float* xb = x + b;                                                   \
      float* yb = y + b;                                                         \
      int big = 0, bad = 0;                                                      \
      for (size_t i = 0; i < m; i++) {                                           \
        float a = tmk::fabs_(xb[i]);                                             \
        big |= a < tmk::SINCOS_F32_LIMIT ? 0 : 1;                                \
        bad |= a < tmk::SINCOS_LIMIT ? 0 : 1;                                    \
      }                                                                          \
      if (bad) {                                                                 \
        std::memcpy(keep, xb, m * sizeof(float));                                \
        xb = keep;                                                               \
      }                                                                          \
      if (FMA && !big) {                                                         \
        for (size_t i = 0; i < m; i++) {                                         \
          yb[i] = tmk::sincos_fma_f(xb[i], shift);                               \
        }                                                                        \
      } else if (FMA) {                                                          \
        for (size_t i = 0; i < m; i++) {                                         \
          float v = xb[i];                                                       \
          yb[i] = tmk::fabs_(v) < tmk::SINCOS_F32_LIMIT                          \
              ? tmk::sincos_fma_f(v, shift) : tmk::sincos_f(v, shift);           \
        }                                                                        \
      } else {                                                                   \
        for (size_t i = 0; i < m; i++) {                                         \
          yb[i] = tmk::sincos_f(xb[i], shift);                                   \
        }                                                                        \
      }                                                                          \
      if (bad) {                                                                 \
        for (size_t i = 0; i < m; i++) {                                         \
          if (!tmk::sincos_ok(keep[i])) {                                        \
            double v = (double)keep[i];                                          \
            yb[i] = (float)(shift ? std::cos(v) : std::sin(v));                  \
          }                                                                      \
        }                                                                        \
      }                                                                          \
    }                                                                            \
  }

// Layer norm / RMS norm rows: sums in 16 float32 lanes (vectorised), two passes.
#define TM_NORM(ATTR)                                                               \
  ATTR float sum_lanes(const float* a, size_t d, float sub, bool sq) {             \
    float acc[16] = {0};                                                            \
    size_t i = 0;                                                                   \
    if (sq) {                                                                       \
      for (; i + 16 <= d; i += 16)                                                  \
        for (int j = 0; j < 16; j++) {                                              \
          float t = a[i + j] - sub;                                                 \
          acc[j] += t * t;                                                          \
        }                                                                           \
    } else {                                                                        \
      for (; i + 16 <= d; i += 16)                                                  \
        for (int j = 0; j < 16; j++) acc[j] += a[i + j];                            \
    }                                                                               \
    for (; i < d; i++) {                                                            \
      float t = a[i] - sub;                                                         \
      acc[i % 16] += sq ? t * t : a[i];                                             \
    }                                                                               \
    for (int w = 8; w > 0; w /= 2)                                                  \
      for (int j = 0; j < w; j++) acc[j] += acc[j + w];                             \
    return acc[0];                                                                  \
  }                                                                                 \
  ATTR void norm_rows(const float* x, float* y, const float* w, const float* b,     \
                      size_t r0, size_t r1, size_t d, float eps, int rms) {         \
    for (size_t r = r0; r < r1; r++) {                                              \
      const float* xr = x + r * d;                                                  \
      float* yr = y + r * d;                                                        \
      float mean = rms ? 0.0f : sum_lanes(xr, d, 0.0f, false) / (float)d;           \
      float var = sum_lanes(xr, d, mean, true) / (float)d;                          \
      float inv = 1.0f / std::sqrt(var + eps);                                      \
      if (w && b) {                                                                 \
        for (size_t i = 0; i < d; i++) yr[i] = ((xr[i] - mean) * inv) * w[i] + b[i]; \
      } else if (w) {                                                               \
        for (size_t i = 0; i < d; i++) yr[i] = ((xr[i] - mean) * inv) * w[i];       \
      } else if (b) {                                                               \
        for (size_t i = 0; i < d; i++) yr[i] = ((xr[i] - mean) * inv) + b[i];       \
      } else {                                                                      \
        for (size_t i = 0; i < d; i++) yr[i] = (xr[i] - mean) * inv;                \
      }                                                                             \
    }                                                                               \
  }

#define TM_LOOPS(NS, ATTR, FMA)                                              \
  namespace NS {                                                             \
  TM_SINCOS(ATTR, FMA)                                                       \
  TM_NORM(ATTR)                                                              \
  ATTR void unary(int op, const float* x, float* y, size_t n) {              \
    switch (op) {                                                            \
      TM_CASE(EXP, exp_f)                                                    \
      TM_CASE(EXPM1, expm1_f)                                                \
      TM_CASE(TANH, tanh_f)                                                  \
      TM_CASE(SIGMOID, sigmoid_f)                                            \
      TM_CASE(SILU, silu_f)                                                  \
      TM_CASE(GELU_ERF, gelu_erf_f)                                          \
      TM_CASE(GELU_TANH, gelu_tanh_f)                                        \
      TM_CASE(ERF, erf_f)                                                    \
      TM_CASE(LOG, log_f)                                                    \
      TM_CASE(LOG1P, log1p_f)                                                \
      case SIN:                                                              \
        sincos_loop(x, y, n, 0);                                             \
        break;                                                               \
      case COS:                                                              \
        sincos_loop(x, y, n, 1);                                             \
        break;                                                               \
      default:                                                               \
        break;                                                               \
    }                                                                        \
  }                                                                          \
  }

TM_LOOPS(isa_avx512,
         __attribute__((target("avx512f,avx512dq,avx2,fma,prefer-vector-width=512"))), true)
TM_LOOPS(isa_avx2, __attribute__((target("avx2,fma"))), true)
TM_LOOPS(isa_base, , false)

// --- instruction set and threads -------------------------------------------------------

struct Isa {
  const char* name;
  void (*unary)(int, const float*, float*, size_t);
  void (*norm_rows)(const float*, float*, const float*, const float*, size_t, size_t,
                    size_t, float, int);
};
const Isa ISAS[] = {
    {"avx512", isa_avx512::unary, isa_avx512::norm_rows},
    {"avx2", isa_avx2::unary, isa_avx2::norm_rows},
    {"baseline", isa_base::unary, isa_base::norm_rows},
};

bool isa_supported(int i) {
  __builtin_cpu_init();
  if (i == 0) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  if (i == 1) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return true;
}

int best_isa() {
  for (int i = 0; i < 3; i++) {
    if (isa_supported(i)) {
      return i;
    }
  }
  return 2;
}

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int c = CPU_COUNT(&set);
    if (c > 0) {
      return c;
    }
  }
  unsigned h = std::thread::hardware_concurrency();
  return h > 0 ? (int)h : 1;
}

std::atomic<int> g_isa{best_isa()};
std::atomic<int> g_threads{std::min(usable_cores(), 16)};

// Below this many elements per thread a thread costs more than it saves.
constexpr size_t MIN_PER_THREAD = 1 << 15;

// f(begin, end) over [0, n) in chunks of `chunk` (a multiple of any block size the loops
// use, so every element is computed exactly as on one thread), taken in turn by the
// calling thread and the helpers: a helper that the OS does not schedule soon leaves its
// share to the others instead of holding up the result.
template <class F>
void parallel(size_t n, size_t grain, size_t chunk, F f) {
  size_t t = std::min<size_t>((size_t)std::max(g_threads.load(), 1),
                              std::max<size_t>(n / grain, 1));
  if (t <= 1) {
    f(0, n);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&]() {
    for (;;) {
      size_t b = next.fetch_add(chunk);
      if (b >= n) {
        return;
      }
      f(b, std::min(n, b + chunk));
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  for (size_t i = 1; i < t; i++) {
    pool.emplace_back(work);
  }
  work();
  for (auto& th : pool) {
    th.join();
  }
}

// --- primitives --------------------------------------------------------------------------

// The ops below (float32, contiguous inputs, as the primitives need them).
mx::array unary(const mx::array& x, int op);
mx::array norm(const mx::array& x, const std::optional<mx::array>& w,
               const std::optional<mx::array>& b, float eps, bool rms);

class TmUnary : public mx::Primitive {
 public:
  TmUnary(mx::Stream s, int op) : mx::Primitive(s), op_(op) {}

  void eval_cpu(const std::vector<mx::array>& inputs, std::vector<mx::array>& outputs)
      override {
    auto& in = inputs[0];
    auto& out = outputs[0];
    if (in.is_donatable() && in.itemsize() == out.itemsize()) {
      out.copy_shared_buffer(in);
    } else {
      out.set_data(mx::allocator::malloc(in.data_size() * out.itemsize()), in.data_size(),
                   in.strides(), in.flags());
    }
    auto& enc = mx::cpu::get_command_encoder(stream());
    enc.set_input_array(in);
    enc.set_output_array(out);
    enc.dispatch([x = in.data<float>(), y = out.data<float>(), n = in.data_size(),
                  op = op_, fn = ISAS[g_isa].unary]() {
      parallel(n, MIN_PER_THREAD, 1 << 14,
               [=](size_t b, size_t e) { fn(op, x + b, y + b, e - b); });
    });
  }

  void eval_gpu(const std::vector<mx::array>&, std::vector<mx::array>&) override {
    throw std::runtime_error("[tmath_array kernels] CPU only");
  }

  std::pair<std::vector<mx::array>, std::vector<int>> vmap(
      const std::vector<mx::array>& inputs, const std::vector<int>& axes) override {
    return {{unary(inputs[0], op_)}, {axes[0]}};
  }

  // The derivative in MLX's own ops (tmath_array wraps each kernel in an mx.custom_function
  // with its derivative; MLX's jvp still visits the primitive, so it has one too).
  std::vector<mx::array> jvp(const std::vector<mx::array>& primals,
                             const std::vector<mx::array>& tangents,
                             const std::vector<int>&) override {
    auto s = stream();
    auto x = mx::astype(primals[0], mx::float32, s);
    auto t = tangents[0];
    auto one = mx::array(1.0f);
    auto half = mx::array(0.5f);
    mx::array d = one;
    switch (op_) {
      case EXP:
      case EXPM1:
        d = mx::exp(x, s);
        break;
      case TANH:
        d = mx::subtract(one, mx::square(mx::tanh(x, s), s), s);
        break;
      case SIGMOID: {
        auto sg = mx::sigmoid(x, s);
        d = mx::multiply(sg, mx::subtract(one, sg, s), s);
        break;
      }
      case SILU: {
        auto sg = mx::sigmoid(x, s);
        d = mx::multiply(sg, mx::add(one, mx::multiply(x, mx::subtract(one, sg, s), s), s), s);
        break;
      }
      case GELU_ERF: {
        auto cdf = mx::multiply(half, mx::add(one, mx::erf(mx::multiply(x, mx::array(
            0.7071067811865476f), s), s), s), s);
        auto pdf = mx::multiply(mx::exp(mx::multiply(mx::square(x, s), mx::array(-0.5f), s),
                                        s), mx::array(0.3989422804014327f), s);
        d = mx::add(cdf, mx::multiply(x, pdf, s), s);
        break;
      }
      case GELU_TANH: {
        auto c = mx::array(0.7978845608028654f);
        auto k = mx::array(0.044715f);
        auto x2 = mx::square(x, s);
        auto th = mx::tanh(mx::multiply(c, mx::multiply(x, mx::add(one, mx::multiply(k, x2,
            s), s), s), s), s);
        auto dth = mx::multiply(mx::subtract(one, mx::square(th, s), s), mx::multiply(c,
            mx::add(one, mx::multiply(mx::array(3 * 0.044715f), x2, s), s), s), s);
        d = mx::add(mx::multiply(half, mx::add(one, th, s), s),
                    mx::multiply(mx::multiply(half, x, s), dth, s), s);
        break;
      }
      case ERF:
        d = mx::multiply(mx::array(1.1283791670955126f),
                         mx::exp(mx::negative(mx::square(x, s), s), s), s);
        break;
      case LOG:
        d = mx::reciprocal(x, s);
        break;
      case LOG1P:
        d = mx::reciprocal(mx::add(x, one, s), s);
        break;
      case SIN:
        d = mx::cos(x, s);
        break;
      case COS:
        d = mx::negative(mx::sin(x, s), s);
        break;
      default:
        break;
    }
    return {mx::multiply(t, d, s)};
  }

  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override {
    return {inputs[0].shape()};
  }

  const char* name() const override {
    return "TmathUnary";
  }

  bool is_equivalent(const mx::Primitive& other) const override {
    auto* o = dynamic_cast<const TmUnary*>(&other);
    return o != nullptr && o->op_ == op_;
  }

 private:
  int op_;
};

class TmNorm : public mx::Primitive {
 public:
  TmNorm(mx::Stream s, bool rms, float eps, bool has_w, bool has_b)
      : mx::Primitive(s), rms_(rms), eps_(eps), has_w_(has_w), has_b_(has_b) {}

  void eval_cpu(const std::vector<mx::array>& inputs, std::vector<mx::array>& outputs)
      override {
    auto& x = inputs[0];
    auto& out = outputs[0];
    out.set_data(mx::allocator::malloc(out.nbytes()));
    size_t d = x.shape().empty() ? 1 : (size_t)x.shape().back();
    size_t rows = d == 0 ? 0 : x.size() / d;
    const float* w = has_w_ ? inputs[1].data<float>() : nullptr;
    const float* b = has_b_ ? inputs[has_w_ ? 2 : 1].data<float>() : nullptr;
    auto& enc = mx::cpu::get_command_encoder(stream());
    for (auto& a : inputs) {
      enc.set_input_array(a);
    }
    enc.set_output_array(out);
    enc.dispatch([xp = x.data<float>(), yp = out.data<float>(), w, b, rows, d, eps = eps_,
                  rms = (int)rms_, fn = ISAS[g_isa].norm_rows]() {
      size_t grain = std::max<size_t>(1, MIN_PER_THREAD / std::max<size_t>(d, 1));
      parallel(rows, grain, std::max<size_t>(1, grain / 2),
               [=](size_t r0, size_t r1) { fn(xp, yp, w, b, r0, r1, d, eps, rms); });
    });
  }

  void eval_gpu(const std::vector<mx::array>&, std::vector<mx::array>&) override {
    throw std::runtime_error("[tmath_array kernels] CPU only");
  }

  // Rows are independent: a batched x gets its batch axis in front. A batched weight or bias
  // goes through MLX's own fast norm.
  std::pair<std::vector<mx::array>, std::vector<int>> vmap(
      const std::vector<mx::array>& inputs, const std::vector<int>& axes) override {
    auto s = stream();
    bool shared = true;
    for (size_t i = 1; i < axes.size(); i++) {
      shared = shared && axes[i] < 0;
    }
    if (shared) {
      auto x = axes[0] < 0 ? inputs[0] : mx::moveaxis(inputs[0], axes[0], 0, s);
      std::optional<mx::array> w, b;
      if (has_w_) {
        w = inputs[1];
      }
      if (has_b_) {
        b = inputs[has_w_ ? 2 : 1];
      }
      return {{norm(x, w, b, eps_, rms_)}, {axes[0] < 0 ? -1 : 0}};
    }
    auto fn = [this, s](const std::vector<mx::array>& in) {
      return std::vector<mx::array>{reference(in, s)};
    };
    return {mx::vmap(fn, axes, {0})(inputs), {0}};
  }

  mx::array reference(const std::vector<mx::array>& in, mx::Stream s) {
    std::optional<mx::array> w, b;
    if (has_w_) {
      w = in[1];
    }
    if (has_b_) {
      b = in[has_w_ ? 2 : 1];
    }
    return rms_ ? mx::fast::rms_norm(in[0], w, eps_, s)
                : mx::fast::layer_norm(in[0], w, b, eps_, s);
  }

  // The derivative of MLX's own fast norm (see TmUnary::jvp).
  std::vector<mx::array> jvp(const std::vector<mx::array>& primals,
                             const std::vector<mx::array>& tangents,
                             const std::vector<int>& argnums) override {
    auto fn = [this](const std::vector<mx::array>& in) {
      return std::vector<mx::array>{reference(in, stream())};
    };
    std::vector<mx::array> all;
    for (size_t i = 0; i < primals.size(); i++) {
      all.push_back(mx::zeros_like(primals[i], stream()));
    }
    for (size_t j = 0; j < argnums.size(); j++) {
      all[argnums[j]] = tangents[j];
    }
    return mx::jvp(fn, primals, all).second;
  }

  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override {
    return {inputs[0].shape()};
  }

  const char* name() const override {
    return rms_ ? "TmathRMSNorm" : "TmathLayerNorm";
  }

  bool is_equivalent(const mx::Primitive& other) const override {
    auto* o = dynamic_cast<const TmNorm*>(&other);
    return o != nullptr && o->rms_ == rms_ && o->eps_ == eps_ && o->has_w_ == has_w_ &&
        o->has_b_ == has_b_;
  }

 private:
  bool rms_;
  float eps_;
  bool has_w_, has_b_;
};

mx::array as_f32_contiguous(const mx::array& a, mx::Stream s) {
  if (a.dtype() == mx::float32 && a.is_available() && a.flags().row_contiguous) {
    return a;  // (already evaluated and contiguous: no node to schedule)
  }
  return mx::contiguous(a.dtype() == mx::float32 ? a : mx::astype(a, mx::float32, s), false, s);
}

mx::array unary(const mx::array& x, int op) {
  if (op < 0 || op >= N_OPS) {
    throw std::invalid_argument("unknown kernel");
  }
  auto s = mx::default_stream(mx::Device::cpu);
  auto xc = as_f32_contiguous(x, s);
  return mx::array(xc.shape(), mx::float32, std::make_shared<TmUnary>(s, op), {xc});
}

mx::array norm(const mx::array& x, const std::optional<mx::array>& w,
               const std::optional<mx::array>& b, float eps, bool rms) {
  auto s = mx::default_stream(mx::Device::cpu);
  if (x.ndim() == 0) {
    throw std::invalid_argument("norm of a 0-d array");
  }
  int d = x.shape().back();
  std::vector<mx::array> ins = {as_f32_contiguous(x, s)};
  for (auto* p : {&w, &b}) {
    if (p->has_value()) {
      auto a = as_f32_contiguous(p->value(), s);
      if (a.size() != (size_t)d) {
        throw std::invalid_argument("weight/bias must have the last axis' length");
      }
      ins.push_back(mx::reshape(a, {d}, s));
    }
  }
  return mx::array(x.shape(), mx::float32,
                   std::make_shared<TmNorm>(s, rms, eps, w.has_value(), b.has_value()), ins);
}

}  // namespace

NB_MODULE(_ext, m) {
  m.doc() = "tmath_array's CPU kernels (float32, vectorised, threaded)";
  m.def("unary", &unary, "x"_a, "op"_a, "The kernel number op (see ops()) on x, float32.");
  m.def("layer_norm",
        [](const mx::array& x, std::optional<mx::array> w, std::optional<mx::array> b,
           float eps) { return norm(x, w, b, eps, false); },
        "x"_a, "weight"_a.none(), "bias"_a.none(), "eps"_a);
  m.def("rms_norm",
        [](const mx::array& x, std::optional<mx::array> w, float eps) {
          return norm(x, w, std::nullopt, eps, true);
        },
        "x"_a, "weight"_a.none(), "eps"_a);
  m.def("ops", []() {
    nb::list l;
    for (auto* n : OP_NAMES) {
      l.append(n);
    }
    return l;
  });
  m.def("isa", []() { return std::string(ISAS[g_isa].name); });
  m.def("set_isa", [](const std::string& name) {
    for (int i = 0; i < 3; i++) {
      if (name == ISAS[i].name && isa_supported(i)) {
        g_isa = i;
        return true;
      }
    }
    return false;
  }, "Use the loops built for this instruction set (if the CPU has it).");
  m.def("num_threads", []() { return g_threads.load(); });
  m.def("set_num_threads", [](int n) { g_threads = std::max(1, n); });
  m.def("usable_cores", &usable_cores);
  m.attr("MLX_VERSION") = nb::str(
      (std::to_string(MLX_VERSION_MAJOR) + "." + std::to_string(MLX_VERSION_MINOR) + "." +
       std::to_string(MLX_VERSION_PATCH)).c_str());
}
