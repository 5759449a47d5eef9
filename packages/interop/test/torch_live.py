"""Live check of the PyTorch export (run by src/torch/torch.live.test.ts).

model.py and train.py must compile (py_compile).
For every case folder given: loads the exported model.py and weights.safetensors, runs the
inputs (inputs.safetensors) and saves the outputs as torch_out.safetensors (rnnkit -> PyTorch);
then gives the module new random weights (both LSTM/RNN biases non-zero), saves them as
random.safetensors and their outputs as random_out.safetensors (PyTorch -> rnnkit).
"""

import importlib.util
import json
import py_compile
import sys

import torch
from safetensors.torch import load_file, save_file

torch.set_num_threads(1)

for folder in sys.argv[1:]:
    for name in ("model.py", "train.py"):
        py_compile.compile(f"{folder}/{name}", doraise=True)
    spec = importlib.util.spec_from_file_location("exported_model", f"{folder}/model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    arch = json.load(open(f"{folder}/architecture.json"))
    case = json.load(open(f"{folder}/case.json"))
    model = getattr(module, arch["className"])()
    model.load_state_dict(load_file(f"{folder}/weights.safetensors"))
    model.eval()
    raw = load_file(f"{folder}/inputs.safetensors")
    inputs = [
        raw[f"input_{i}"].long() if ids else raw[f"input_{i}"]
        for i, ids in enumerate(case["ids"])
    ]
    with torch.no_grad():
        save_file({"output": model(*inputs).contiguous()}, f"{folder}/torch_out.safetensors")
        gen = torch.Generator().manual_seed(7)
        for name, p in model.named_parameters():
            if not p.requires_grad:
                continue  # a one-hot input stays the identity
            p.copy_(torch.randn(p.shape, generator=gen) * 0.3)
        save_file(
            {k: v.contiguous() for k, v in model.state_dict().items()},
            f"{folder}/random.safetensors",
        )
        save_file({"output": model(*inputs).contiguous()}, f"{folder}/random_out.safetensors")
    print(folder, "ok")
