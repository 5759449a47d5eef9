// The per-row gate steps of the recurrence kernel, as a table of functions compiled once per ISA
// (rows.inc); `rows()` gives the table of the ISA the GEMM micro-kernels run on (gemm.h: isa()).
#pragma once

namespace rnnkit {

struct Rows {
  void (*lstmRow)(int u, int act, int rec, float* xg, const float* m, const float* cPrev,
                  float* cNext, float* hNext);
  void (*rnnRow)(int u, int act, int rec, const float* xp, const float* m, float* hNext);
  void (*gruAfterRow)(int u, int act, int rec, float* xg, const float* m, const float* bRec,
                      const float* hPrev, float* mh, float* hNext);
  void (*gruBeforeGatesRow)(int u, int act, int rec, float* xg, const float* m1,
                            const float* hPrev, float* rh);
  void (*gruBeforeStateRow)(int u, int act, int rec, float* xg, const float* m2,
                            const float* hPrev, float* hNext);
  void (*lstmBackRow)(int u, int act, int rec, float* dh, float* dc, const float* cPrev,
                      const float* cNext, float* gz);
  void (*rnnBackRow)(int u, int act, int rec, const float* dh, const float* hNext, float* dz);
  void (*gruAfterBackRow)(int u, int act, int rec, const float* dh, const float* hPrev, float* gm,
                          const float* mh, float* dzin, float* dhp);
  void (*gruBeforeBackH)(int u, int act, int rec, const float* dh, const float* hPrev,
                         const float* g, float* dzin, float* dhp);
  void (*gruBeforeBackR)(int u, int act, int rec, const float* drh, const float* hPrev,
                         const float* g, float* dzin, float* dhp);
  // out may be w (then w is not restrict-clean: the caller splits so each lane reads before writing)
  void (*adam)(const float* w, const float* g, float* m, float* v, float* out, long n,
               const float* c);
};

namespace rows512 {
const Rows& table();
}
namespace rows256 {
const Rows& table();
}
namespace rowsGeneric {
const Rows& table();
}

const Rows& rows();

}  // namespace rnnkit
