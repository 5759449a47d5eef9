"""W2 reference: window regression in PyTorch (2000 windows of 5 values -> LSTM(32) -> Linear(1),
MSE, Adam, batch 32); prints `RESULT {json}` with epochs per second for each timed run.

  TORCH_THREADS=2 $(node scripts/python-env.mjs) bench/reference/speed_w2.py
Exits 0 with "skipped: PyTorch not available" when torch is missing.
"""
import json
import math
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
windows, window, units, batch = 2000, 5, 32, 32
# The same synthetic series as bench/speed/w2.mjs: a noisy sine.
series = [math.sin(i * 0.1) + 0.1 * math.sin(i * 1.7) for i in range(windows + window)]
x = torch.tensor([series[i:i + window] for i in range(windows)]).unsqueeze(2)  # [2000, 5, 1]
y = torch.tensor([series[i + window] for i in range(windows)]).unsqueeze(1)  # [2000, 1]
lstm = torch.nn.LSTM(1, units, batch_first=True)
dense = torch.nn.Linear(units, 1)
opt = torch.optim.Adam(list(lstm.parameters()) + list(dense.parameters()), lr=1e-3)


def epoch():
    perm = torch.randperm(windows)
    for s in range(0, windows, batch):
        idx = perm[s:s + batch]
        opt.zero_grad()
        _, (h, _) = lstm(x[idx])
        loss = torch.nn.functional.mse_loss(dense(h[0]), y[idx])
        loss.backward()
        opt.step()


for _ in range(1 if quick else 5):  # warm-up epochs, as rnnkit's W2 paths (api.mjs, w2.mjs)
    epoch()
runs, epochs = (2, 1) if quick else (3, 4)
rates = []
for _ in range(runs):
    t0 = time.perf_counter()
    for _ in range(epochs):
        epoch()
    rates.append(epochs / (time.perf_counter() - t0))
print("RESULT " + json.dumps({"name": "w2.torch", "rates": rates, "median": statistics.median(rates),
                              "machine": machine()}))
