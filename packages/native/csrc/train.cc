// See train.h.
#include "train.h"

#include "pool.h"
#include "rows.h"

namespace rnnkit {

void adamStep(const float* w, const float* g, float* m, float* v, float* out, size_t n,
              const float* c) {
  const Rows& rw = rows();
  // both threads, each on its own contiguous half (small updates stay on this thread)
  pool().run(
      [&](int t, int nt) {
        const size_t from = n * t / nt, to = n * (t + 1) / nt;
        rw.adam(w + from, g + from, m + from, v + from, out + from, (long)(to - from), c);
      },
      n < (1u << 15) ? 1 : 0);
}

}  // namespace rnnkit
