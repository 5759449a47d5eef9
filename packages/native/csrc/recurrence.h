// The recurrence kernel of rnnkit's fast path (packages/models/src/fast/fast-core.ts) for one
// sequence run: forward and backward through time for rnn, lstm and gru (reset_after true and
// false), on caller-owned float buffers in the same layouts, so the native and the wasm engines
// are interchangeable run by run.
#pragma once

namespace rnnkit {

enum Cell { RNN = 0, LSTM = 1, GRU = 2 };
// Activations, in the order of the JS side's codes (native.ts).
enum Act { TANH = 0, RELU = 1, LINEAR = 2, SIGMOID = 3, HARD_SIGMOID = 4 };

struct RunSpec {
  int cell;
  int act;
  int recAct;
  int batch;
  int time;
  int units;
  bool resetAfter;
};

// Buffers are time-major in processing order: row r = k * batch + b.
struct RunBuffers {
  float* xp;          // [rows, g] input projection (+ input bias); forward writes the gates over it
  const float* rec;   // [units, g] recurrent kernel
  const float* bRec;  // [g] recurrent bias (gru resetAfter) or nullptr
  float* hs;          // [(time + 1) * batch, units]: slot 0 = h0, slot k + 1 = h after step k
  float* cs;          // lstm: same as hs for c; else unused
  float* aux;         // gru: [rows, units] r * h (resetAfter false) or m_h + b_h (true)
};

void forward(const RunSpec& s, const RunBuffers& b);

struct GradBuffers {
  const float* dSeq;  // [batch, time, units] processing order, or nullptr
  float* dh;          // [batch, units]: dL/dh_T in, dL/dh0 out
  float* dc;          // lstm [batch, units]: dL/dc_T in, dL/dc0 out
  float* dZ;          // [rows, g]: the gradient of the recurrent product's output (lstm and gru
                      // resetAfter: the saved gates buffer itself, overwritten)
  float* dZin;        // [rows, g]: the gradient of the input projection (may be dZ for rnn, lstm)
  float* dR;          // [units, g] out
  float* dBrec;       // gru resetAfter: [g] out (the recurrent bias row), else nullptr
};

void backward(const RunSpec& s, const RunBuffers& b, const GradBuffers& d);

}  // namespace rnnkit
