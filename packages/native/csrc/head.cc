// See head.h.
#include "head.h"

#if defined(__x86_64__) || defined(__i386__)
#define RNNKIT_X86 1
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "pool.h"

namespace rnnkit {

namespace {

// rows [part(n, t), part(n, t + 1)) of n on thread t of nt
inline long part(long n, int t, int nt) { return n * t / nt; }
// the pool's threads for a head of `values` values: small heads stay on the calling thread
inline int headThreads(long values) { return values < (1L << 14) ? 1 : 0; }
// Whether the head's own AVX-512 kernels run (the ISA the GEMM runs on: RNNKIT_NATIVE_ISA and
// setIsa lower it). Elsewhere its products run on the GEMM (gemm.h: AVX2 and portable
// micro-kernels), each a pass of the pool of its own, and its exp is std::exp.
inline bool ownKernels() {
#ifdef RNNKIT_X86
  return std::strcmp(isa().name, "avx512") == 0;
#else
  return false;
#endif
}

#ifdef RNNKIT_X86
// Rows [i0, i0 + rb) (rb <= 4) of c, columns [j0, j0 + nj) (nj <= 16 NS): NS 16-wide vectors per
// row, the last one masked at the edge; a row past rb repeats the last real one (never stored).
// NS up to 5 (4 x 5 accumulators, 5 loads, 1 broadcast: 26 of the 32 registers), so a character
// vocabulary's 65 classes are one pass over a (its 65th column the masked fifth vector) rather
// than a 64-column pass and a second one for the edge column. The loops are unrolled by pragma:
// without it GCC kept the accumulators in memory, a store of each per step of p (2x slower).
template <int NS>
__attribute__((target("avx512f,avx512vl,fma"))) void block512(float* c, long ldc, const float* a,
                                                               long ars, long acs, const float* b,
                                                               long ldb, int rb, int k, int j0,
                                                               int nj, bool acc) {
  __mmask16 mk[NS];
#pragma GCC unroll 5
  for (int q = 0; q < NS; q++) {
    const int left = nj - 16 * q;
    mk[q] = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
  }
  const float* ar[4];
#pragma GCC unroll 4
  for (int r = 0; r < 4; r++) ar[r] = a + (long)std::min(r, rb - 1) * ars;
  __m512 s[4][NS];
#pragma GCC unroll 4
  for (int r = 0; r < 4; r++)
#pragma GCC unroll 5
    for (int q = 0; q < NS; q++) s[r][q] = _mm512_setzero_ps();
  for (int p = 0; p < k; p++) {
    const float* bp = b + (long)p * ldb + j0;
    __m512 bv[NS];
#pragma GCC unroll 5
    for (int q = 0; q < NS; q++) bv[q] = _mm512_maskz_loadu_ps(mk[q], bp + 16 * q);
    const long o = (long)p * acs;
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++) {
      const __m512 av = _mm512_set1_ps(ar[r][o]);
#pragma GCC unroll 5
      for (int q = 0; q < NS; q++) s[r][q] = _mm512_fmadd_ps(av, bv[q], s[r][q]);
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < 4; r++) {
    if (r >= rb) break;
    float* cr = c + (long)r * ldc + j0;
#pragma GCC unroll 5
    for (int q = 0; q < NS; q++) {
      __m512 v = s[r][q];
      if (acc) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk[q], cr + 16 * q));
      _mm512_mask_storeu_ps(cr + 16 * q, mk[q], v);
    }
  }
}

void product512(float* c, long ldc, const float* a, long ars, long acs, const float* b, long ldb,
                int n, int k, int m, bool acc) {
  constexpr int W = 80;  // columns per pass (NS = 5)
  // k in blocks of KB: a block of b (KB rows of a pass's 80 columns, 23 KB) stays in L1 while
  // every row block of a passes over it (dw = h^T e streams e once per block of 4 units otherwise;
  // 72 keeps the head's other products, k = 64 units or 65 classes, in one block)
  constexpr int KB = 72;
  for (int j0 = 0; j0 < m; j0 += W) {
    const int nj = std::min(W, m - j0);
    for (int p0 = 0; p0 < k || p0 == 0; p0 += KB) {
      const int kc = std::min(KB, k - p0);
      const bool accHere = acc || p0 > 0;
      const float* bk = b + (long)p0 * ldb;
      for (int i0 = 0; i0 < n; i0 += 4) {
        const int rb = std::min(4, n - i0);
        float* ci = c + (long)i0 * ldc;
        const float* ai = a + (long)i0 * ars + (long)p0 * acs;
        switch ((nj + 15) / 16) {
          case 1: block512<1>(ci, ldc, ai, ars, acs, bk, ldb, rb, kc, j0, nj, accHere); break;
          case 2: block512<2>(ci, ldc, ai, ars, acs, bk, ldb, rb, kc, j0, nj, accHere); break;
          case 3: block512<3>(ci, ldc, ai, ars, acs, bk, ldb, rb, kc, j0, nj, accHere); break;
          case 4: block512<4>(ci, ldc, ai, ars, acs, bk, ldb, rb, kc, j0, nj, accHere); break;
          default: block512<5>(ci, ldc, ai, ars, acs, bk, ldb, rb, kc, j0, nj, accHere); break;
        }
      }
    }
  }
}

// exp(x) for x <= 0 (a logit minus its row's max), 16 at a time: Cephes' expf (x = n ln 2 + r,
// |r| <= ln 2 / 2, a degree-5 polynomial for (e^r - 1 - r) / r^2), scaled by 2^n with vscalefps,
// which flushes to 0 below float32's range as std::exp does. Within 2 ulp of std::exp.
__attribute__((target("avx512f,avx512vl,fma"))) inline __m512 exp512(__m512 x) {
  x = _mm512_max_ps(x, _mm512_set1_ps(-104.f));  // exp of anything lower is 0 in float32
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.f)));
  return _mm512_scalef_ps(p, n);
}

inline __mmask16 edge(long left) { return left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1); }

// softmaxRows (below) 16 classes at a time: the same operations but the exp (exp512) and the
// order of the float64 sum.
__attribute__((target("avx512f,avx512vl,avx512dq,fma"))) double softmaxRows512(
    float* e, const float* b, const int* labels, long r0, long r1, long classes) {
  double loss = 0;
  for (long r = r0; r < r1; r++) {
    float* row = e + r * classes;
    __m512 mx = _mm512_set1_ps(-INFINITY);
    for (long j = 0; j < classes; j += 16) {
      const __mmask16 m = edge(classes - j);
      __m512 v = _mm512_maskz_loadu_ps(m, row + j);
      if (b != nullptr) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, b + j));
      _mm512_mask_storeu_ps(row + j, m, v);
      mx = _mm512_mask_max_ps(mx, m, mx, v);
    }
    const float mr = _mm512_reduce_max_ps(mx);
    const int y = labels[r];
    if (y < 0 || y >= classes) {
      std::fill(row, row + classes, 0.f);
      continue;
    }
    const double logit = row[y];
    __m512d sum0 = _mm512_setzero_pd(), sum1 = _mm512_setzero_pd();
    const __m512 vm = _mm512_set1_ps(mr);
    for (long j = 0; j < classes; j += 16) {
      const __mmask16 m = edge(classes - j);
      const __m512 x = _mm512_maskz_mov_ps(m, exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, row + j), vm)));
      _mm512_mask_storeu_ps(row + j, m, x);
      sum0 = _mm512_add_pd(sum0, _mm512_cvtps_pd(_mm512_castps512_ps256(x)));
      sum1 = _mm512_add_pd(sum1, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1))));
    }
    const double sum = _mm512_reduce_add_pd(_mm512_add_pd(sum0, sum1));
    loss -= logit - ((double)mr + std::log(sum));
    const __m512d inv = _mm512_set1_pd(1 / sum);
    for (long j = 0; j < classes; j += 16) {
      const __mmask16 m = edge(classes - j);
      const __m512 x = _mm512_maskz_loadu_ps(m, row + j);
      const __m256 lo = _mm512_cvtpd_ps(_mm512_mul_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(x)), inv));
      const __m256 hi = _mm512_cvtpd_ps(_mm512_mul_pd(
          _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1))), inv));
      const __m512 p = _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(lo)), _mm256_castps_pd(hi), 1));
      _mm512_mask_storeu_ps(row + j, m, p);
    }
  }
  return loss;
}
#endif

// Rows [r0, r1) of e: plus b, then the softmax (zeros without a label); their -log p(label) sum.
double softmaxRows(float* e, const float* b, const int* labels, long r0, long r1, long classes) {
  double loss = 0;
  for (long r = r0; r < r1; r++) {
    float* row = e + r * classes;
    float mr = -INFINITY;
    for (long j = 0; j < classes; j++) {
      const float v = b == nullptr ? row[j] : row[j] + b[j];
      row[j] = v;
      if (v > mr) mr = v;
    }
    const int y = labels[r];
    if (y < 0 || y >= classes) {
      std::fill(row, row + classes, 0.f);
      continue;
    }
    const double logit = row[y];
    double sum = 0;
    for (long j = 0; j < classes; j++) {
      const float x = std::exp((float)(row[j] - mr));
      row[j] = x;
      sum += x;
    }
    loss -= logit - ((double)mr + std::log(sum));
    const double inv = 1 / sum;
    for (long j = 0; j < classes; j++) row[j] = (float)(row[j] * inv);
  }
  return loss;
}

// Rows [r0, r1) of e (softmax) become (p - onehot) scale; s [classes] += their columns (float64).
void gradRows(float* e, const int* labels, long r0, long r1, long classes, double scale,
              double* s) {
  for (long r = r0; r < r1; r++) {
    float* row = e + r * classes;
    const int y = labels[r];
    if (y < 0 || y >= classes) continue;  // all zero already
    for (long j = 0; j < classes; j++) {
      const float v = (float)(((double)row[j] - (j == y ? 1 : 0)) * scale);
      row[j] = v;
      s[j] += v;
    }
  }
}

// db[j] = the threads' column sums, added in thread order
void columnSums(const std::vector<double>& sums, int used, long classes, float* db) {
  for (long j = 0; j < classes; j++) {
    double v = 0;
    for (int t = 0; t < used; t++) v += sums[(size_t)t * classes + j];
    db[j] = (float)v;
  }
}

// softmaxRows on the kernels this CPU runs
double rowsSoftmax(float* e, const float* b, const int* labels, long r0, long r1, long classes) {
#ifdef RNNKIT_X86
  if (ownKernels()) return softmaxRows512(e, b, labels, r0, r1, classes);
#endif
  return softmaxRows(e, b, labels, r0, r1, classes);
}

// c [n, m] (row stride ldc) = (acc ? c : 0) + a b on this thread (ownKernels() only): a(i, p) =
// a[i * ars + p * acs], b [k, m] row-major (row stride ldb).
void headProduct(float* c, long ldc, const float* a, long ars, long acs, const float* b, long ldb,
                 int n, int k, int m, bool acc) {
#ifdef RNNKIT_X86
  if (n > 0 && m > 0) product512(c, ldc, a, ars, acs, b, ldb, n, k, m, acc);
#endif
}

}  // namespace

double headForward(const float* h, const float* w, const float* b, const int* labels, long rows,
                   int units, int classes, float* e) {
  const bool own = ownKernels();
  if (!own) gemm(e, classes, Mat{h, units, 1}, Mat{w, classes, 1}, (int)rows, units, classes, false);
  double partial[2] = {0, 0};
  pool().run(
      [&](int t, int nt) {
        const long r0 = part(rows, t, nt), r1 = part(rows, t + 1, nt);
        if (own)
          headProduct(e + r0 * classes, classes, h + r0 * units, units, 1, w, classes,
                      (int)(r1 - r0), units, classes, false);
        partial[t] = rowsSoftmax(e, b, labels, r0, r1, classes);
      },
      headThreads(rows * classes));
  return partial[0] + partial[1];
}

void headBackward(const float* h, const float* w, float* e, const int* labels, long rows,
                  int units, int classes, double scale, float* dh, float* dw, float* db) {
  const bool own = ownKernels();
  const size_t wSize = (size_t)units * classes;
  std::vector<float> wT(own ? wSize : 0);  // [classes, units], for dh = e w^T row by row
  for (int p = 0; own && p < units; p++)
    for (int j = 0; j < classes; j++) wT[(size_t)j * units + p] = w[(size_t)p * classes + j];
  std::vector<double> sums(2 * (size_t)classes, 0.0);
  std::vector<float> theirs(own ? wSize : 0);  // the second thread's dw
  int used = 1;
  pool().run(
      [&](int t, int nt) {
        if (t == 0) used = nt;
        const long r0 = part(rows, t, nt), r1 = part(rows, t + 1, nt);
        const int n = (int)(r1 - r0);
        gradRows(e, labels, r0, r1, classes, scale, sums.data() + (size_t)t * classes);
        if (!own) return;
        const float* et = e + r0 * classes;
        headProduct(dh + r0 * units, units, et, classes, 1, wT.data(), units, n, classes, units,
                    false);
        // [units, classes] = h^T (rows r0..r1) e: a(i, p) = h[p * units + i]
        float* dwt = t == 0 ? dw : theirs.data();
        headProduct(dwt, classes, h + r0 * units, 1, units, et, classes, units, n, classes, false);
      },
      headThreads(rows * classes));
  if (own && used > 1)
    for (size_t i = 0; i < wSize; i++) dw[i] += theirs[i];
  if (!own) {
    // dh [rows, units] = e w^T; dw [units, classes] = h^T e
    gemm(dh, units, Mat{e, classes, 1}, Mat{w, 1, classes}, (int)rows, classes, units, false);
    gemm(dw, classes, Mat{h, 1, units}, Mat{e, classes, 1}, units, (int)rows, classes, false);
  }
  columnSums(sums, used, classes, db);
}

}  // namespace rnnkit
