// See train.h.
#include "train.h"

#include <cmath>
#include <vector>

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

namespace {
// rows [r0, r1) of n on thread t of nt
inline long part(long n, int t, int nt) { return n * t / nt; }
// the pool's threads for a head of `values` values: small heads stay on the calling thread
inline int headThreads(long values) { return values < (1L << 14) ? 1 : 0; }
}  // namespace

double headSoftmax(float* e, const float* b, const int* labels, long rows, long classes) {
  double partial[2] = {0, 0};
  pool().run(
      [&](int t, int nt) {
        double loss = 0;
        for (long r = part(rows, t, nt); r < part(rows, t + 1, nt); r++) {
          float* row = e + r * classes;
          float mr = -INFINITY;
          for (long j = 0; j < classes; j++) {
            const float v = b == nullptr ? row[j] : row[j] + b[j];
            row[j] = v;
            if (v > mr) mr = v;
          }
          const int y = labels[r];
          if (y < 0 || y >= classes) {
            for (long j = 0; j < classes; j++) row[j] = 0;
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
        partial[t] = loss;
      },
      headThreads(rows * classes));
  return partial[0] + partial[1];
}

void headGrad(float* e, const int* labels, long rows, long classes, double scale, float* db) {
  std::vector<double> sums(2 * (size_t)classes, 0.0);
  int used = 1;
  pool().run(
      [&](int t, int nt) {
        if (t == 0) used = nt;
        double* s = sums.data() + (size_t)t * classes;
        for (long r = part(rows, t, nt); r < part(rows, t + 1, nt); r++) {
          float* row = e + r * classes;
          const int y = labels[r];
          if (y < 0 || y >= classes) continue;  // all zero already
          for (long j = 0; j < classes; j++) {
            const float v = (float)(((double)row[j] - (j == y ? 1 : 0)) * scale);
            row[j] = v;
            s[j] += v;
          }
        }
      },
      headThreads(rows * classes));
  for (long j = 0; j < classes; j++) {
    double v = 0;
    for (int t = 0; t < used; t++) v += sums[(size_t)t * classes + j];
    db[j] = (float)v;
  }
}

}  // namespace rnnkit
