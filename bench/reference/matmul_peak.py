"""The machine's matrix-multiply peak in PyTorch: a [1024, 1024] x [1024, 1024] float32 product,
median of 7 timed runs after 3 warm-up runs; prints `RESULT {json}` with GFLOP/s per run.

  TORCH_THREADS=2 $(node scripts/python-env.mjs) bench/reference/matmul_peak.py
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

setup_threads()
n = 1024
a = torch.randn(n, n)
b = torch.randn(n, n)
for _ in range(3):
    torch.mm(a, b)
rates = []
for _ in range(7):
    t0 = time.perf_counter()
    torch.mm(a, b)
    rates.append(2 * n**3 / (time.perf_counter() - t0) / 1e9)
print("RESULT " + json.dumps({"name": "matmul.torch", "rates": rates, "median": statistics.median(rates),
                              "machine": machine()}))
