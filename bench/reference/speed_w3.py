"""W3 reference: generation of 1000 characters one at a time from the W1 model (LSTM(256), vocab 65),
stateful, sampled from the softmax; prints `RESULT {json}` with characters per second per run.

  TORCH_THREADS=2 $(node scripts/python-env.mjs) bench/reference/speed_w3.py
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

quick = os.environ.get("BENCH_QUICK") == "1"
setup_threads()
torch.manual_seed(0)
vocab, units, chars = 65, 256, 1000
lstm = torch.nn.LSTM(vocab, units, batch_first=True)
dense = torch.nn.Linear(units, vocab)
eye = torch.eye(vocab)


@torch.no_grad()
def generate(n):
    state = None
    c = 0
    for _ in range(n):
        out, state = lstm(eye[c].view(1, 1, vocab), state)
        probs = torch.softmax(dense(out[0, 0]), dim=0)
        c = int(torch.multinomial(probs, 1))


generate(100)
runs, n = (2, 300) if quick else (3, chars)
rates = []
for _ in range(runs):
    t0 = time.perf_counter()
    generate(n)
    rates.append(n / (time.perf_counter() - t0))
print("RESULT " + json.dumps({"name": "w3.torch", "rates": rates, "median": statistics.median(rates),
                              "machine": machine()}))
