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

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
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

// Softmax / log-softmax rows: the row's max (NaN anywhere makes it NaN, as MLX's max),
// exp(x - max) and its sum in 16 float32 lanes, then a division by the sum (or, for the
// log, x - max - log(sum)): the same operations, in the same order, as the fused path.
#define TM_SOFTMAX(ATTR)                                                            \
  ATTR void softmax_rows(const float* x, float* y, size_t r0, size_t r1, size_t d,   \
                         int log) {                                                 \
    for (size_t r = r0; r < r1; r++) {                                              \
      const float* xr = x + r * d;                                                  \
      float* yr = y + r * d;                                                        \
      float mx_[16], acc[16] = {0};                                                 \
      int nan = 0;                                                                  \
      for (int j = 0; j < 16; j++) mx_[j] = -INFINITY;                              \
      size_t i = 0;                                                                 \
      for (; i + 16 <= d; i += 16)                                                  \
        for (int j = 0; j < 16; j++) {                                              \
          float v = xr[i + j];                                                      \
          mx_[j] = v > mx_[j] ? v : mx_[j];                                         \
          nan |= v != v;                                                            \
        }                                                                           \
      for (; i < d; i++) {                                                          \
        float v = xr[i];                                                            \
        mx_[i % 16] = v > mx_[i % 16] ? v : mx_[i % 16];                            \
        nan |= v != v;                                                              \
      }                                                                             \
      float m = mx_[0];                                                             \
      for (int j = 1; j < 16; j++) m = mx_[j] > m ? mx_[j] : m;                     \
      if (nan) m = NAN;                                                             \
      float* er = log ? nullptr : yr;                                               \
      i = 0;                                                                        \
      if (er) {                                                                     \
        for (; i + 16 <= d; i += 16)                                                \
          for (int j = 0; j < 16; j++) {                                            \
            float e = tmk::exp_f(xr[i + j] - m);                                    \
            acc[j] += e;                                                            \
            er[i + j] = e;                                                          \
          }                                                                         \
      } else {                                                                      \
        for (; i + 16 <= d; i += 16)                                                \
          for (int j = 0; j < 16; j++) acc[j] += tmk::exp_f(xr[i + j] - m);         \
      }                                                                             \
      for (; i < d; i++) {                                                          \
        float e = tmk::exp_f(xr[i] - m);                                            \
        acc[i % 16] += e;                                                           \
        if (er) er[i] = e;                                                          \
      }                                                                             \
      for (int w = 8; w > 0; w /= 2)                                                \
        for (int j = 0; j < w; j++) acc[j] += acc[j + w];                           \
      float sum = acc[0];                                                           \
      if (log) {                                                                    \
        float ls = std::log(sum);                                                   \
        for (size_t k = 0; k < d; k++) yr[k] = (xr[k] - m) - ls;                    \
      } else {                                                                      \
        for (size_t k = 0; k < d; k++) yr[k] = yr[k] / sum;                         \
      }                                                                             \
    }                                                                               \
  }

#define TM_LOOPS(NS, ATTR, FMA)                                              \
  namespace NS {                                                             \
  TM_SINCOS(ATTR, FMA)                                                       \
  TM_NORM(ATTR)                                                              \
  TM_SOFTMAX(ATTR)                                                           \
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
  void (*softmax_rows)(const float*, float*, size_t, size_t, size_t, int);
};
const Isa ISAS[] = {
    {"avx512", isa_avx512::unary, isa_avx512::norm_rows, isa_avx512::softmax_rows},
    {"avx2", isa_avx2::unary, isa_avx2::norm_rows, isa_avx2::softmax_rows},
    {"baseline", isa_base::unary, isa_base::norm_rows, isa_base::softmax_rows},
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

// A pool of helper threads, started on first use and kept: a job's chunks are taken in turn
// (an atomic counter) by the calling thread and whichever helpers wake for it. A helper the
// OS does not schedule soon takes nothing and holds up nothing: the caller computes what is
// left, so a loaded machine costs at most the one-thread time. Helpers sleep on a condition
// variable between jobs (no spinning: on a 2-core machine a spinning thread would steal the
// core the next computation needs). One job at a time: a second caller (another MLX stream)
// computes its job on its own thread.
class Pool {
 public:
  template <class F>
  void run(size_t nchunks, int threads, F&& f) {
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (threads <= 1 || nchunks <= 1 || !busy.owns_lock()) {
      for (size_t i = 0; i < nchunks; i++) {
        f(i);
      }
      return;
    }
    std::function<void(size_t)> job = [&f](size_t i) { f(i); };
    {
      std::lock_guard<std::mutex> lk(m_);
      while ((int)workers_.size() < threads - 1) {
        workers_.emplace_back([this] { worker(); });
      }
      job_ = &job;
      nchunks_ = nchunks;
      next_ = 0;
      wanted_ = std::min<int>(threads - 1, (int)nchunks - 1);
      joined_ = 0;
      gen_++;
    }
    cv_.notify_all();
    for (size_t i; (i = next_.fetch_add(1)) < nchunks;) {
      f(i);
    }
    std::unique_lock<std::mutex> lk(m_);
    job_ = nullptr;
    done_.wait(lk, [this] { return active_ == 0; });
  }

  int size() {
    std::lock_guard<std::mutex> lk(m_);
    return (int)workers_.size();
  }

 private:
  void worker() {
    std::unique_lock<std::mutex> lk(m_);
    uint64_t seen = 0;
    for (;;) {
      cv_.wait(lk, [&] { return job_ != nullptr && gen_ != seen && joined_ < wanted_; });
      seen = gen_;
      joined_++;
      active_++;
      auto* job = job_;
      size_t n = nchunks_;
      lk.unlock();
      for (size_t i; (i = next_.fetch_add(1)) < n;) {
        (*job)(i);
      }
      lk.lock();
      if (--active_ == 0) {
        done_.notify_all();
      }
    }
  }

  std::mutex busy_, m_;
  std::condition_variable cv_, done_;
  std::vector<std::thread> workers_;
  std::function<void(size_t)>* job_ = nullptr;
  size_t nchunks_ = 0;
  std::atomic<size_t> next_{0};
  int wanted_ = 0, joined_ = 0, active_ = 0;
  uint64_t gen_ = 0;
};

// The pool in use. A forked child has none of the parent's threads (and maybe a lock one of
// them held): it starts a new pool and leaves the old one untouched.
Pool* g_pool = new Pool();
const int g_atfork = pthread_atfork(nullptr, nullptr, [] { g_pool = new Pool(); });

// f(begin, end) over [0, n) in chunks of `chunk` (a multiple of any block size the loops
// use, so every element is computed exactly as on one thread), spread over the pool.
template <class F>
void parallel(size_t n, size_t grain, size_t chunk, F f) {
  size_t t = std::min<size_t>((size_t)std::max(g_threads.load(), 1),
                              std::max<size_t>(n / grain, 1));
  if (t <= 1) {
    f(0, n);
    return;
  }
  size_t nchunks = (n + chunk - 1) / chunk;
  g_pool->run(nchunks, (int)t, [&](size_t i) { f(i * chunk, std::min(n, (i + 1) * chunk)); });
}

// --- matrix products: MLX's cblas_sgemm/cblas_dgemm calls, split over the pool -------------
//
// tmath_array points MLX's cblas_sgemm and cblas_dgemm import slots at gemm<T> below (see
// _runtime/blas.py) when the optimised BLAS runs one thread of its own. A product large
// enough is cut into bands of rows (or columns) of C; each band is one single-threaded call
// of the library's own routine, and the bands are taken in turn by the pool. The library's
// threads wait for each other at every step of a call (one of them losing its core stalls the
// call); bands taken in turn lose nothing to a busy core. Each element of C is computed by the
// same kernel over the same K blocks as in one call, whatever the split.

enum { ROW_MAJOR = 101, COL_MAJOR = 102, NO_TRANS = 111 };

template <class T>
using GemmFn = void (*)(int, int, int, int, int, int, T, const T*, int, const T*, int, T, T*,
                        int);

std::atomic<GemmFn<float>> g_sgemm{nullptr};
std::atomic<GemmFn<double>> g_dgemm{nullptr};
std::atomic<int> g_gemm_threads{std::min(usable_cores(), 16)};
// Split only products of at least this many multiply-adds (256^3: ~0.3 ms on one core,
// against a helper's wake-up of ~0.02 ms) and bands of at least this many rows.
std::atomic<double> g_gemm_min_work{256.0 * 256.0 * 256.0};
constexpr int GEMM_MIN_BAND = 128;
// Bands per thread: more bands ride out a helper that loses its core, each costs one more
// packing of the other operand.
std::atomic<int> g_gemm_bands_per_thread{2};
std::atomic<long> g_gemm_split_calls{0};

template <class T>
void gemm_split(GemmFn<T> fn, int order, int ta, int tb, int M, int N, int K, T alpha,
                const T* A, int lda, const T* B, int ldb, T beta, T* C, int ldc) {
  if (order == COL_MAJOR) {  // C' = B' A' in row-major terms
    std::swap(M, N);
    std::swap(A, B);
    std::swap(lda, ldb);
    std::swap(ta, tb);
    order = ROW_MAJOR;
  }
  int threads = g_gemm_threads.load();
  bool by_rows = M >= N;
  int dim = by_rows ? M : N;
  if (order != ROW_MAJOR || threads <= 1 || M <= 0 || N <= 0 || K <= 0 ||
      (double)M * N * K < g_gemm_min_work.load() || dim < 2 * GEMM_MIN_BAND) {
    fn(order, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  int bands = std::min(threads * std::max(1, g_gemm_bands_per_thread.load()),
                       dim / GEMM_MIN_BAND);
  // band edges on multiples of 16 (the kernels' register blocking)
  int step = ((dim + bands - 1) / bands + 15) / 16 * 16;
  bands = (dim + step - 1) / step;
  g_gemm_split_calls++;
  g_pool->run((size_t)bands, threads, [&](size_t i) {
    int b0 = (int)i * step, b1 = std::min(dim, b0 + step);
    if (by_rows) {
      const T* a = ta == NO_TRANS ? A + (size_t)b0 * lda : A + b0;
      fn(ROW_MAJOR, ta, tb, b1 - b0, N, K, alpha, a, lda, B, ldb, beta, C + (size_t)b0 * ldc,
         ldc);
    } else {
      const T* b = tb == NO_TRANS ? B + b0 : B + (size_t)b0 * ldb;
      fn(ROW_MAJOR, ta, tb, M, b1 - b0, K, alpha, A, lda, b, ldb, beta, C + b0, ldc);
    }
  });
}

}  // namespace

extern "C" {
// The functions MLX's import slots point at (the CBLAS signatures; enums as int).
__attribute__((visibility("default"))) void tmath_cblas_sgemm(
    int order, int ta, int tb, int M, int N, int K, float alpha, const float* A, int lda,
    const float* B, int ldb, float beta, float* C, int ldc) {
  gemm_split<float>(g_sgemm.load(), order, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C,
                    ldc);
}
__attribute__((visibility("default"))) void tmath_cblas_dgemm(
    int order, int ta, int tb, int M, int N, int K, double alpha, const double* A, int lda,
    const double* B, int ldb, double beta, double* C, int ldc) {
  gemm_split<double>(g_dgemm.load(), order, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C,
                     ldc);
}
}

namespace {

// f(r0, r1) over the rows [0, rows) of a row-wise kernel (rows of d elements): whole rows,
// about MIN_PER_THREAD elements a thread, chunks of half that.
template <class F>
void parallel_rows(size_t rows, size_t d, F f) {
  size_t grain = std::max<size_t>(1, MIN_PER_THREAD / std::max<size_t>(d, 1));
  parallel(rows, grain, std::max<size_t>(1, grain / 2), f);
}

// --- primitives --------------------------------------------------------------------------

// What the three primitives share: only eval_cpu computes, and the result has the first
// input's shape.
class CpuPrimitive : public mx::Primitive {
 public:
  using mx::Primitive::Primitive;

  void eval_gpu(const std::vector<mx::array>&, std::vector<mx::array>&) override {
    throw std::runtime_error("[tmath_array kernels] CPU only");
  }

  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override {
    return {inputs[0].shape()};
  }
};

// The ops below (float32, contiguous inputs, as the primitives need them).
mx::array unary(const mx::array& x, int op);
mx::array norm(const mx::array& x, const std::optional<mx::array>& w,
               const std::optional<mx::array>& b, float eps, bool rms);

class TmUnary : public CpuPrimitive {
 public:
  TmUnary(mx::Stream s, int op) : CpuPrimitive(s), op_(op) {}

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

class TmNorm : public CpuPrimitive {
 public:
  TmNorm(mx::Stream s, bool rms, float eps, bool has_w, bool has_b)
      : CpuPrimitive(s), rms_(rms), eps_(eps), has_w_(has_w), has_b_(has_b) {}

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
      parallel_rows(rows, d,
                    [=](size_t r0, size_t r1) { fn(xp, yp, w, b, r0, r1, d, eps, rms); });
    });
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

mx::array row_softmax(const mx::array& x, bool log);

// Row-wise softmax / log-softmax over the last axis.
class TmSoftmax : public CpuPrimitive {
 public:
  TmSoftmax(mx::Stream s, bool log) : CpuPrimitive(s), log_(log) {}

  void eval_cpu(const std::vector<mx::array>& inputs, std::vector<mx::array>& outputs)
      override {
    auto& x = inputs[0];
    auto& out = outputs[0];
    if (x.is_donatable() && !log_) {
      out.copy_shared_buffer(x);  // (each row is read before it is written)
    } else {
      out.set_data(mx::allocator::malloc(out.nbytes()));
    }
    size_t d = x.shape().empty() ? 1 : (size_t)x.shape().back();
    size_t rows = d == 0 ? 0 : x.size() / d;
    auto& enc = mx::cpu::get_command_encoder(stream());
    enc.set_input_array(x);
    enc.set_output_array(out);
    enc.dispatch([xp = x.data<float>(), yp = out.data<float>(), rows, d, log = (int)log_,
                  fn = ISAS[g_isa].softmax_rows]() {
      parallel_rows(rows, d, [=](size_t r0, size_t r1) { fn(xp, yp, r0, r1, d, log); });
    });
  }

  std::pair<std::vector<mx::array>, std::vector<int>> vmap(
      const std::vector<mx::array>& inputs, const std::vector<int>& axes) override {
    auto x = axes[0] < 0 ? inputs[0] : mx::moveaxis(inputs[0], axes[0], 0, stream());
    return {{row_softmax(x, log_)}, {axes[0] < 0 ? -1 : 0}};
  }

  // The derivative in MLX's ops: y' = y (t - sum(y t)); log: t - sum(softmax(x) t).
  std::vector<mx::array> jvp(const std::vector<mx::array>& primals,
                             const std::vector<mx::array>& tangents,
                             const std::vector<int>&) override {
    auto s = stream();
    auto sm = mx::softmax(primals[0], std::vector<int>{-1}, true, s);
    auto& t = tangents[0];
    auto ty = mx::sum(mx::multiply(sm, t, s), -1, true, s);
    if (log_) {
      return {mx::subtract(t, ty, s)};
    }
    return {mx::multiply(sm, mx::subtract(t, ty, s), s)};
  }

  const char* name() const override {
    return log_ ? "TmathLogSoftmax" : "TmathSoftmax";
  }

  bool is_equivalent(const mx::Primitive& other) const override {
    auto* o = dynamic_cast<const TmSoftmax*>(&other);
    return o != nullptr && o->log_ == log_;
  }

 private:
  bool log_;
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

mx::array row_softmax(const mx::array& x, bool log) {
  auto s = mx::default_stream(mx::Device::cpu);
  if (x.ndim() == 0) {
    throw std::invalid_argument("softmax of a 0-d array");
  }
  auto xc = as_f32_contiguous(x, s);
  return mx::array(xc.shape(), mx::float32, std::make_shared<TmSoftmax>(s, log), {xc});
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
  m.def("softmax", [](const mx::array& x, bool log) { return row_softmax(x, log); }, "x"_a,
        "log"_a = false, "Softmax (or log-softmax) over the last axis, float32.");
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
  m.def("pool_size", []() { return g_pool->size(); }, "Helper threads started so far.");
  m.def("gemm_wrappers", []() {
    return nb::make_tuple((uintptr_t)&tmath_cblas_sgemm, (uintptr_t)&tmath_cblas_dgemm);
  }, "The addresses of the cblas_sgemm and cblas_dgemm that split products over the pool.");
  m.def("set_gemm_targets", [](uintptr_t s, uintptr_t d) {
    g_sgemm = reinterpret_cast<GemmFn<float>>(s);
    g_dgemm = reinterpret_cast<GemmFn<double>>(d);
  }, "sgemm"_a, "dgemm"_a, "The library's cblas_sgemm and cblas_dgemm the bands call.");
  m.def("gemm_threads", []() { return g_gemm_threads.load(); });
  m.def("set_gemm_threads", [](int n) { g_gemm_threads = std::max(1, n); }, "n"_a,
        "Threads a large product is split over (1: one call of the library's own).");
  m.def("set_gemm_split", [](double min_work, int bands_per_thread) {
    g_gemm_min_work = min_work;
    g_gemm_bands_per_thread = std::max(1, bands_per_thread);
  }, "min_work"_a, "bands_per_thread"_a);
  m.def("gemm_split_calls", []() { return g_gemm_split_calls.load(); },
        "Products split into bands so far.");
  m.attr("MLX_VERSION") = nb::str(
      (std::to_string(MLX_VERSION_MAJOR) + "." + std::to_string(MLX_VERSION_MINOR) + "." +
       std::to_string(MLX_VERSION_PATCH)).c_str());
}
