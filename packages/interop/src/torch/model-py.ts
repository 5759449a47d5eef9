/**
 * `model.py`: the exported model as a PyTorch `nn.Module` whose `state_dict` keys are those of
 * `weights.safetensors` (see `weights.ts`), with the topology's forward written out: many-to-one
 * (the last state through the head), many-to-many (a head on every step, plus `step` and
 * `generate` for a language model), one-to-many (a condition gives the initial state) and seq2seq
 * (`encode`, `decode`, dot or additive attention). Masked token inputs (id 0 = padding) run packed,
 * so padded steps leave the state as rnnkit's masking does (padding goes at the end).
 */
import type { EmbeddingModule, InputPlan, LinearModule, TopologyPlan, TorchPlan } from './plan.js';

const py = (b: boolean) => (b ? 'True' : 'False');

function declare(m: TorchPlan['modules'][number]): string[] {
  switch (m.kind) {
    case 'embedding': {
      const args = [
        `${m.num}`,
        `${m.dim}`,
        ...(m.paddingIdx === null ? [] : [`padding_idx=${m.paddingIdx}`]),
      ];
      const lines = [`self.${m.attr} = nn.Embedding(${args.join(', ')})`];
      if (m.frozen)
        lines.push(
          `self.${m.attr}.weight.requires_grad_(False)  # one-hot input: a frozen identity`,
        );
      return lines;
    }
    case 'recurrent': {
      const args = [
        `${m.inputSize}`,
        `${m.hidden}`,
        `num_layers=${m.levels.length}`,
        ...(m.cell === 'rnn' ? [`nonlinearity=${JSON.stringify(m.nonlinearity)}`] : []),
        'batch_first=True',
        ...(m.bidirectional ? ['bidirectional=True'] : []),
        ...(m.dropout > 0 ? [`dropout=${m.dropout}`] : []),
      ];
      const line = `self.${m.attr} = nn.${m.module}(${args.join(', ')})`;
      // black's style past the width: one argument a line
      return line.length <= 92
        ? [line]
        : [`self.${m.attr} = nn.${m.module}(`, ...args.map((a) => `    ${a},`), ')'];
    }
    case 'linear':
      return [
        `self.${m.attr} = nn.Linear(${m.inFeatures}, ${m.outFeatures})${m.activation === 'tanh' ? '  # tanh applied in forward' : ''}`,
      ];
    case 'attention':
      if (m.type === 'dot') return [];
      return [`self.${m.attr} = AdditiveAttention(${m.queryWidth}, ${m.keyWidth}, ${m.units})`];
  }
}

function linear(m: LinearModule, x: string): string {
  return m.activation === 'tanh' ? `torch.tanh(self.${m.attr}(${x}))` : `self.${m.attr}(${x})`;
}

function embed(input: InputPlan, ids: string): string {
  return input.kind === 'tokens' ? `self.${input.table.attr}(${ids})` : ids;
}

function masked(input: InputPlan): EmbeddingModule | null {
  return input.kind === 'tokens' && input.table.paddingIdx !== null ? input.table : null;
}

function inputDoc(input: InputPlan, name: string): string {
  return input.kind === 'tokens'
    ? `${name}: token ids [batch, time] (int64)${input.table.paddingIdx === null ? '' : ', 0 = padding at the end'}`
    : `${name}: features [batch, time, ${input.width}] (float32)`;
}

function manyToX(p: Extract<TopologyPlan, { topology: 'many_to_one' | 'many_to_many' }>): string[] {
  const mask = masked(p.input);
  const lines = [
    `def forward(self, tokens):`,
    `    """${inputDoc(p.input, 'tokens')} -> ${p.topology === 'many_to_one' ? (p.head ? `[batch, ${p.head.outFeatures}]` : `[batch, ${p.rnn.hidden * (p.rnn.bidirectional ? 2 : 1)}]`) : `logits [batch, time, ${p.head!.outFeatures}]`}."""`,
    `    x = ${embed(p.input, 'tokens')}`,
    `    lengths = ${mask ? '(tokens != 0).sum(1)' : 'None'}`,
    `    y, state = run_rnn(self.${p.rnn.attr}, x, lengths)`,
  ];
  if (p.topology === 'many_to_one') {
    lines.push(
      `    last = top_hidden(state, bidirectional=${py(p.rnn.bidirectional)})  # [batch, D]`,
    );
    lines.push(`    return ${p.head ? linear(p.head, 'last') : 'last'}`);
  } else {
    lines.push(`    return ${linear(p.head, 'y')}`);
  }
  if (p.topology === 'many_to_many' && !p.rnn.bidirectional && p.input.kind === 'tokens') {
    lines.push(
      '',
      'def step(self, tokens, state=None):',
      '    """Reads tokens [batch, time] from `state`: the last step\'s logits [batch, classes]',
      '    and the new state."""',
      `    y, state = self.${p.rnn.attr}(${embed(p.input, 'tokens')}, state)`,
      `    return ${linear(p.head, 'y[:, -1]')}, state`,
      '',
      '@torch.no_grad()',
      'def generate(self, prompt, length, suppress=(0, 1)):',
      '    """Greedy generation: `length` token ids after the prompt (a list of ids), never one of',
      '    `suppress` (rnnkit\'s <pad> and <unk>), as `rnnkit generate --top-k 1`."""',
      '    logits, state = self.step(torch.tensor([prompt], dtype=torch.long))',
      '    out = []',
      '    for _ in range(length):',
      '        logits[:, list(suppress)] = float("-inf")',
      '        token = int(logits.argmax(-1))',
      '        out.append(token)',
      '        logits, state = self.step(torch.tensor([[token]], dtype=torch.long), state)',
      '    return out',
    );
  }
  return lines;
}

/** `name = torch.stack([...])` at 4 spaces, one item a line when it is long. */
function stackLines(name: string, items: string[], comment = ''): string[] {
  const line = `    ${name} = torch.stack([${items.join(', ')}])${comment ? `  # ${comment}` : ''}`;
  if (line.length <= 92) return [line];
  return [
    ...(comment ? [`    # ${comment}`] : []),
    `    ${name} = torch.stack(`,
    '        [',
    ...items.map((i) => `            ${i},`),
    '        ]',
    '    )',
  ];
}

function oneToMany(p: Extract<TopologyPlan, { topology: 'one_to_many' }>): string[] {
  const v =
    p.condition.kind === 'class'
      ? `self.${p.condition.table.attr}(condition.reshape(-1, 1)).flatten(1)`
      : 'condition';
  const lines = [
    'def initial_state(self, condition):',
    `    """The decoder's initial state from ${p.condition.kind === 'class' ? 'class ids [batch] or [batch, 1]' : `features [batch, ${p.condition.width}]`}."""`,
    `    v = ${v}`,
    ...stackLines(
      'h',
      p.initial.map((ls) => linear(ls[0]!, 'v')),
    ),
    ...(p.rnn.cell === 'lstm'
      ? [
          ...stackLines(
            'c',
            p.initial.map((ls) => linear(ls[1]!, 'v')),
          ),
          '    return h, c',
        ]
      : ['    return h']),
    '',
    'def forward(self, condition, tokens):',
    `    """condition and ${inputDoc(p.input, 'tokens')} (the previous tokens) -> logits [batch, time, ${p.head.outFeatures}]."""`,
    `    x = ${embed(p.input, 'tokens')}`,
  ];
  if (p.conditionEveryStep) {
    lines.push(
      `    v = ${v}`,
      '    # the condition on every step, beside the token',
      '    x = torch.cat([x, v[:, None, :].expand(-1, x.shape[1], -1)], -1)',
    );
  }
  lines.push(
    `    y, _ = self.${p.rnn.attr}(x, self.initial_state(condition))`,
    `    return ${linear(p.head, 'y')}`,
  );
  return lines;
}

function seq2seq(p: Extract<TopologyPlan, { topology: 'seq2seq' }>): string[] {
  const e = p.encoder;
  const d = p.decoder;
  const mask = masked(p.source);
  const lines = [
    'def encode(self, source):',
    `    """${inputDoc(p.source, 'source')} -> (encoder outputs [batch, time, ${d.hidden}], the decoder's initial state, source mask [batch, time])."""`,
    `    x = ${embed(p.source, 'source')}`,
    `    lengths = ${mask ? '(source != 0).sum(1)' : 'None'}`,
    `    values, state = run_rnn(self.${e.attr}, x, lengths)`,
    `    h = ${e.cell === 'lstm' ? 'state[0]' : 'state'}  # [layers${e.bidirectional ? ' * 2' : ''}, batch, ${e.hidden}]`,
  ];
  if (e.bidirectional)
    lines.push(
      "    h = torch.cat([h[0::2], h[1::2]], -1)  # each layer's two directions side by side",
    );
  if (d.cell === 'lstm') {
    if (e.cell === 'lstm') {
      lines.push('    c = state[1]');
      if (e.bidirectional) lines.push('    c = torch.cat([c[0::2], c[1::2]], -1)');
    } else {
      lines.push(
        ...stackLines(
          'c',
          p.bridges.map((b, l) => linear(b, `h[${l}]`)),
          'c0 from h: the bridge',
        ),
      );
    }
    lines.push('    state = (h.contiguous(), c.contiguous())');
  } else lines.push('    state = h.contiguous()');
  lines.push(
    mask
      ? '    mask = (source != 0).float()'
      : '    mask = torch.ones(source.shape[:2], device=values.device)',
    '    return values, state, mask',
    '',
    'def decode(self, target, state, values, mask):',
    `    """${inputDoc(p.target, 'target')} (the previous tokens) -> (logits [batch, time, ${p.head.outFeatures}], state)."""`,
    `    y, state = self.${d.attr}(${embed(p.target, 'target')}, state)`,
  );
  if (p.attention) {
    const a = p.attention;
    lines.push(
      a.type === 'dot'
        ? '    scores = y @ values.transpose(1, 2)  # Luong dot scores [batch, tgt, src]'
        : `    scores = self.${a.attr}(y, values)  # Bahdanau scores [batch, tgt, src]`,
      '    weights = masked_softmax(scores, mask)',
      '    context = weights @ values',
      `    y = ${linear(p.attentional!, 'torch.cat([context, y], -1)')}`,
    );
  }
  lines.push(
    `    return ${linear(p.head, 'y')}, state`,
    '',
    'def forward(self, source, target):',
    '    """Teacher forcing: source and the previous target tokens -> logits [batch, tgt, classes]."""',
    '    values, state, mask = self.encode(source)',
    '    return self.decode(target, state, values, mask)[0]',
  );
  return lines;
}

const HELPERS = `def run_rnn(rnn, x, lengths=None, state=None):
    """Runs a batch-first recurrent module. With lengths, padded steps (at the end) are skipped,
    as rnnkit's masking skips them: the state is that of the last real step."""
    if lengths is None:
        return rnn(x, state)
    packed = nn.utils.rnn.pack_padded_sequence(
        x, lengths.clamp(min=1).cpu(), batch_first=True, enforce_sorted=False
    )
    y, state = rnn(packed, state)
    y, _ = nn.utils.rnn.pad_packed_sequence(y, batch_first=True, total_length=x.shape[1])
    return y, state


def top_hidden(state, bidirectional):
    """The top layer's last hidden state [batch, D] (both directions side by side)."""
    h = state[0] if isinstance(state, tuple) else state
    return torch.cat([h[-2], h[-1]], -1) if bidirectional else h[-1]
`;

const ATTENTION = `

def masked_softmax(scores, mask):
    """Softmax over source steps that are not padding (mask [batch, src], 1 = real)."""
    m = mask[:, None, :]
    return torch.softmax(scores + (1 - m) * -1e9, -1) * m


class AdditiveAttention(nn.Module):
    """Bahdanau scores v^T tanh(q W_q + k W_k)."""

    def __init__(self, query_width, key_width, units):
        super().__init__()
        self.query = nn.Linear(query_width, units, bias=False)
        self.key = nn.Linear(key_width, units, bias=False)
        self.score = nn.Linear(units, 1, bias=False)

    def forward(self, query, values):
        hidden = torch.tanh(self.query(query)[:, :, None, :] + self.key(values)[:, None, :, :])
        return self.score(hidden).squeeze(-1)
`;

const CLASS_NAMES: Record<TopologyPlan['topology'], string> = {
  many_to_one: 'ManyToOne',
  many_to_many: 'ManyToMany',
  one_to_many: 'OneToMany',
  seq2seq: 'Seq2Seq',
};

/** The class name model.py defines for a plan. */
export function torchClassName(p: TorchPlan): string {
  return CLASS_NAMES[p.plan.topology];
}

/** Wraps one-line docstrings longer than 100 characters at word boundaries. */
function wrapDocstrings(source: string): string {
  return source
    .split('\n')
    .flatMap((line) => {
      const m = /^(\s*)"""(.*)"""$/.exec(line);
      if (!m || line.length <= 100) return [line];
      const indent = m[1]!;
      const out: string[] = [];
      let current = `${indent}"""`;
      for (const word of m[2]!.split(' ')) {
        if (current.length + word.length + 1 > 96 && current.trim() !== '"""') {
          out.push(current);
          current = `${indent}${word}`;
        } else current += current.endsWith('"""') ? word : ` ${word}`;
      }
      out.push(`${current}"""`);
      return out;
    })
    .join('\n');
}

/** The source of model.py. */
export function modelPy(p: TorchPlan): string {
  return wrapDocstrings(modelSource(p));
}

function modelSource(p: TorchPlan): string {
  const t = p.plan;
  const body =
    t.topology === 'many_to_one' || t.topology === 'many_to_many'
      ? manyToX(t)
      : t.topology === 'one_to_many'
        ? oneToMany(t)
        : seq2seq(t);
  const indent = (lines: string[], n: number) =>
    lines.map((l) => (l === '' ? '' : ' '.repeat(n) + l)).join('\n');
  const attention = t.topology === 'seq2seq' && t.attention !== null;
  return `"""${CLASS_NAMES[t.topology]}: an rnnkit model ('${p.graph.name}') as a PyTorch module.

Written by \`rnnkit export --format torch\`. The state_dict keys match weights.safetensors:

    from safetensors.torch import load_file
    model = ${CLASS_NAMES[t.topology]}()
    model.load_state_dict(load_file("weights.safetensors"))

Outputs are raw scores (logits or values), as rnnkit's; apply softmax or sigmoid to read them.
rnnkit import reads weights saved from this module back (safetensors.torch.save_file).
"""

import torch
from torch import nn


${HELPERS}${attention ? ATTENTION : ''}

class ${CLASS_NAMES[t.topology]}(nn.Module):
    def __init__(self):
        super().__init__()
${indent(p.modules.flatMap(declare), 8)}

${indent(body, 4)}
`;
}
