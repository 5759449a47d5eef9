/**
 * The training half of an exported PyTorch project: the training windows (`data.safetensors`),
 * `train.py` (DistributedDataParallel under `torchrun`: gloo on CPU, nccl with CUDA, a
 * `DistributedSampler`, the rnnkit run's loss, Adam, learning-rate schedule and gradient clipping,
 * a safetensors checkpoint every epoch on rank 0, `--resume`) and a README with the commands.
 *
 * @example
 * ```ts
 * const files = torchProject(exported, 'ManyToMany', { loss: 'sequence', tensors, config, ... });
 * // files['train.py'], files['data.safetensors'], files['README.md']
 * ```
 */
import { InteropError } from '../errors.js';
import { type TensorArray, writeSafetensors } from './safetensors.js';

/** How the loss reads the model's output against the targets. */
export type TorchLoss =
  /** Per-step cross-entropy over classes, averaged over the real steps (`mask` 1). */
  | 'sequence'
  /** Cross-entropy over classes, one label per example. */
  | 'classes'
  /** One logit per example, binary cross-entropy. */
  | 'binary'
  /** Mean squared error of the values. */
  | 'regression';

export interface TorchTrainingData {
  loss: TorchLoss;
  /** The model's inputs in forward order (`input_0`, ...), the targets and, for 'sequence', the mask. */
  inputs: TensorArray[];
  targets: TensorArray;
  mask?: TensorArray;
  /** The rnnkit run's settings (rnnkit.json's training config). */
  config: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    clipNorm: number | null;
    schedule: 'cosine' | 'constant';
    seed: number;
  };
  /** The command that exported it, for the README. */
  command: string;
  /** Where the windows came from, for the README (e.g. "corpus.txt, 90% for training"). */
  source: string;
}

export const TRAIN_FILES = { data: 'data.safetensors', train: 'train.py', readme: 'README.md' };

const LOSSES: Record<TorchLoss, string[]> = {
  sequence: [
    'def loss_of(model, inputs, targets, mask):',
    '    """Cross-entropy per step, averaged over the real steps (padding has mask 0)."""',
    '    logits = model(*inputs)  # [batch, time, classes]',
    '    per_step = F.cross_entropy(logits.transpose(1, 2), targets, reduction="none")',
    '    count = mask.sum()',
    '    return (per_step * mask).sum() / count.clamp(min=1), count',
  ],
  classes: [
    'def loss_of(model, inputs, targets, mask):',
    '    """Cross-entropy of the logits against the class ids."""',
    '    return F.cross_entropy(model(*inputs), targets), torch.tensor(float(len(targets)))',
  ],
  binary: [
    'def loss_of(model, inputs, targets, mask):',
    '    """Binary cross-entropy of the one logit against the 0/1 labels."""',
    '    logits = model(*inputs).squeeze(-1)',
    '    loss = F.binary_cross_entropy_with_logits(logits, targets.float())',
    '    return loss, torch.tensor(float(len(targets)))',
  ],
  regression: [
    'def loss_of(model, inputs, targets, mask):',
    '    """Mean squared error of the predicted values."""',
    '    return F.mse_loss(model(*inputs), targets), torch.tensor(float(len(targets)))',
  ],
};

function pyNumber(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : `${n}`;
}

/** The source of train.py for a model class and the run's settings. */
export function trainPy(className: string, d: TorchTrainingData): string {
  const c = d.config;
  return `"""Train the exported rnnkit model with PyTorch DistributedDataParallel.

Written by \`rnnkit export --format torch --data ...\`. Run it with torchrun, one process per CPU
core or GPU (gloo on CPU, nccl when CUDA is present):

    torchrun --standalone --nproc_per_node=2 train.py --epochs 1

It starts from weights.safetensors (rnnkit's weights) and, at the end of every epoch, rank 0
writes the model back to weights.safetensors and the whole state (model, Adam, epoch) to
checkpoint.safetensors, each atomically. After an interruption, continue with --resume:

    torchrun --standalone --nproc_per_node=2 train.py --epochs 3 --resume

Then bring the model back: rnnkit import . --out <folder>
"""

import argparse
import math
import os
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from model import ${className}

# The rnnkit run's settings (its rnnkit.json training config).
LEARNING_RATE = ${pyNumber(c.learningRate)}
BATCH_SIZE = ${c.batchSize}  # examples per update, over all processes together
CLIP_NORM = ${c.clipNorm === null ? 'None' : pyNumber(c.clipNorm)}  # clip the global gradient norm to this (None: no clipping)
SCHEDULE = "${c.schedule}"  # cosine: 5% warm-up (at most 100 steps), then half a cosine to 5%
ADAM = {"betas": (0.9, 0.999), "eps": 1e-7}  # Keras's Adam defaults, as rnnkit's
SEED = ${c.seed}
RNNKIT_EPOCHS = ${c.epochs}  # epochs rnnkit trained before this export


def learning_rate(step, total_steps):
    """The rate at update \`step\` of a run of \`total_steps\`, as rnnkit's schedule gives it."""
    if SCHEDULE == "constant":
        return LEARNING_RATE
    warmup = min(100, int(total_steps * 0.05))
    if step < warmup:
        return LEARNING_RATE * (step + 1) / warmup
    floor = LEARNING_RATE * 0.05
    progress = min(1.0, (step - warmup) / max(1, total_steps - warmup))
    return floor + 0.5 * (LEARNING_RATE - floor) * (1 + math.cos(math.pi * progress))


${LOSSES[d.loss].join('\n')}


def load_data():
    """The training windows rnnkit exported: inputs, targets and the mask of real steps."""
    data = load_file("${TRAIN_FILES.data}")
    inputs = [data[f"input_{i}"] for i in range(${d.inputs.length})]
    mask = data["mask"] if "mask" in data else torch.ones(len(data["targets"]))
    return TensorDataset(*inputs, data["targets"], mask)


def save_atomic(tensors, path, metadata=None):
    """Writes a safetensors file through a temporary name, so a crash never leaves half a file."""
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    save_file(tensors, path + ".tmp", metadata)
    os.replace(path + ".tmp", path)


def optimizer_state(model, optimizer):
    """Adam's moments and step count per parameter, as flat tensors."""
    out = {}
    for name, p in model.named_parameters():
        state = optimizer.state.get(p, {})
        for key in ("exp_avg", "exp_avg_sq", "step"):
            if key in state:
                out[f"adam.{key}.{name}"] = torch.as_tensor(state[key]).reshape(-1)
    return out


def restore_optimizer(model, optimizer, tensors):
    for name, p in model.named_parameters():
        if f"adam.step.{name}" not in tensors:
            continue
        optimizer.state[p] = {
            "step": tensors[f"adam.step.{name}"].reshape(()).float(),
            "exp_avg": tensors[f"adam.exp_avg.{name}"].reshape(p.shape).to(p.device),
            "exp_avg_sq": tensors[f"adam.exp_avg_sq.{name}"].reshape(p.shape).to(p.device),
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
    parser.add_argument("--epochs", type=int, default=${c.epochs}, help="epochs of this run")
    parser.add_argument(
        "--resume", action="store_true", help="continue from checkpoint.safetensors"
    )
    args = parser.parse_args()

    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    torch.manual_seed(SEED)

    model = ${className}().to(device)
    model.load_state_dict(load_file("weights.safetensors"))
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(trainable, lr=LEARNING_RATE, **ADAM)
    start_epoch, step = 0, 0
    if args.resume and os.path.exists("checkpoint.safetensors"):
        saved = load_file("checkpoint.safetensors")
        prefix = "model."
        model.load_state_dict(
            {k[len(prefix) :]: v for k, v in saved.items() if k.startswith(prefix)}
        )
        restore_optimizer(model, optimizer, saved)
        start_epoch, step = int(saved["epoch"]), int(saved["step"])
        if rank == 0:
            print(f"resuming after epoch {start_epoch} (update {step})", flush=True)
    ddp = DistributedDataParallel(model)

    data = load_data()
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=SEED)
    loader = DataLoader(data, batch_size=max(1, BATCH_SIZE // world), sampler=sampler)
    total_steps = args.epochs * len(loader)

    for epoch in range(start_epoch, args.epochs):
        sampler.set_epoch(epoch)
        ddp.train()
        totals = torch.zeros(3, dtype=torch.float64)  # loss x count, count, tokens
        started = time.time()
        for batch in loader:
            *inputs, targets, mask = [t.to(device) for t in batch]
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, total_steps)
            loss, count = loss_of(ddp, inputs, targets, mask)
            optimizer.zero_grad()
            loss.backward()
            if CLIP_NORM is not None:
                torch.nn.utils.clip_grad_norm_(ddp.parameters(), CLIP_NORM)
            optimizer.step()
            step += 1
            seen = [loss.item() * float(count), float(count), float(mask.sum())]
            totals += torch.tensor(seen, dtype=torch.float64)
        dist.all_reduce(totals)  # sum over the processes
        seconds = time.time() - started
        if rank == 0:
            loss = totals[0] / totals[1].clamp(min=1)
            print(
                f"epoch {epoch + 1}/{args.epochs} (after rnnkit's {RNNKIT_EPOCHS}) loss {loss:.4f} "
                f"tokens/s {totals[2] / seconds:.0f} ({world} processes, {seconds:.1f}s)",
                flush=True,
            )
            state = {f"model.{k}": v for k, v in model.state_dict().items()}
            state.update(optimizer_state(model, optimizer))
            state["epoch"] = torch.tensor([epoch + 1])
            state["step"] = torch.tensor([step])
            save_atomic(state, "checkpoint.safetensors")
            save_atomic(model.state_dict(), "weights.safetensors", {"format": "pt"})
        dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
}

/** The README of an exported project. */
export function projectReadme(
  className: string,
  modelName: string,
  d: TorchTrainingData | null,
): string {
  const train = d
    ? `
## Train with DistributedDataParallel

The training windows are in \`${TRAIN_FILES.data}\` (${d.source}). Two processes on this machine
(gloo on CPU; with CUDA, one per GPU over nccl):

\`\`\`sh
torchrun --standalone --nproc_per_node=2 train.py --epochs 1
\`\`\`

Every epoch, rank 0 writes the model to \`weights.safetensors\` and the whole state to
\`checkpoint.safetensors\`. Continue an interrupted run (or train further) with:

\`\`\`sh
torchrun --standalone --nproc_per_node=2 train.py --epochs 3 --resume
\`\`\`

The loss, Adam (Keras's epsilon 1e-7), learning rate, schedule and gradient clipping are the rnnkit
run's. Adam's moments start fresh (rnnkit does not export them) and the schedule restarts over
this run's epochs.

Exported with:

\`\`\`sh
${d.command}
\`\`\`
`
    : '';
  return `# ${modelName} in PyTorch

Exported by \`rnnkit export --format torch\`: \`model.py\` defines \`${className}\`, an
\`nn.Module\` whose state_dict is \`weights.safetensors\`; \`rnnkit.json\` holds the task, vocab and
scaler; \`architecture.json\` lets rnnkit read the weights back.

\`\`\`python
from safetensors.torch import load_file
from model import ${className}

model = ${className}()
model.load_state_dict(load_file("weights.safetensors"))
model.eval()
\`\`\`
${train}
## Back to rnnkit

\`\`\`sh
rnnkit import . --out ../imported
\`\`\`

reads \`weights.safetensors\` (as PyTorch saved it) into an rnnkit model folder, task metadata
intact, for \`rnnkit generate\`, \`predict\` and \`forecast\`.
`;
}

/** data.safetensors: input_0.., targets and (sequence loss) mask. */
export function trainingDataFile(d: TorchTrainingData): Uint8Array {
  const n = d.targets.shape[0];
  for (const t of [...d.inputs, ...(d.mask ? [d.mask] : [])]) {
    if (t.shape[0] !== n) {
      throw new InteropError('BAD_OPTION', `training data: ${t.shape[0]} inputs but ${n} targets`);
    }
  }
  return writeSafetensors({
    ...Object.fromEntries(d.inputs.map((t, i) => [`input_${i}`, t])),
    targets: d.targets,
    ...(d.mask ? { mask: d.mask } : {}),
  });
}
