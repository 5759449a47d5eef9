"""W1 reference: char-level LM training in PyTorch, the figure rnnkit's bench/speed compares against.

One-hot input (vocab 65) -> nn.LSTM/GRU/RNN(units) -> Linear -> cross-entropy, Adam, seqLength 64,
batch 32; prints `RESULT {json}` with tokens per second for each timed run.

Run it with the repository's Python environment (PyTorch from pip) and 1 or 2 torch threads:
  TORCH_THREADS=2 $(node scripts/python-env.mjs) bench/reference/speed_w1.py lstm 256 [embed]
`embed`: a trainable nn.Embedding(65, 64) input instead of one-hot.
Exits 0 with "skipped: PyTorch not available" when torch is missing.
"""
import json
import os
import statistics
import sys
import time

try:
    import torch
    from torch_setup import machine, setup_threads
except ImportError:
    print("skipped: PyTorch not available")
    sys.exit(0)

cell = sys.argv[1] if len(sys.argv) > 1 else "lstm"
units = int(sys.argv[2]) if len(sys.argv) > 2 else 256
embed = len(sys.argv) > 3 and sys.argv[3] == "embed"  # nn.Embedding(65, 64) input, not one-hot
embed_dims = 64
quick = os.environ.get("BENCH_QUICK") == "1"
setup_threads()
torch.manual_seed(0)
vocab, seq_length, batch = 65, 64, 32
rnn_class = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
rnn = rnn_class(embed_dims if embed else vocab, units, batch_first=True)
dense = torch.nn.Linear(units, vocab)
table = torch.nn.Embedding(vocab, embed_dims) if embed else None
params = list(rnn.parameters()) + list(dense.parameters())
if embed:
    params += list(table.parameters())
opt = torch.optim.Adam(params, lr=2e-3)
loss_fn = torch.nn.CrossEntropyLoss()
batches = []
for _ in range(4):
    ids = torch.randint(0, vocab, (batch, seq_length + 1))
    x = ids[:, :-1] if embed else torch.nn.functional.one_hot(ids[:, :-1], vocab).float()
    batches.append((x, ids[:, 1:].reshape(-1)))


def step(i):
    x, y = batches[i % len(batches)]
    opt.zero_grad()
    out, _ = rnn(table(x) if embed else x)  # [batch, time, units]
    loss = loss_fn(dense(out.reshape(-1, units)), y)
    loss.backward()
    opt.step()


if os.environ.get("TRAJECTORY") == "1":  # the warm-up curve (bench/speed/trajectory.mjs)
    start = time.perf_counter()
    for r in range(20):
        t0 = time.perf_counter()
        for i in range(10):
            step(i)
        t1 = time.perf_counter()
        print(f"steps {10 * r}-{10 * r + 9}: {round(batch * seq_length * 10 / (t1 - t0))} tokens/s"
              f" ({t1 - start:.1f} s)")
    sys.exit(0)

# Warm-up and timed runs as rnnkit's W1 paths do them (bench/speed/common.mjs): at least 10 steps
# and 5 s of warm-up, then runs of at least 10 steps and 2 s.
warmup, warmup_s, steps, run_s, runs = (3, 1, 4, 0.5, 2) if quick else (10, 5, 10, 2, 3)
done, w0 = 0, time.perf_counter()
while done < warmup or time.perf_counter() - w0 < warmup_s:
    step(done)
    done += 1
rates = []
for _ in range(runs):
    t0, n = time.perf_counter(), 0
    while n < steps or time.perf_counter() - t0 < run_s:
        step(n)
        n += 1
    rates.append(batch * seq_length * n / (time.perf_counter() - t0))
name = f"w1.{cell}{units}{'.embed' if embed else ''}.torch"
print("RESULT " + json.dumps({"name": name, "rates": rates, "median": statistics.median(rates),
                              "machine": machine()}))
