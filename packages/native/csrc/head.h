// The fused softmax cross-entropy head of training on the native engine (what @rnnkit/models'
// SoftmaxHead runs in JS on the wasm engine): its products, its softmax and loss, its gradients,
// in two calls of one pass of the pool each (rows split between the threads), so a step's head
// costs two hand-overs between the threads instead of a dozen. With AVX-512 the products run on a
// small-product kernel of their own (head.cc): the class count (65 for a character vocabulary) is
// rarely a multiple of the GEMM's 32-wide panels, so its columns go in 16-wide vectors with one
// masked edge vector, and the operands are read in place (no packing: the head's weight is
// [units, classes], small enough to stay in L1); and the exp is vectorised. Elsewhere (AVX2,
// portable) the products run on the GEMM (gemm.h), each a pass of the pool of its own.
#pragma once

namespace rnnkit {

// Forward over h [rows, units] and w [units, classes]: e [rows, classes] becomes each row's
// softmax of h w + b (b may be null; float32 exp(logit - row max) / the row's float64 sum), or
// zeros where labels[r] is outside [0, classes) (a row with no label: no loss, no gradient).
// Returns the sum over labelled rows of -log p(label) in float64 (the threads' partial sums added
// in thread order).
double headForward(const float* h, const float* w, const float* b, const int* labels, long rows,
                   int units, int classes, float* e);

// Backward from headForward's e (overwritten with the logits' gradient (p - onehot) scale):
// dh [rows, units] = e w^T, dw [units, classes] = h^T e, db [classes] the column sums of e
// (float64 per thread). dw and db are summed over the threads' rows in thread order, so a given
// thread count gives the same numbers every run.
void headBackward(const float* h, const float* w, float* e, const int* labels, long rows,
                  int units, int classes, double scale, float* dh, float* dw, float* db);

}  // namespace rnnkit
