// Gate nonlinearities as plain code the compiler vectorises (rows.inc is built once per ISA), with
// an exp that needs no libm call and no branch: 2^n by the exponent bits times a degree-6
// polynomial on [-ln2/2, ln2/2] (relative error about 2e-7, below the wasm path's table sigmoid).
#pragma once
#include <cmath>
#include <cstdint>

namespace rnnkit {

static inline float expApprox(float x) {
  x = x < -87.f ? -87.f : x;
  x = x > 88.f ? 88.f : x;
  // round to nearest by the 1.5 * 2^23 trick (vectorises where floor needs SSE4.1)
  const float n = (x * 1.44269504089f + 12582912.f) - 12582912.f;
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.f;
  const float scale = __builtin_bit_cast(float, ((int32_t)n + 127) << 23);
  return p * scale;
}

static inline float sigmoidF(float x) { return 1.f / (1.f + expApprox(-x)); }
static inline float tanhF(float x) { return 2.f / (1.f + expApprox(-2.f * x)) - 1.f; }

static inline float actF(int a, float x) {
  switch (a) {
    case 0:
      return tanhF(x);
    case 1:
      return x > 0.f ? x : 0.f;
    case 2:
      return x;
    case 3:
      return sigmoidF(x);
    default: {
      const float v = 0.2f * x + 0.5f;
      return v < 0.f ? 0.f : (v > 1.f ? 1.f : v);
    }
  }
}

// The derivative from the activation's output a.
static inline float dActF(int a, float y) {
  switch (a) {
    case 0:
      return 1.f - y * y;
    case 1:
      return y > 0.f ? 1.f : 0.f;
    case 2:
      return 1.f;
    case 3:
      return y * (1.f - y);
    default:
      return y > 0.f && y < 1.f ? 0.2f : 0.f;
  }
}

}  // namespace rnnkit
