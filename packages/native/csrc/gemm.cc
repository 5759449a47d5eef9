// GEMM micro-kernels and the blocked product over them (see gemm.h).
#include "gemm.h"

#if defined(__x86_64__) || defined(__i386__)
#define RNNKIT_X86 1
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "pool.h"
#include "rows.h"

namespace rnnkit {

namespace {

// k block of the large products: a 32-column B panel of KC rows (32 KB) stays in L1 with an A panel
// (384 rows, 48 KB, did not: 8% slower on the recurrent weight's gradient)
constexpr int KC = 256;
constexpr int STEP_KC = 256;  // k block of the general product: an A and a B panel stay in L1/L2

#ifdef RNNKIT_X86
// AVX-512: 8 rows x 32 columns, 16 zmm accumulators; edges through masked loads and stores.
// PACKED: a is a packed panel ([kc][8]); else a is read in place, row r at a + r * lda (the
// per-step products of the recurrence have 16 or 32 rows, whose packing cost as much as a tenth of
// the product), rows past mr reading row 0 again, not stored.
template <bool PACKED>
__attribute__((target("avx512f,avx512vl,fma"), always_inline)) inline void tile512(
    int kc, const float* a, long lda, const float* bp, float* c, long ldc, int mr, int nr,
    bool acc) {
  const float* ar[8];
  for (int r = 0; r < 8; r++) ar[r] = PACKED ? a + r : a + (r < mr ? r : 0) * lda;
  __m512 c0[8], c1[8];
  for (int r = 0; r < 8; r++) c0[r] = c1[r] = _mm512_setzero_ps();
  for (int p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_loadu_ps(bp);
    const __m512 b1 = _mm512_loadu_ps(bp + 16);
    for (int r = 0; r < 8; r++) {
      const __m512 av = _mm512_set1_ps(PACKED ? a[8 * p + r] : ar[r][p]);
      c0[r] = _mm512_fmadd_ps(av, b0, c0[r]);
      c1[r] = _mm512_fmadd_ps(av, b1, c1[r]);
    }
    bp += 32;
  }
  const __mmask16 m0 = nr >= 16 ? 0xFFFF : (__mmask16)((1u << nr) - 1);
  const __mmask16 m1 = nr >= 32 ? 0xFFFF : nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1);
  for (int r = 0; r < mr; r++) {
    float* o = c + r * ldc;
    __m512 v0 = c0[r], v1 = c1[r];
    if (acc) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, o));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, o + 16));
    }
    _mm512_mask_storeu_ps(o, m0, v0);
    _mm512_mask_storeu_ps(o + 16, m1, v1);
  }
}

__attribute__((target("avx512f,avx512vl,fma"))) void kernel512(int kc, const float* ap,
                                                                 const float* bp, float* c,
                                                                 long ldc, int mr, int nr,
                                                                 bool acc) {
  tile512<true>(kc, ap, 8, bp, c, ldc, mr, nr, acc);
}

__attribute__((target("avx512f,avx512vl,fma"))) void kernel512a(int kc, const float* a, long lda,
                                                                  const float* bp, float* c,
                                                                  long ldc, int mr, int nr,
                                                                  bool acc) {
  tile512<false>(kc, a, lda, bp, c, ldc, mr, nr, acc);
}

// AVX2: 6 rows x 16 columns, 12 ymm accumulators; edges through a small tile.
__attribute__((target("avx2,fma"))) void kernel256(int kc, const float* ap, const float* bp,
                                                   float* c, long ldc, int mr, int nr, bool acc) {
  __m256 c0[6], c1[6];
  for (int r = 0; r < 6; r++) c0[r] = c1[r] = _mm256_setzero_ps();
  for (int p = 0; p < kc; p++) {
    const __m256 b0 = _mm256_loadu_ps(bp);
    const __m256 b1 = _mm256_loadu_ps(bp + 8);
    for (int r = 0; r < 6; r++) {
      const __m256 a = _mm256_broadcast_ss(ap + r);
      c0[r] = _mm256_fmadd_ps(a, b0, c0[r]);
      c1[r] = _mm256_fmadd_ps(a, b1, c1[r]);
    }
    ap += 6;
    bp += 16;
  }
  if (mr == 6 && nr == 16) {
    for (int r = 0; r < 6; r++) {
      float* o = c + r * ldc;
      __m256 v0 = c0[r], v1 = c1[r];
      if (acc) {
        v0 = _mm256_add_ps(v0, _mm256_loadu_ps(o));
        v1 = _mm256_add_ps(v1, _mm256_loadu_ps(o + 8));
      }
      _mm256_storeu_ps(o, v0);
      _mm256_storeu_ps(o + 8, v1);
    }
    return;
  }
  alignas(32) float tile[6 * 16];
  for (int r = 0; r < 6; r++) {
    _mm256_store_ps(tile + r * 16, c0[r]);
    _mm256_store_ps(tile + r * 16 + 8, c1[r]);
  }
  for (int r = 0; r < mr; r++)
    for (int j = 0; j < nr; j++) c[r * ldc + j] = (acc ? c[r * ldc + j] : 0.f) + tile[r * 16 + j];
}

#endif

// Portable: 4 rows x 8 columns in plain C++ (the compiler vectorises what the target allows).
void kernelGeneric(int kc, const float* ap, const float* bp, float* c, long ldc, int mr, int nr,
                   bool acc) {
  float t[4][8] = {};
  for (int p = 0; p < kc; p++) {
    for (int r = 0; r < 4; r++)
      for (int j = 0; j < 8; j++) t[r][j] += ap[r] * bp[j];
    ap += 4;
    bp += 8;
  }
  for (int r = 0; r < mr; r++)
    for (int j = 0; j < nr; j++) c[r * ldc + j] = (acc ? c[r * ldc + j] : 0.f) + t[r][j];
}

const Isa ISAGEN{"generic", 4, 8, kernelGeneric};
#ifdef RNNKIT_X86
const Isa ISA512{"avx512", 8, 32, kernel512};
const Isa ISA256{"avx2", 6, 16, kernel256};

bool has512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("fma");
}
bool has256() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
// elsewhere (arm64, ...) the portable kernel only
const Isa ISA512 = ISAGEN;
const Isa ISA256 = ISAGEN;
bool has512() { return false; }
bool has256() { return false; }
#endif

const Isa* chooseIsa() {
  const char* want = std::getenv("RNNKIT_NATIVE_ISA");
  if (want != nullptr && std::strcmp(want, "generic") == 0) return &ISAGEN;
  if (want != nullptr && std::strcmp(want, "avx2") == 0 && has256()) return &ISA256;
  if (has512()) return &ISA512;
  if (has256()) return &ISA256;
  return &ISAGEN;
}

const Isa* current = nullptr;

// A panel of MR rows by kc of a, rows [i0, i0 + mr), columns [p0, p0 + kc), zero past mr.
void packA(float* dst, Mat a, int i0, int mr, int p0, int kc, int MR) {
  for (int p = 0; p < kc; p++) {
    const float* src = a.p + (long)i0 * a.rs + (long)(p0 + p) * a.cs;
    int r = 0;
    for (; r < mr; r++) dst[r] = src[r * a.rs];
    for (; r < MR; r++) dst[r] = 0.f;
    dst += MR;
  }
}

// A panel of NR columns by kc of b, columns [j0, j0 + nr), rows [p0, p0 + kc), zero past nr.
void packBPanel(float* dst, Mat b, int j0, int nr, int p0, int kc, int NR) {
  for (int p = 0; p < kc; p++) {
    const float* src = b.p + (long)(p0 + p) * b.rs + (long)j0 * b.cs;
    int j = 0;
    if (b.cs == 1) {
      std::memcpy(dst, src, sizeof(float) * nr);
      j = nr;
    } else {
      for (; j < nr; j++) dst[j] = src[j * b.cs];
    }
    for (; j < NR; j++) dst[j] = 0.f;
    dst += NR;
  }
}

}  // namespace

const Rows& rows() {
  const Isa& is = isa();
  if (&is == &ISA512 && has512()) return rows512::table();
  if (&is == &ISA256 && has256()) return rows256::table();
  return rowsGeneric::table();
}

const Isa& isa() {
  if (current == nullptr) current = chooseIsa();
  return *current;
}

bool forceIsa(const char* name) {
  if (std::strcmp(name, "generic") == 0) {
    current = &ISAGEN;
    return true;
  }
  if (std::strcmp(name, "avx2") == 0 && has256()) {
    current = &ISA256;
    return true;
  }
  if (std::strcmp(name, "avx512") == 0 && has512()) {
    current = &ISA512;
    return true;
  }
  return false;
}

PackedB packB(Mat b, int k, int m) {
  const Isa& is = isa();
  PackedB pb;
  pb.k = k;
  pb.m = m;
  pb.nr = is.nr;
  const int panels = (m + is.nr - 1) / is.nr;
  pb.data.resize((size_t)panels * k * is.nr);
  for (int q = 0; q < panels; q++) {
    const int j0 = q * is.nr;
    packBPanel(pb.data.data() + (size_t)q * k * is.nr, b, j0, std::min(is.nr, m - j0), 0, k,
               is.nr);
  }
  return pb;
}

void gemmPacked(float* c, long ldc, const float* a, long lda, int rows, const PackedB& pb,
                bool acc, std::vector<float>& scratch) {
  const Isa& is = isa();
  const int MR = is.mr, NR = is.nr, k = pb.k;
  const int aPanels = (rows + MR - 1) / MR;
  const int panels = (pb.m + NR - 1) / NR;
#ifdef RNNKIT_X86
  if (&is == &ISA512) {
    for (int p0 = 0; p0 < k; p0 += STEP_KC) {
      const int kc = std::min(STEP_KC, k - p0);
      for (int q = 0; q < panels; q++) {
        const float* bp = pb.data.data() + (size_t)q * k * NR + (size_t)p0 * NR;
        const int nr = std::min(NR, pb.m - q * NR);
        for (int ip = 0; ip < aPanels; ip++)
          kernel512a(kc, a + (long)ip * MR * lda + p0, lda, bp, c + (long)ip * MR * ldc + q * NR,
                     ldc, std::min(MR, rows - ip * MR), nr, acc || p0 > 0);
      }
    }
    return;
  }
#endif
  if (scratch.size() < (size_t)aPanels * MR * k) scratch.resize((size_t)aPanels * MR * k);
  const Mat am{a, lda, 1};
  for (int ip = 0; ip < aPanels; ip++)
    packA(scratch.data() + (size_t)ip * MR * k, am, ip * MR, std::min(MR, rows - ip * MR), 0, k,
          MR);
  // k in blocks of STEP_KC: a block of a B panel and of every A panel stay in L1 together
  for (int p0 = 0; p0 < k; p0 += STEP_KC) {
    const int kc = std::min(STEP_KC, k - p0);
    for (int q = 0; q < panels; q++) {
      const float* bp = pb.data.data() + (size_t)q * k * NR + (size_t)p0 * NR;
      const int nr = std::min(NR, pb.m - q * NR);
      for (int ip = 0; ip < aPanels; ip++) {
        is.kernel(kc, scratch.data() + (size_t)ip * MR * k + (size_t)p0 * MR, bp,
                  c + (long)ip * MR * ldc + q * NR, ldc, std::min(MR, rows - ip * MR), nr,
                  acc || p0 > 0);
      }
    }
  }
}

void gemm(float* c, long ldc, Mat a, Mat b, int n, int k, int m, bool acc) {
  if (n <= 0 || m <= 0) return;
  if (k <= 0) {
    if (!acc)
      for (int i = 0; i < n; i++) std::fill(c + (long)i * ldc, c + (long)i * ldc + m, 0.f);
    return;
  }
  const Isa& is = isa();
  const int MR = is.mr, NR = is.nr;
  const int aPanels = (n + MR - 1) / MR;
  const int bPanels = (m + NR - 1) / NR;
  const int kcMax = std::min(k, KC);
  // the panels, not zeroed first (packing writes every value; zeroing 1.25 MB for dR showed up)
#ifdef RNNKIT_X86
  // a row-major a is read in place by the AVX-512 tile (no pass over it: the head's logits h w read
  // a [2048, 256] h for a product 65 wide, where packing h was most of the time)
  const bool aInPlace = &is == &ISA512 && a.cs == 1;
#else
  const bool aInPlace = false;
#endif
  const std::unique_ptr<float[]> apBuf(aInPlace ? nullptr : new float[(size_t)aPanels * MR * kcMax]);
  const std::unique_ptr<float[]> bpBuf(new float[(size_t)bPanels * NR * kcMax]);
  float* const ap = apBuf.get();
  float* const bp = bpBuf.get();
  Pool& pl = pool();
  // split the output by column panels when there are enough of them, else by row panels
  const bool byColumns = bPanels >= 2 * pl.size() || bPanels >= aPanels;
  const int threads = threadsFor(2.0 * n * k * m);
  // thread t of nt packs its share of k block [p0, p0 + kc): A's row panels ip = t, t + nt, ...
  // and B's column panels [qFrom, qTo), each kcMax rows apart (so a thread's B panels are the same
  // bytes in every block: it may pack the next block while the other multiplies by this one)
  const auto pack = [&](int t, int nt, int p0, int kc) {
    for (int ip = t; ip < aPanels && !aInPlace; ip += nt)
      packA(ap + (size_t)ip * MR * kc, a, ip * MR, std::min(MR, n - ip * MR), p0, kc,
            MR);
    const int qFrom = (int)((long)bPanels * t / nt), qTo = (int)((long)bPanels * (t + 1) / nt);
    if (b.cs == 1 && NR * qTo <= m) {
      // whole panels of a row-major b: row by row (each row read once, in order; a panel at a
      // time would read the rows with a stride of ldb, one cache set for all of them)
      for (int p = 0; p < kc; p++) {
        const float* src = b.p + (long)(p0 + p) * b.rs;
        for (int q = qFrom; q < qTo; q++)
          std::memcpy(bp + ((size_t)q * kcMax + p) * NR, src + q * NR, sizeof(float) * NR);
      }
    } else {
      for (int q = qFrom; q < qTo; q++)
        packBPanel(bp + (size_t)q * NR * kcMax, b, q * NR, std::min(NR, m - q * NR), p0, kc,
                   NR);
    }
  };
  // and multiplies its share of the output by that block: column panels [qFrom, qTo) (the ones it
  // packed) or row panels
  const auto multiply = [&](int t, int nt, int p0, int kc) {
    const bool accHere = acc || p0 > 0;
    const int total = byColumns ? bPanels : aPanels;
    const int from = (int)((long)total * t / nt), to = (int)((long)total * (t + 1) / nt);
    for (int x = from; x < to; x++) {
      const int qFrom = byColumns ? x : 0, qTo = byColumns ? x + 1 : bPanels;
      const int iFrom = byColumns ? 0 : x, iTo = byColumns ? aPanels : x + 1;
      for (int q = qFrom; q < qTo; q++)
        for (int ip = iFrom; ip < iTo; ip++)
#ifdef RNNKIT_X86
          if (aInPlace)
            kernel512a(kc, a.p + (long)ip * MR * a.rs + p0, a.rs, bp + (size_t)q * NR * kcMax,
                       c + (long)ip * MR * ldc + q * NR, ldc, std::min(MR, n - ip * MR),
                       std::min(NR, m - q * NR), accHere);
          else
#endif
          is.kernel(kc, ap + (size_t)ip * MR * kc, bp + (size_t)q * NR * kcMax,
                    c + (long)ip * MR * ldc + q * NR, ldc, std::min(MR, n - ip * MR),
                    std::min(NR, m - q * NR), accHere);
    }
  };
  if (aInPlace && byColumns) {
    // no packed A, and each thread multiplies only the B panels it packed: no thread waits for
    // another between blocks, so the whole product is one handover (the recurrent weight's
    // gradient, k = batch x time in blocks of KC, was two per block)
    pl.run([&](int t, int nt) {
      for (int p0 = 0; p0 < k; p0 += KC) {
        pack(t, nt, p0, std::min(KC, k - p0));
        multiply(t, nt, p0, std::min(KC, k - p0));
      }
    }, threads);
    return;
  }
  for (int p0 = 0; p0 < k; p0 += KC) {
    const int kc = std::min(KC, k - p0);
    pl.run([&](int t, int nt) { pack(t, nt, p0, kc); }, threads);
    pl.run([&](int t, int nt) { multiply(t, nt, p0, kc); }, threads);
  }
}

}  // namespace rnnkit
