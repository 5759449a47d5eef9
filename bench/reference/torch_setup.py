"""Shared set-up of the PyTorch reference scripts: the thread count and what the figures ran on.

The speed suite runs each script with TORCH_THREADS=1 and =2 (bench/speed/run.mjs) under the
repository's Python environment (scripts/python-env.mjs: PyTorch from pip, MKL and oneDNN), the
PyTorch a user gets from `pip install torch`.
"""
import os

import torch


def setup_threads():
    """Sets torch's intra-op threads from TORCH_THREADS (default 1); returns the count."""
    threads = int(os.environ.get("TORCH_THREADS", "1"))
    torch.set_num_threads(threads)
    return threads


def machine():
    """What the figures were measured on: torch's version, CPU vector capability and BLAS."""
    config = torch.__config__.show()
    blas = next((part.split("=", 1)[1] for line in config.splitlines()
                 for part in line.replace(",", " ").split() if part.startswith("BLAS_INFO=")), "unknown")
    capability = torch.backends.cpu.get_cpu_capability()
    return {"torch": torch.__version__, "capability": capability, "blas": blas,
            "threads": torch.get_num_threads()}
