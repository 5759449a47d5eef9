// The recurrence kernel (see recurrence.h). Each thread of the pool runs the whole time loop for
// its own batch rows (rows are independent through time: no thread waits for another per step),
// with the recurrent weight packed once per run; the gates of a step are computed on its product
// block right after the product, while it is in cache. The weight gradient is one large product
// over all steps after the loop, on every thread.
#include "recurrence.h"

#include <algorithm>
#include <vector>

#include "gemm.h"
#include "pool.h"
#include "rows.h"


namespace rnnkit {

namespace {

int gatesOf(int cell) { return cell == LSTM ? 4 : cell == GRU ? 3 : 1; }

// Runs body(b0, nb) on the pool's threads, each over its own nb > 0 batch rows [b0, b0 + nb)
// (thread t of n takes [batch t / n, batch (t + 1) / n); a thread with no rows does nothing).
template <class Body>
void eachRowBlock(int batch, const Body& body, int threads) {
  pool().run([&](int t, int n) {
    const int b0 = (int)((long)batch * t / n);
    const int nb = (int)((long)batch * (t + 1) / n) - b0;
    if (nb > 0) body(b0, nb);
  }, threads);
}

}  // namespace

void forward(const RunSpec& s, const RunBuffers& bf) {
  const Rows& rw = rows();
  const int u = s.units, B = s.batch, T = s.time, g = gatesOf(s.cell) * u;
  const long bu = (long)B * u;
  const bool before = s.cell == GRU && !s.resetAfter;
  const Mat R{bf.rec, g, 1};
  // weights packed once per run: [u, g] (or the [u, 2u] and [u, u] blocks without reset-after)
  PackedB p1 = packB(R, u, before ? 2 * u : g);
  PackedB p2;
  if (before) p2 = packB(Mat{bf.rec + 2 * u, g, 1}, u, u);
  eachRowBlock(B, [&](int b0, int nb) {
    std::vector<float> scratch;
    std::vector<float> m((size_t)nb * g);
    for (int k = 0; k < T; k++) {
      const float* hp = bf.hs + k * bu + (long)b0 * u;
      float* hn = bf.hs + (k + 1) * bu + (long)b0 * u;
      const long row0 = (long)k * B + b0;
      if (before) {
        gemmPacked(m.data(), 2 * u, hp, u, nb, p1, false, scratch);
        for (int b = 0; b < nb; b++)
          rw.gruBeforeGatesRow(u, s.act, s.recAct, bf.xp + (row0 + b) * g, m.data() + (long)b * 2 * u,
                            hp + (long)b * u, bf.aux + (row0 + b) * u);
        gemmPacked(m.data(), u, bf.aux + row0 * u, u, nb, p2, false, scratch);
        for (int b = 0; b < nb; b++)
          rw.gruBeforeStateRow(u, s.act, s.recAct, bf.xp + (row0 + b) * g, m.data() + (long)b * u,
                            hp + (long)b * u, hn + (long)b * u);
        continue;
      }
      gemmPacked(m.data(), g, hp, u, nb, p1, false, scratch);
      for (int b = 0; b < nb; b++) {
        float* xg = bf.xp + (row0 + b) * g;
        const float* mb = m.data() + (long)b * g;
        if (s.cell == LSTM) {
          const float* cp = bf.cs + k * bu + (long)(b0 + b) * u;
          rw.lstmRow(u, s.act, s.recAct, xg, mb, cp, (float*)cp + bu, hn + (long)b * u);
        } else if (s.cell == RNN) {
          rw.rnnRow(u, s.act, s.recAct, xg, mb, hn + (long)b * u);
        } else {
          rw.gruAfterRow(u, s.act, s.recAct, xg, mb, bf.bRec, hp + (long)b * u,
                      bf.aux + (row0 + b) * u, hn + (long)b * u);
        }
      }
    }
  }, threadsFor(2.0 * T * B * u * g));
}

void backward(const RunSpec& s, const RunBuffers& bf, const GradBuffers& d) {
  const Rows& rw = rows();
  const int u = s.units, B = s.batch, T = s.time, g = gatesOf(s.cell) * u;
  const long bu = (long)B * u, rows = (long)T * B;
  const bool before = s.cell == GRU && !s.resetAfter;
  // R^T, packed once: [g, u] (without reset-after: the [2u, u] and [u, u] blocks)
  PackedB rT = packB(Mat{bf.rec, 1, g}, before ? 2 * u : g, u);
  PackedB rhT;
  if (before) rhT = packB(Mat{bf.rec + 2 * u, 1, g}, u, u);
  eachRowBlock(B, [&](int b0, int nb) {
    std::vector<float> scratch;
    std::vector<float> dhp((size_t)nb * u), drh((size_t)nb * u);
    float* dh = d.dh + (long)b0 * u;
    float* dc = s.cell == LSTM ? d.dc + (long)b0 * u : nullptr;
    for (int k = T - 1; k >= 0; k--) {
      if (d.dSeq != nullptr)
        for (int b = 0; b < nb; b++) {
          const float* src = d.dSeq + ((long)(b0 + b) * T + k) * u;
          float* dst = dh + (long)b * u;
          for (int j = 0; j < u; j++) dst[j] += src[j];
        }
      const long row0 = (long)k * B + b0;
      const float* hp = bf.hs + k * bu + (long)b0 * u;
      if (s.cell == LSTM) {
        for (int b = 0; b < nb; b++) {
          const float* cp = bf.cs + k * bu + (long)(b0 + b) * u;
          rw.lstmBackRow(u, s.act, s.recAct, dh + (long)b * u, dc + (long)b * u, cp, cp + bu,
                      d.dZ + (row0 + b) * g);
        }
        gemmPacked(dh, u, d.dZ + row0 * g, g, nb, rT, false, scratch);
      } else if (s.cell == RNN) {
        for (int b = 0; b < nb; b++)
          rw.rnnBackRow(u, s.act, s.recAct, dh + (long)b * u, hp + bu + (long)b * u, d.dZ + (row0 + b) * g);
        gemmPacked(dh, u, d.dZ + row0 * g, g, nb, rT, false, scratch);
      } else if (!before) {
        for (int b = 0; b < nb; b++)
          rw.gruAfterBackRow(u, s.act, s.recAct, dh + (long)b * u, hp + (long)b * u,
                          d.dZ + (row0 + b) * g, bf.aux + (row0 + b) * u,
                          d.dZin + (row0 + b) * g, dhp.data() + (long)b * u);
        std::copy(dhp.begin(), dhp.end(), dh);
        gemmPacked(dh, u, d.dZ + row0 * g, g, nb, rT, true, scratch);
      } else {
        for (int b = 0; b < nb; b++)
          rw.gruBeforeBackH(u, s.act, s.recAct, dh + (long)b * u, hp + (long)b * u,
                         bf.xp + (row0 + b) * g, d.dZin + (row0 + b) * g,
                         dhp.data() + (long)b * u);
        gemmPacked(drh.data(), u, d.dZin + row0 * g + 2 * u, g, nb, rhT, false, scratch);
        for (int b = 0; b < nb; b++)
          rw.gruBeforeBackR(u, s.act, s.recAct, drh.data() + (long)b * u, hp + (long)b * u,
                         bf.xp + (row0 + b) * g, d.dZin + (row0 + b) * g,
                         dhp.data() + (long)b * u);
        std::copy(dhp.begin(), dhp.end(), dh);
        gemmPacked(dh, u, d.dZin + row0 * g, g, nb, rT, true, scratch);
      }
    }
  }, threadsFor(2.0 * T * B * u * g));
  // dR = h_prev^T dZ over all rows (without reset-after, the h block from (r * h)^T dAh)
  const Mat hPrevT{bf.hs, 1, u};
  if (before) {
    gemm(d.dR, g, hPrevT, Mat{d.dZin, g, 1}, u, (int)rows, 2 * u, false);
    gemm(d.dR + 2 * u, g, Mat{bf.aux, 1, u}, Mat{d.dZin + 2 * u, g, 1}, u, (int)rows, u, false);
  } else {
    gemm(d.dR, g, hPrevT, Mat{d.dZ, g, 1}, u, (int)rows, g, false);
  }
  if (d.dBrec != nullptr) {
    std::fill(d.dBrec, d.dBrec + g, 0.f);
    for (long r = 0; r < rows; r++)
      for (int j = 0; j < g; j++) d.dBrec[j] += d.dZ[r * g + j];
  }
}

}  // namespace rnnkit
