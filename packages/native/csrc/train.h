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

// The fused softmax cross-entropy head's row loops (what @rnnkit/models' SoftmaxHead runs in JS on
// the wasm engine), on both threads by rows. headSoftmax: e [rows, classes] holds the logits'
// product h w; adds the bias b [classes] (may be null), and replaces each row by its softmax
// (float32 exp(logit - row max) / the row's float64 sum), or by zeros where labels[r] is outside
// [0, classes) (a row with no label: no loss, no gradient). Returns the sum over labelled rows of
// -log p(label) in float64, the threads' partial sums added in thread order.
double headSoftmax(float* e, const float* b, const int* labels, long rows, long classes);
// headGrad: e (headSoftmax's output) becomes the logits' gradient (p - onehot) scale in place,
// and db [classes] the sum of its rows (float64 per thread, added in thread order, then float32).
void headGrad(float* e, const int* labels, long rows, long classes, double scale, float* db);

}  // namespace rnnkit
