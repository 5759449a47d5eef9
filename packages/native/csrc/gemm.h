// Matrix products for the recurrence kernel: micro-kernels with AVX-512 FMA, AVX2 FMA and a portable
// fallback, chosen at run time (cpuid through __builtin_cpu_supports; RNNKIT_NATIVE_ISA forces a
// lower one). Operands are packed into panels first (B: NR columns by k; A: MR rows by k).
#pragma once
#include <vector>

namespace rnnkit {

// A strided view: element (i, j) at p[i * rs + j * cs] (a transpose is a view with rs and cs swapped).
struct Mat {
  const float* p;
  long rs;
  long cs;
};

struct Isa {
  const char* name;
  int mr;
  int nr;
  // c[mr, nr] (row stride ldc) = (acc ? c : 0) + ap[kc][MR] x bp[kc][NR] (packed panels)
  void (*kernel)(int kc, const float* ap, const float* bp, float* c, long ldc, int mr, int nr,
                 bool acc);
};

const Isa& isa();
// Forces an ISA by name ("avx512", "avx2", "generic"); false when this CPU lacks it.
bool forceIsa(const char* name);

// A right operand packed once, for many products by it (the recurrent weight per sequence).
struct PackedB {
  std::vector<float> data;  // panels of [k][NR]
  int k = 0;
  int m = 0;
  int nr = 0;
};
PackedB packB(Mat b, int k, int m);

// c[rows, m] (row stride ldc) = (acc ? c : 0) + a[rows, k] (row stride lda) x pb, on this thread.
// scratch: at least (rows rounded up to MR) * k floats.
void gemmPacked(float* c, long ldc, const float* a, long lda, int rows, const PackedB& pb,
                bool acc, std::vector<float>& scratch);

// c[n, m] (row stride ldc) = (acc ? c : 0) + a[n, k] x b[k, m], on the pool's threads.
void gemm(float* c, long ldc, Mat a, Mat b, int n, int k, int m, bool acc);

}  // namespace rnnkit
