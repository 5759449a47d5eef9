"""Makes the safetensors fixtures of src/torch/safetensors.test.ts with the real writer.

Run with the pinned environment's python (node scripts/python-env.mjs prints its path):

    $(node ../../scripts/python-env.mjs) scripts/make-torch-fixtures.py

dtypes.safetensors: the values 0, 0.25, ..., 1.25 as [2, 3] in every dtype rnnkit reads (each
exactly representable), and a 2-layer bidirectional nn.LSTM's state_dict key order and shapes.
"""

import torch
from safetensors.torch import save_file

values = torch.arange(6, dtype=torch.float64).reshape(2, 3) / 4
torch.manual_seed(0)
lstm = torch.nn.LSTM(3, 2, num_layers=2, bidirectional=True, batch_first=True)
tensors = {
    "f32": values.float(),
    "f64": values,
    "f16": values.half(),
    "bf16": values.bfloat16(),
    "i64": torch.arange(6).reshape(2, 3),
    "i32": torch.arange(6, dtype=torch.int32).reshape(2, 3),
    **{f"lstm.{k}": v.detach().zero_() + i for i, (k, v) in enumerate(lstm.state_dict().items())},
}
save_file(tensors, "src/torch/fixtures/dtypes.safetensors", {"made_by": "scripts/make-torch-fixtures.py"})
