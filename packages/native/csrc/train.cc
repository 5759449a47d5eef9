// See train.h.
#include "train.h"

#include <cmath>

namespace rnnkit {

__attribute__((target_clones("default", "arch=haswell", "arch=skylake-avx512"))) void adamStep(
    const float* w, const float* g, float* m, float* v, float* out, size_t n, const float* c) {
  const float b1 = c[0], b2 = c[1], omb1 = c[2], omb2 = c[3], omab1 = c[4], omab2 = c[5];
  const float eps = c[6], negLr = c[7], keep = c[8];
  const bool decay = keep != 1.f;
  for (size_t j = 0; j < n; j++) {
    const float gj = g[j];
    const float mj = m[j] * b1 + gj * omb1;
    const float vj = v[j] * b2 + (gj * gj) * omb2;
    m[j] = mj;
    v[j] = vj;
    const float mHat = mj / omab1;
    const float vHat = vj / omab2;
    const float step = (mHat / (std::sqrt(vHat) + eps)) * negLr;
    const float wj = decay ? w[j] * keep : w[j];
    out[j] = step + wj;
  }
}

}  // namespace rnnkit
