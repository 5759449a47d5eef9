#!/usr/bin/env python3
"""PyTorch reference for the rnnkit char-LM training comparison (bench/packages/training.bench.mjs).

Reads, from the folder given as the only argument, what the bench wrote:
  meta.json    sizes, hyper-parameters, and the layout of init.bin
  batches.bin  int32 [steps, batch, seqLength + 1] windows of Moby-Dick char ids (x = w[:, :-1],
               y = w[:, 1:]), in the exact order rnnkit trained on them
  init.bin     float32 initial weights in tfjs layout (LSTM kernel [V, 4u], recurrent kernel
               [u, 4u], bias [4u], gates i, f, c, o; dense kernel [u, V], bias [V])
and trains the same model (one-hot input -> nn.LSTM(128) -> nn.Linear) with Adam and
clip_grad_norm_, printing one JSON line: {"loss_torch": mean loss over the last 50 steps, ...}.
Writes torch_losses.json (the loss of every step) beside the inputs.

Without PyTorch it prints "skipped: PyTorch not available" and exits 0.
Run (the fastest setup, as bench/speed/README.md runs PyTorch):
  OPENBLAS_NUM_THREADS=2 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
    /usr/bin/python3 bench/reference/train_charlm.py /tmp/rnnkit-training-ref-XXXX
"""
import json
import os
import sys
import time

try:
    import numpy as np
    import torch
except ImportError:
    print("skipped: PyTorch not available (install python3-torch and run with /usr/bin/python3)")
    sys.exit(0)


def main(folder):
    torch.set_num_threads(1)  # one torch pool; OpenBLAS uses the 2 cores
    meta = json.load(open(os.path.join(folder, "meta.json")))
    V, U, T, B, S = meta["vocabSize"], meta["units"], meta["seqLength"], meta["batchSize"], meta["steps"]
    windows = np.fromfile(os.path.join(folder, "batches.bin"), dtype="<i4").reshape(S, B, T + 1)
    flat = np.fromfile(os.path.join(folder, "init.bin"), dtype="<f4")

    def weight(name):
        w = next(w for w in meta["weights"] if w["name"] == name)
        n = int(np.prod(w["shape"]))
        return torch.from_numpy(flat[w["offset"] // 4 : w["offset"] // 4 + n].reshape(w["shape"]).copy())

    lstm = torch.nn.LSTM(V, U, batch_first=True)
    dense = torch.nn.Linear(U, V)
    with torch.no_grad():
        # tfjs keeps x @ W ([in, 4u]); torch keeps W x ([4u, in]); both order gates i, f, g(c), o
        lstm.weight_ih_l0.copy_(weight("kernel").T)
        lstm.weight_hh_l0.copy_(weight("recurrent_kernel").T)
        lstm.bias_ih_l0.copy_(weight("bias"))
        lstm.bias_hh_l0.zero_()  # tfjs has one bias; torch adds two
        dense.weight.copy_(weight("dense_kernel").T)
        dense.bias.copy_(weight("dense_bias"))
    # ...and trains both: with Adam each moves by about lr per step, so two biases would move the
    # effective bias twice as fast as tfjs's one. Freeze the second to train the same model.
    lstm.bias_hh_l0.requires_grad_(False)
    params = [p for p in list(lstm.parameters()) + list(dense.parameters()) if p.requires_grad]
    opt = torch.optim.Adam(params, lr=meta["learningRate"], eps=meta["epsilon"])
    eye = torch.eye(V)
    losses = []
    t0 = time.time()
    for s in range(S):
        w = torch.from_numpy(windows[s].astype(np.int64))
        x, y = eye[w[:, :-1]], w[:, 1:]  # x [B, T, V] one-hot, y [B, T]
        out, _ = lstm(x)
        logits = dense(out)  # [B, T, V]
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, meta["clipNorm"])
        opt.step()
        losses.append(loss.item())
    seconds = time.time() - t0
    json.dump(losses, open(os.path.join(folder, "torch_losses.json"), "w"))
    last = losses[-50:]
    print(json.dumps({
        "loss_torch": sum(last) / len(last),
        "first_loss": losses[0],
        "seconds": seconds,
        "tokens_per_s": S * B * T / seconds,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: train_charlm.py <folder written by bench/packages/training.bench.mjs>")
        sys.exit(2)
    main(sys.argv[1])
