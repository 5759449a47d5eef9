// The optimizer pass of training on the native engine.
#pragma once
#include <cstddef>

namespace rnnkit {

// One Adam (or AdamW) update of n values, the same float32 operations in the same order as
// packages/training's adam-pass (no fused multiply-add: compiled with -ffp-contract=off), so its
// numbers are bit for bit the wasm and JS passes'. c: b1, b2, 1 - b1, 1 - b2, 1 - b1^t, 1 - b2^t,
// eps, -lr, keep (1 - lr wd for AdamW, exactly 1 for Adam). out may be w.
void adamStep(const float* w, const float* g, float* m, float* v, float* out, size_t n,
              const float* c);

}  // namespace rnnkit
