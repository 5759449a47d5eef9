// The N-API binding: Float32Array in, Float32Array out, every length checked against the sizes
// before any kernel runs (a wrong length is a TypeError, never a write out of bounds).
#include <node_api.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "gemm.h"
#include "head.h"
#include "pool.h"
#include "recurrence.h"
#include "train.h"

namespace rnnkit {

Pool& pool() {
  // both cores of the machines rnnkit targets (at most 2: the kernels split work in two);
  // RNNKIT_NATIVE_THREADS=1 keeps to the calling thread; RNNKIT_NATIVE_SPIN_US sets the handover's
  // spin (pool.h)
  static Pool p([] {
    const char* env = std::getenv("RNNKIT_NATIVE_THREADS");
    if (env != nullptr && std::atoi(env) >= 1) return std::atoi(env) > 2 ? 2 : std::atoi(env);
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : (n > 2 ? 2 : (int)n);
  }(), spinUsFromEnv());
  return p;
}

namespace {

struct Fail {
  std::string msg;
};

#define CHECK(call)                                  \
  do {                                               \
    if ((call) != napi_ok) throw Fail{"napi: " #call}; \
  } while (0)

struct Args {
  napi_env env;
  napi_value v[20];
  size_t n = 20;
  Args(napi_env e, napi_callback_info info) : env(e) {
    CHECK(napi_get_cb_info(env, info, &n, v, nullptr, nullptr));
  }
  bool isNull(size_t i) {
    if (i >= n) return true;
    napi_valuetype t;
    CHECK(napi_typeof(env, v[i], &t));
    return t == napi_null || t == napi_undefined;
  }
  double num(size_t i, const char* what) {
    double d;
    if (i >= n || napi_get_value_double(env, v[i], &d) != napi_ok)
      throw Fail{std::string(what) + " must be a number"};
    return d;
  }
  // A Float32Array (or Int32Array when `ints`) of at least `need` elements, or nullptr when null
  // and `optional`.
  void* arr(size_t i, const char* what, size_t need, bool optional = false, bool ints = false) {
    if (isNull(i)) {
      if (optional) return nullptr;
      throw Fail{std::string(what) + " is missing"};
    }
    bool is;
    CHECK(napi_is_typedarray(env, v[i], &is));
    if (!is) throw Fail{std::string(what) + " must be a typed array"};
    napi_typedarray_type type;
    size_t len;
    void* data;
    CHECK(napi_get_typedarray_info(env, v[i], &type, &len, &data, nullptr, nullptr));
    if (type != (ints ? napi_int32_array : napi_float32_array))
      throw Fail{std::string(what) + (ints ? " must be an Int32Array" : " must be a Float32Array")};
    if (len < need)
      throw Fail{std::string(what) + " has " + std::to_string(len) + " values, expected at least " +
                 std::to_string(need)};
    return data;
  }
  float* f(size_t i, const char* what, size_t need, bool optional = false) {
    return static_cast<float*>(arr(i, what, need, optional));
  }
};

napi_value wrap(napi_env env, napi_callback_info info, napi_value (*fn)(Args&)) {
  try {
    const Pool::Session session(pool());  // the pool's workers spin between this call's jobs only
    Args a(env, info);
    return fn(a);
  } catch (const Fail& e) {
    napi_throw_type_error(env, nullptr, e.msg.c_str());
    return nullptr;
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
    return nullptr;
  }
}

napi_value undef(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

// info(): { isa, threads, spinUs, workersCpuMs }
napi_value Info(Args& a) {
  napi_value o, s, t, spin, cpu;
  CHECK(napi_create_object(a.env, &o));
  CHECK(napi_create_string_utf8(a.env, isa().name, NAPI_AUTO_LENGTH, &s));
  CHECK(napi_create_int32(a.env, pool().size(), &t));
  CHECK(napi_create_int32(a.env, pool().spinUs(), &spin));
  CHECK(napi_create_double(a.env, pool().workersCpuMs(), &cpu));
  CHECK(napi_set_named_property(a.env, o, "isa", s));
  CHECK(napi_set_named_property(a.env, o, "threads", t));
  CHECK(napi_set_named_property(a.env, o, "spinUs", spin));
  CHECK(napi_set_named_property(a.env, o, "workersCpuMs", cpu));
  return o;
}

// setIsa(name): false when this CPU lacks it
napi_value SetIsa(Args& a) {
  char name[32] = {0};
  size_t len;
  CHECK(napi_get_value_string_utf8(a.env, a.v[0], name, sizeof name, &len));
  napi_value r;
  CHECK(napi_get_boolean(a.env, forceIsa(name), &r));
  return r;
}

// gemm(c, a, b, n, k, m, transA, transB, acc): c[n, m] = (acc ? c : 0) + op(a) op(b), where
// op(a) is a [n, k] (a stored [k, n] when transA) and op(b) is b [k, m] (stored [m, k] when transB)
napi_value Gemm(Args& a) {
  const int n = (int)a.num(3, "n"), k = (int)a.num(4, "k"), m = (int)a.num(5, "m");
  if (n < 0 || k < 0 || m < 0) throw Fail{"gemm sizes must be >= 0"};
  bool ta, tb, acc;
  CHECK(napi_get_value_bool(a.env, a.v[6], &ta));
  CHECK(napi_get_value_bool(a.env, a.v[7], &tb));
  CHECK(napi_get_value_bool(a.env, a.v[8], &acc));
  float* c = a.f(0, "c", (size_t)n * m);
  const float* pa = a.f(1, "a", (size_t)n * k);
  const float* pb = a.f(2, "b", (size_t)k * m);
  gemm(c, m, ta ? Mat{pa, 1, n} : Mat{pa, k, 1}, tb ? Mat{pb, 1, k} : Mat{pb, m, 1}, n, k, m, acc);
  return undef(a.env);
}

RunSpec specOf(Args& a) {
  const int* s = static_cast<const int*>(a.arr(0, "spec", 7, false, true));
  RunSpec r{s[0], s[1], s[2], s[3], s[4], s[5], s[6] != 0};
  if (r.cell < 0 || r.cell > 2 || r.act < 0 || r.act > 4 || r.recAct < 0 || r.recAct > 4 ||
      r.batch < 1 || r.time < 1 || r.units < 1)
    throw Fail{"spec out of range"};
  return r;
}

size_t gatesOf(const RunSpec& s) { return (size_t)(s.cell == LSTM ? 4 : s.cell == GRU ? 3 : 1); }

RunBuffers buffersOf(Args& a, const RunSpec& s) {
  const size_t u = s.units, g = gatesOf(s) * u, rows = (size_t)s.time * s.batch;
  const size_t states = (size_t)(s.time + 1) * s.batch * u;
  RunBuffers b;
  b.xp = a.f(1, "xp", rows * g);
  b.rec = a.f(2, "recurrent", u * g);
  b.bRec = a.f(3, "bRec", g, true);
  b.hs = a.f(4, "hs", states);
  b.cs = a.f(5, "cs", states, s.cell != LSTM);
  b.aux = a.f(6, "aux", rows * u, s.cell != GRU);
  if (s.cell == GRU && s.resetAfter && b.bRec == nullptr) throw Fail{"bRec is missing"};
  return b;
}

// forward(spec, xp, recurrent, bRec, hs, cs, aux)
napi_value Forward(Args& a) {
  const RunSpec s = specOf(a);
  forward(s, buffersOf(a, s));
  return undef(a.env);
}

// backward(spec, xp, recurrent, bRec, hs, cs, aux, dSeq, dh, dc, dZ, dZin, dR, dBrec)
napi_value Backward(Args& a) {
  const RunSpec s = specOf(a);
  const RunBuffers b = buffersOf(a, s);
  const size_t u = s.units, g = gatesOf(s) * u, rows = (size_t)s.time * s.batch;
  const size_t bu = (size_t)s.batch * u;
  GradBuffers d;
  d.dSeq = a.f(7, "dSeq", rows * u, true);
  d.dh = a.f(8, "dh", bu);
  d.dc = a.f(9, "dc", bu, s.cell != LSTM);
  d.dZ = a.f(10, "dZ", rows * g, s.cell == GRU && !s.resetAfter);
  d.dZin = a.f(11, "dZin", rows * g);
  d.dR = a.f(12, "dR", u * g);
  d.dBrec = a.f(13, "dBrec", g, true);
  backward(s, b, d);
  return undef(a.env);
}

// The rows of a one-hot input: idx [rows] in [0, features), checked.
const int* idsOf(Args& a, size_t i, int rows, int features) {
  const int* idx = static_cast<const int*>(a.arr(i, "idx", rows, false, true));
  for (int r = 0; r < rows; r++)
    if (idx[r] < 0 || idx[r] >= features)
      throw Fail{"idx[" + std::to_string(r) + "] = " + std::to_string(idx[r]) +
                 " is outside [0, " + std::to_string(features) + ")"};
  return idx;
}

// gatherRows(out, table, idx, rows, g, features): out[r] = table[idx[r]] (a one-hot projection)
napi_value GatherRows(Args& a) {
  const int rows = (int)a.num(3, "rows"), g = (int)a.num(4, "g"), features = (int)a.num(5, "features");
  if (rows < 0 || g < 0 || features < 1) throw Fail{"gatherRows sizes out of range"};
  float* out = a.f(0, "out", (size_t)rows * g);
  const float* table = a.f(1, "table", (size_t)features * g);
  const int* idx = idsOf(a, 2, rows, features);
  pool().run([&](int t, int nt) {
    for (long r = (long)rows * t / nt; r < (long)rows * (t + 1) / nt; r++)
      std::memcpy(out + r * g, table + (long)idx[r] * g, sizeof(float) * g);
  });
  return undef(a.env);
}

// scatterAddRows(out, src, idx, rows, g, features): out[idx[r]] += src[r], rows in order (the
// sums of a one-hot input's weight gradient, as the JS loop rounds them); threads split columns
napi_value ScatterAddRows(Args& a) {
  const int rows = (int)a.num(3, "rows"), g = (int)a.num(4, "g"), features = (int)a.num(5, "features");
  if (rows < 0 || g < 0 || features < 1) throw Fail{"scatterAddRows sizes out of range"};
  float* out = a.f(0, "out", (size_t)features * g);
  const float* src = a.f(1, "src", (size_t)rows * g);
  const int* idx = idsOf(a, 2, rows, features);
  pool().run([&](int t, int nt) {
    const long j0 = (long)g * t / nt, j1 = (long)g * (t + 1) / nt;
    for (long r = 0; r < rows; r++) {
      float* o = out + (long)idx[r] * g;
      const float* s = src + r * g;
      for (long j = j0; j < j1; j++) o[j] += s[j];
    }
  });
  return undef(a.env);
}

// adam(w, g, m, v, out, scalars): one Adam update (see train.h), out may be w
napi_value Adam(Args& a) {
  napi_typedarray_type type;
  size_t n;
  void* data;
  CHECK(napi_get_typedarray_info(a.env, a.v[0], &type, &n, &data, nullptr, nullptr));
  const float* w = a.f(0, "w", n);
  const float* g = a.f(1, "g", n);
  float* m = a.f(2, "m", n);
  float* v = a.f(3, "v", n);
  float* out = a.f(4, "out", n);
  const float* c = a.f(5, "scalars", 9);
  adamStep(w, g, m, v, out, n, c);
  return undef(a.env);
}

// The head's sizes at args i, i + 1, i + 2: rows, units, classes.
void headSizes(Args& a, size_t i, int& rows, int& units, int& classes) {
  rows = (int)a.num(i, "rows");
  units = (int)a.num(i + 1, "units");
  classes = (int)a.num(i + 2, "classes");
  if (rows < 0 || units < 1 || classes < 1) throw Fail{"head sizes out of range"};
}

// headForward(h, w, b, labels, e, rows, units, classes): the loss sum (see head.h); b may be null
napi_value HeadForward(Args& a) {
  int rows, units, classes;
  headSizes(a, 5, rows, units, classes);
  const float* h = a.f(0, "h", (size_t)rows * units);
  const float* w = a.f(1, "w", (size_t)units * classes);
  const float* b = a.f(2, "b", classes, true);
  const int* labels = static_cast<const int*>(a.arr(3, "labels", rows, false, true));
  float* e = a.f(4, "e", (size_t)rows * classes);
  napi_value r;
  CHECK(napi_create_double(a.env, headForward(h, w, b, labels, rows, units, classes, e), &r));
  return r;
}

// headBackward(h, w, e, labels, dh, dw, db, rows, units, classes, scale): e (headForward's)
// becomes the logits' gradient; dh, dw, db written (see head.h)
napi_value HeadBackward(Args& a) {
  int rows, units, classes;
  headSizes(a, 7, rows, units, classes);
  const double scale = a.num(10, "scale");
  const float* h = a.f(0, "h", (size_t)rows * units);
  const float* w = a.f(1, "w", (size_t)units * classes);
  float* e = a.f(2, "e", (size_t)rows * classes);
  const int* labels = static_cast<const int*>(a.arr(3, "labels", rows, false, true));
  float* dh = a.f(4, "dh", (size_t)rows * units);
  float* dw = a.f(5, "dw", (size_t)units * classes);
  float* db = a.f(6, "db", classes);
  headBackward(h, w, e, labels, rows, units, classes, scale, dh, dw, db);
  return undef(a.env);
}

#define FN(name, impl)                                                                    \
  {                                                                                       \
    name, nullptr, [](napi_env e, napi_callback_info i) { return wrap(e, i, impl); }, nullptr, \
        nullptr, nullptr, napi_default, nullptr                                            \
  }

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      FN("info", Info),         FN("setIsa", SetIsa), FN("gemm", Gemm),
      FN("forward", Forward),   FN("backward", Backward), FN("adam", Adam), FN("gatherRows", GatherRows), FN("scatterAddRows", ScatterAddRows),
      FN("headForward", HeadForward), FN("headBackward", HeadBackward),
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}

}  // namespace

}  // namespace rnnkit

NAPI_MODULE(NODE_GYP_MODULE_NAME, rnnkit::Init)
