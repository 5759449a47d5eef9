// The recurrence kernel (see recurrence.h). Each thread of the pool runs the whole time loop for
// its own batch rows (rows are independent through time: no thread waits for another per step),
// with the recurrent weight packed once per run; the gates of a step are computed on its product
// block right after the product, while it is in cache. The weight gradient is one large product
// over all steps after the loop, on every thread.
#include "recurrence.h"

#include <algorithm>
#include <vector>

#include "gates.h"
#include "gemm.h"
#include "pool.h"

#define CLONES __attribute__((target_clones("default", "arch=haswell", "arch=skylake-avx512")))

namespace rnnkit {

namespace {

// ---- forward gate steps on one row (u units) ----

CLONES void lstmRow(int u, int act, int rec, float* __restrict xg, const float* __restrict m,
                    const float* __restrict cPrev, float* __restrict cNext,
                    float* __restrict hNext) {
  if (act == TANH && rec == SIGMOID) {
    for (int j = 0; j < u; j++) {
      const float i = sigmoidF(xg[j] + m[j]);
      const float f = sigmoidF(xg[u + j] + m[u + j]);
      const float g = tanhF(xg[2 * u + j] + m[2 * u + j]);
      const float o = sigmoidF(xg[3 * u + j] + m[3 * u + j]);
      const float c = f * cPrev[j] + i * g;
      xg[j] = i;
      xg[u + j] = f;
      xg[2 * u + j] = g;
      xg[3 * u + j] = o;
      cNext[j] = c;
      hNext[j] = o * tanhF(c);
    }
    return;
  }
  for (int j = 0; j < u; j++) {
    const float i = actF(rec, xg[j] + m[j]);
    const float f = actF(rec, xg[u + j] + m[u + j]);
    const float g = actF(act, xg[2 * u + j] + m[2 * u + j]);
    const float o = actF(rec, xg[3 * u + j] + m[3 * u + j]);
    const float c = f * cPrev[j] + i * g;
    xg[j] = i;
    xg[u + j] = f;
    xg[2 * u + j] = g;
    xg[3 * u + j] = o;
    cNext[j] = c;
    hNext[j] = o * actF(act, c);
  }
}

CLONES void rnnRow(int u, int act, const float* __restrict xp, const float* __restrict m,
                   float* __restrict hNext) {
  if (act == TANH) {
    for (int j = 0; j < u; j++) hNext[j] = tanhF(xp[j] + m[j]);
    return;
  }
  for (int j = 0; j < u; j++) hNext[j] = actF(act, xp[j] + m[j]);
}

// resetAfter: m = h R (all 3 blocks), bRec the recurrent bias row
CLONES void gruAfterRow(int u, int act, int rec, float* __restrict xg, const float* __restrict m,
                        const float* __restrict bRec, const float* __restrict hPrev,
                        float* __restrict mh, float* __restrict hNext) {
  for (int j = 0; j < u; j++) {
    const float z = actF(rec, xg[j] + m[j] + bRec[j]);
    const float r = actF(rec, xg[u + j] + m[u + j] + bRec[u + j]);
    const float mhj = m[2 * u + j] + bRec[2 * u + j];
    const float hh = actF(act, xg[2 * u + j] + r * mhj);
    xg[j] = z;
    xg[u + j] = r;
    xg[2 * u + j] = hh;
    mh[j] = mhj;
    hNext[j] = z * hPrev[j] + (1.f - z) * hh;
  }
}

// resetAfter false, first half: z, r from m1 = h R[:, :2u]; rh = r * h
CLONES void gruBeforeGatesRow(int u, int rec, float* __restrict xg, const float* __restrict m1,
                              const float* __restrict hPrev, float* __restrict rh) {
  for (int j = 0; j < u; j++) {
    const float z = actF(rec, xg[j] + m1[j]);
    const float r = actF(rec, xg[u + j] + m1[u + j]);
    xg[j] = z;
    xg[u + j] = r;
    rh[j] = r * hPrev[j];
  }
}

// second half: hh from m2 = (r * h) R[:, 2u:]
CLONES void gruBeforeStateRow(int u, int act, float* __restrict xg, const float* __restrict m2,
                              const float* __restrict hPrev, float* __restrict hNext) {
  for (int j = 0; j < u; j++) {
    const float hh = actF(act, xg[2 * u + j] + m2[j]);
    const float z = xg[j];
    xg[2 * u + j] = hh;
    hNext[j] = z * hPrev[j] + (1.f - z) * hh;
  }
}

// ---- backward gate steps on one row ----

CLONES void lstmBackRow(int u, int act, int rec, float* __restrict dh, float* __restrict dc,
                        const float* __restrict cPrev, const float* __restrict cNext,
                        float* __restrict gz) {
  for (int j = 0; j < u; j++) {
    const float i = gz[j], f = gz[u + j], g = gz[2 * u + j], o = gz[3 * u + j];
    const float tc = actF(act, cNext[j]);
    const float dhj = dh[j];
    const float dcj = dc[j] + dhj * o * dActF(act, tc);
    gz[j] = dcj * g * dActF(rec, i);
    gz[u + j] = dcj * cPrev[j] * dActF(rec, f);
    gz[2 * u + j] = dcj * i * dActF(act, g);
    gz[3 * u + j] = dhj * tc * dActF(rec, o);
    dc[j] = dcj * f;
  }
}

CLONES void rnnBackRow(int u, int act, const float* __restrict dh, const float* __restrict hNext,
                       float* __restrict dz) {
  for (int j = 0; j < u; j++) dz[j] = dh[j] * dActF(act, hNext[j]);
}

// resetAfter: dM over the gates in place; dZin's row gets [dM_z, dM_r, dA]; dhp = dh * z
CLONES void gruAfterBackRow(int u, int act, int rec, const float* __restrict dh,
                            const float* __restrict hPrev, float* __restrict gm,
                            const float* __restrict mh, float* __restrict dzin,
                            float* __restrict dhp) {
  for (int j = 0; j < u; j++) {
    const float z = gm[j], r = gm[u + j], hh = gm[2 * u + j];
    const float d = dh[j];
    const float dA = d * (1.f - z) * dActF(act, hh);
    const float dz = d * (hPrev[j] - hh) * dActF(rec, z);
    const float dr = dA * mh[j] * dActF(rec, r);
    gm[j] = dz;
    gm[u + j] = dr;
    gm[2 * u + j] = dA * r;
    dzin[j] = dz;
    dzin[u + j] = dr;
    dzin[2 * u + j] = dA;
    dhp[j] = d * z;
  }
}

// resetAfter false, first half: dZin row's z and h blocks (h block = dAh); dhp = dh * z
CLONES void gruBeforeBackH(int u, int act, int rec, const float* __restrict dh,
                           const float* __restrict hPrev, const float* __restrict g,
                           float* __restrict dzin, float* __restrict dhp) {
  for (int j = 0; j < u; j++) {
    const float z = g[j], hh = g[2 * u + j];
    const float d = dh[j];
    dzin[j] = d * (hPrev[j] - hh) * dActF(rec, z);
    dzin[2 * u + j] = d * (1.f - z) * dActF(act, hh);
    dhp[j] = d * z;
  }
}

// second half, from drh = dAh R_h^T: dZin row's r block; dhp += drh * r
CLONES void gruBeforeBackR(int u, int rec, const float* __restrict drh,
                           const float* __restrict hPrev, const float* __restrict g,
                           float* __restrict dzin, float* __restrict dhp) {
  for (int j = 0; j < u; j++) {
    const float r = g[u + j];
    dzin[u + j] = drh[j] * hPrev[j] * dActF(rec, r);
    dhp[j] += drh[j] * r;
  }
}

int gatesOf(int cell) { return cell == LSTM ? 4 : cell == GRU ? 3 : 1; }

// The batch rows [b0, b1) of thread t of n.
void rowsOf(int batch, int t, int n, int& b0, int& b1) {
  b0 = (int)((long)batch * t / n);
  b1 = (int)((long)batch * (t + 1) / n);
}

}  // namespace

void forward(const RunSpec& s, const RunBuffers& bf) {
  const int u = s.units, B = s.batch, T = s.time, g = gatesOf(s.cell) * u;
  const long bu = (long)B * u;
  const bool before = s.cell == GRU && !s.resetAfter;
  const Mat R{bf.rec, g, 1};
  // weights packed once per run: [u, g] (or the [u, 2u] and [u, u] blocks without reset-after)
  PackedB p1 = packB(R, u, before ? 2 * u : g);
  PackedB p2;
  if (before) p2 = packB(Mat{bf.rec + 2 * u, g, 1}, u, u);
  pool().run([&](int t, int nt) {
    int b0, b1;
    rowsOf(B, t, nt, b0, b1);
    const int nb = b1 - b0;
    if (nb <= 0) return;
    std::vector<float> scratch;
    std::vector<float> m((size_t)nb * g);
    for (int k = 0; k < T; k++) {
      const float* hp = bf.hs + k * bu + (long)b0 * u;
      float* hn = bf.hs + (k + 1) * bu + (long)b0 * u;
      const long row0 = (long)k * B + b0;
      if (before) {
        gemmPacked(m.data(), 2 * u, hp, u, nb, p1, false, scratch);
        for (int b = 0; b < nb; b++)
          gruBeforeGatesRow(u, s.recAct, bf.xp + (row0 + b) * g, m.data() + (long)b * 2 * u,
                            hp + (long)b * u, bf.aux + (row0 + b) * u);
        gemmPacked(m.data(), u, bf.aux + row0 * u, u, nb, p2, false, scratch);
        for (int b = 0; b < nb; b++)
          gruBeforeStateRow(u, s.act, bf.xp + (row0 + b) * g, m.data() + (long)b * u,
                            hp + (long)b * u, hn + (long)b * u);
        continue;
      }
      gemmPacked(m.data(), g, hp, u, nb, p1, false, scratch);
      for (int b = 0; b < nb; b++) {
        float* xg = bf.xp + (row0 + b) * g;
        const float* mb = m.data() + (long)b * g;
        if (s.cell == LSTM) {
          const float* cp = bf.cs + k * bu + (long)(b0 + b) * u;
          lstmRow(u, s.act, s.recAct, xg, mb, cp, (float*)cp + bu, hn + (long)b * u);
        } else if (s.cell == RNN) {
          rnnRow(u, s.act, xg, mb, hn + (long)b * u);
        } else {
          gruAfterRow(u, s.act, s.recAct, xg, mb, bf.bRec, hp + (long)b * u,
                      bf.aux + (row0 + b) * u, hn + (long)b * u);
        }
      }
    }
  });
}

void backward(const RunSpec& s, const RunBuffers& bf, const GradBuffers& d) {
  const int u = s.units, B = s.batch, T = s.time, g = gatesOf(s.cell) * u;
  const long bu = (long)B * u, rows = (long)T * B;
  const bool before = s.cell == GRU && !s.resetAfter;
  // R^T, packed once: [g, u] (without reset-after: the [2u, u] and [u, u] blocks)
  PackedB rT = packB(Mat{bf.rec, 1, g}, before ? 2 * u : g, u);
  PackedB rhT;
  if (before) rhT = packB(Mat{bf.rec + 2 * u, 1, g}, u, u);
  pool().run([&](int t, int nt) {
    int b0, b1;
    rowsOf(B, t, nt, b0, b1);
    const int nb = b1 - b0;
    if (nb <= 0) return;
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
          lstmBackRow(u, s.act, s.recAct, dh + (long)b * u, dc + (long)b * u, cp, cp + bu,
                      d.dZ + (row0 + b) * g);
        }
        gemmPacked(dh, u, d.dZ + row0 * g, g, nb, rT, false, scratch);
      } else if (s.cell == RNN) {
        for (int b = 0; b < nb; b++)
          rnnBackRow(u, s.act, dh + (long)b * u, hp + bu + (long)b * u, d.dZ + (row0 + b) * g);
        gemmPacked(dh, u, d.dZ + row0 * g, g, nb, rT, false, scratch);
      } else if (!before) {
        for (int b = 0; b < nb; b++)
          gruAfterBackRow(u, s.act, s.recAct, dh + (long)b * u, hp + (long)b * u,
                          d.dZ + (row0 + b) * g, bf.aux + (row0 + b) * u,
                          d.dZin + (row0 + b) * g, dhp.data() + (long)b * u);
        std::copy(dhp.begin(), dhp.end(), dh);
        gemmPacked(dh, u, d.dZ + row0 * g, g, nb, rT, true, scratch);
      } else {
        for (int b = 0; b < nb; b++)
          gruBeforeBackH(u, s.act, s.recAct, dh + (long)b * u, hp + (long)b * u,
                         bf.xp + (row0 + b) * g, d.dZin + (row0 + b) * g,
                         dhp.data() + (long)b * u);
        gemmPacked(drh.data(), u, d.dZin + row0 * g + 2 * u, g, nb, rhT, false, scratch);
        for (int b = 0; b < nb; b++)
          gruBeforeBackR(u, s.recAct, drh.data() + (long)b * u, hp + (long)b * u,
                         bf.xp + (row0 + b) * g, d.dZin + (row0 + b) * g,
                         dhp.data() + (long)b * u);
        std::copy(dhp.begin(), dhp.end(), dh);
        gemmPacked(dh, u, d.dZin + row0 * g, g, nb, rT, true, scratch);
      }
    }
  });
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
