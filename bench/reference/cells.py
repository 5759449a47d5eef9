"""Golden outputs of PyTorch's nn.RNN, nn.LSTM and nn.GRU for rnnkit's recurrence tests.

Builds the three PyTorch modules with seeded weights, runs them on a fixed input from a non-zero
initial state, and writes the weights in the Keras/tfjs layout together with every step's output
and the final states to packages/models/src/layers/fixtures/torch-cells.json. The test
packages/models/src/layers/torch-reference.test.ts reads that file (it runs without PyTorch).

Weight mapping, PyTorch -> Keras/tfjs (kernel [features, k*units], recurrent_kernel
[units, k*units]):
  - kernel = weight_ih^T, recurrent_kernel = weight_hh^T, gate blocks reordered:
      nn.RNN  : one block; bias = b_ih + b_hh
      nn.LSTM : PyTorch i, f, g, o == Keras i, f, c, o; bias = b_ih + b_hh
      nn.GRU  : PyTorch r, z, n -> Keras z, r, h; PyTorch's GRU is Keras's resetAfter=true
                (n = tanh(W_in x + b_in + r * (W_hn h + b_hn))), so bias [2, 3u] =
                [b_ih, b_hh] (input row, recurrent row), both reordered.
  - GRU resetAfter=false (Keras 1 / stock tfjs) has no PyTorch module: its golden numbers are
    computed here by that equation, hh = tanh(x K_h + b_h + (r * h) R_h), from the same kernels
    and bias = b_ih + b_hh (reordered), in float64.
Every module is also re-run through the Keras equations written out below (keras_step) from the
mapped weights, and the script fails unless they agree with PyTorch within 1e-12 (float64), so
the mapping itself is checked here.

Weights and inputs are float32 values; the modules run in float64, so the goldens are exact to
about 1e-15 and a float32 implementation should match them within a few 1e-7.

Regenerate (from the repository root; Debian's python3-torch):
  OPENBLAS_NUM_THREADS=2 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
    /usr/bin/python3 bench/reference/cells.py [output.json]
  (cd packages/models && npx biome format --write src/layers/fixtures/torch-cells.json)
Without PyTorch it prints "skipped: PyTorch not available" and exits 0.
"""

import json
import os
import sys

try:
    import torch
except ImportError:
    print("skipped: PyTorch not available")
    sys.exit(0)

BATCH, TIME, FEATURES, UNITS = 2, 5, 3, 4
SEED = 0
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "packages/models/src/layers/fixtures/torch-cells.json")


def blocks(t, order, units):
    """Reorders the gate blocks along dim 0 ([k*units, ...] or [k*units])."""
    return torch.cat([t[i * units:(i + 1) * units] for i in order], dim=0)


def keras_weights(cell, module):
    """Kernel [F, k*u], recurrent kernel [u, k*u], bias ([k*u], or [2, 3u] for GRU resetAfter)."""
    w_ih, w_hh = module.weight_ih_l0.detach(), module.weight_hh_l0.detach()
    b_ih, b_hh = module.bias_ih_l0.detach(), module.bias_hh_l0.detach()
    if cell in ("rnn", "lstm"):  # rnn: one block; lstm: i f g o is already Keras's i f c o
        return w_ih.T, w_hh.T, b_ih + b_hh
    order = [1, 0, 2]  # PyTorch r z n -> Keras z r h
    w_ih, w_hh = blocks(w_ih, order, UNITS), blocks(w_hh, order, UNITS)
    b_ih, b_hh = blocks(b_ih, order, UNITS), blocks(b_hh, order, UNITS)
    return w_ih.T, w_hh.T, torch.stack([b_ih, b_hh])


def keras_step(cell, x, h, c, kernel, recurrent, bias, reset_after):
    """One step of the Keras equations (rnnkit's kernels/recurrence.ts). x [B, F], h, c [B, u]."""
    u = UNITS
    if cell == "rnn":
        return torch.tanh(x @ kernel + h @ recurrent + bias), c
    if cell == "lstm":
        z = x @ kernel + h @ recurrent + bias
        i, f, g, o = (z[:, k * u:(k + 1) * u] for k in range(4))
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c
    if reset_after:
        xp = x @ kernel + bias[0]
        hp = h @ recurrent + bias[1]
        z = torch.sigmoid(xp[:, :u] + hp[:, :u])
        r = torch.sigmoid(xp[:, u:2 * u] + hp[:, u:2 * u])
        hh = torch.tanh(xp[:, 2 * u:] + r * hp[:, 2 * u:])
    else:
        xp = x @ kernel + bias
        hp = h @ recurrent[:, :2 * u]
        z = torch.sigmoid(xp[:, :u] + hp[:, :u])
        r = torch.sigmoid(xp[:, u:2 * u] + hp[:, u:2 * u])
        hh = torch.tanh(xp[:, 2 * u:] + (r * h) @ recurrent[:, 2 * u:])
    return z * h + (1 - z) * hh, c


def keras_run(cell, x, h0, c0, kernel, recurrent, bias, reset_after):
    """[B, T, F] -> (sequence [B, T, u], h, c)."""
    h, c, outs = h0, c0, []
    for t in range(x.shape[1]):
        h, c = keras_step(cell, x[:, t], h, c, kernel, recurrent, bias, reset_after)
        outs.append(h)
    return torch.stack(outs, dim=1), h, c


def rounded(t):
    """Nested lists with 9 significant digits (enough to round-trip a float32)."""
    if t.dim() == 0:
        return float(f"{t.item():.9g}")
    return [rounded(s) for s in t]


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    f32 = lambda *shape: torch.randn(*shape, dtype=torch.float32).double()  # noqa: E731
    x, h0, c0 = f32(BATCH, TIME, FEATURES), f32(BATCH, UNITS) * 0.5, f32(BATCH, UNITS) * 0.5
    modules = {
        "rnn": torch.nn.RNN(FEATURES, UNITS, batch_first=True),
        "lstm": torch.nn.LSTM(FEATURES, UNITS, batch_first=True),
        "gru": torch.nn.GRU(FEATURES, UNITS, batch_first=True),
    }
    cases = {}
    with torch.no_grad():
        for cell, module in modules.items():
            for p in module.parameters():  # float32 values, scaled up for non-trivial gates
                p.copy_((p * 2).float())
            module.double()
            if cell == "lstm":
                seq, (h, c) = module(x, (h0[None], c0[None]))
                h, c = h[0], c[0]
            else:
                seq, h = module(x, h0[None])
                h, c = h[0], None
            kernel, recurrent, bias = keras_weights(cell, module)
            reset_after = cell == "gru"
            ours = keras_run(cell, x, h0, c0, kernel, recurrent, bias, reset_after)
            worst = max((ours[0] - seq).abs().max().item(), (ours[1] - h).abs().max().item())
            if worst > 1e-12:
                raise SystemExit(f"{cell}: the Keras mapping disagrees with PyTorch by {worst}")
            name = "gru_reset_after" if cell == "gru" else cell
            cases[name] = dict(
                cell=cell,
                source=f"torch.nn.{type(module).__name__}",
                kernel=rounded(kernel),
                recurrentKernel=rounded(recurrent),
                bias=rounded(bias),
                sequence=rounded(seq),
                h=rounded(h),
                **({"c": rounded(c)} if c is not None else {}),
                **({"resetAfter": True} if cell == "gru" else {}),
            )
            if cell == "gru":
                # Keras 1 / stock tfjs GRU from the same kernels, bias = b_ih + b_hh (reordered)
                flat = bias[0] + bias[1]
                seq1, h1, _ = keras_run(cell, x, h0, c0, kernel, recurrent, flat, False)
                cases["gru_reset_before"] = dict(
                    cell=cell,
                    source="Keras 1 GRU equation (hh = tanh(x K_h + b_h + (r * h) R_h)), float64",
                    resetAfter=False,
                    kernel=rounded(kernel),
                    recurrentKernel=rounded(recurrent),
                    bias=rounded(flat),
                    sequence=rounded(seq1),
                    h=rounded(h1),
                )
    fixture = dict(
        generatedBy="bench/reference/cells.py",
        torch=torch.__version__,
        seed=SEED,
        shapes=dict(batch=BATCH, time=TIME, features=FEATURES, units=UNITS),
        x=rounded(x),
        h0=rounded(h0),
        c0=rounded(c0),
        cases=cases,
    )
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    print(f"wrote {os.path.relpath(out, ROOT)}: cases {', '.join(cases)} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
