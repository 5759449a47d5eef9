/**
 * An rnnkit model as PyTorch modules: which `nn.Embedding`, `nn.RNN`/`nn.LSTM`/`nn.GRU`,
 * `nn.Linear` and attention each layer becomes, and the topology's wiring (many-to-one,
 * many-to-many, one-to-many, seq2seq). Stacked recurrent layers `rnn_1 .. rnn_L` (and their
 * backward twins) become one module with `num_layers = L`, `bidirectional`, `batch_first=True` and
 * the stack's dropout. The weights follow in `weights.ts`, the code in `model-py.ts`.
 */
import { CELL_LAYOUTS, type CellType } from '@rnnkit/models';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InteropError } from '../errors.js';
import {
  describeModel,
  type GraphLayer,
  type LogicalLayer,
  logicalLayers,
  type ModelGraph,
  weightOf,
} from '../model-graph.js';

export interface EmbeddingModule {
  kind: 'embedding';
  /** The attribute (and state_dict prefix): the rnnkit layer's name. */
  attr: string;
  layer: GraphLayer;
  num: number;
  dim: number;
  /** 0 when the layer masks id 0 (rnnkit's `maskZero`), else null. */
  paddingIdx: number | null;
  /** A frozen table (rnnkit's one-hot input: the identity). */
  frozen: boolean;
}

export interface RecurrentLevel {
  forward: GraphLayer;
  backward?: GraphLayer;
}

export interface RecurrentModule {
  kind: 'recurrent';
  attr: string;
  cell: CellType;
  /** 'RNN' | 'LSTM' | 'GRU'. */
  module: string;
  inputSize: number;
  hidden: number;
  levels: RecurrentLevel[];
  bidirectional: boolean;
  dropout: number;
  /** nn.RNN's nonlinearity. */
  nonlinearity: 'tanh' | 'relu';
}

export interface LinearModule {
  kind: 'linear';
  attr: string;
  layer: GraphLayer;
  inFeatures: number;
  outFeatures: number;
  activation: 'linear' | 'tanh';
}

export interface AttentionModule {
  kind: 'attention';
  attr: string;
  type: 'dot' | 'additive';
  layer: GraphLayer;
  /** Additive only: query, key widths and the score's hidden width. */
  queryWidth: number;
  keyWidth: number;
  units: number;
}

export type TorchModule = EmbeddingModule | RecurrentModule | LinearModule | AttentionModule;

/** What x_t is: an embedding (or one-hot) table, or features of a width. */
export type InputPlan =
  | { kind: 'tokens'; table: EmbeddingModule }
  | { kind: 'features'; width: number };

export type TopologyPlan =
  | {
      topology: 'many_to_one';
      input: InputPlan;
      rnn: RecurrentModule;
      /** The Dense head, or null for head 'none'. */
      head: LinearModule | null;
    }
  | { topology: 'many_to_many'; input: InputPlan; rnn: RecurrentModule; head: LinearModule }
  | {
      topology: 'one_to_many';
      condition: { kind: 'class'; table: EmbeddingModule } | { kind: 'features'; width: number };
      /** Per decoder layer, the Dense layers giving [h] or [h, c] from the condition. */
      initial: LinearModule[][];
      conditionEveryStep: boolean;
      input: InputPlan;
      rnn: RecurrentModule;
      head: LinearModule;
    }
  | {
      topology: 'seq2seq';
      source: InputPlan;
      target: InputPlan;
      encoder: RecurrentModule;
      decoder: RecurrentModule;
      /** Per layer, the Dense bridge giving an lstm decoder's c from a non-lstm encoder's h. */
      bridges: LinearModule[];
      /** Source id 0 is padding (masked out of attention). */
      sourceMask: boolean;
      attention: AttentionModule | null;
      attentional: LinearModule | null;
      head: LinearModule;
    };

export interface TorchPlan {
  plan: TopologyPlan;
  /** Every module, in the order model.py declares them (the state_dict order). */
  modules: TorchModule[];
  graph: ModelGraph;
}

function unsupported(msg: string): InteropError {
  return new InteropError('UNSUPPORTED', msg);
}

function embeddingModule(layer: GraphLayer): EmbeddingModule {
  const [num, dim] = weightOf(layer, 'embeddings').shape as [number, number];
  return {
    kind: 'embedding',
    attr: layer.name,
    layer,
    num,
    dim,
    paddingIdx: layer.config['mask_zero'] === true ? 0 : null,
    frozen: layer.config['trainable'] === false,
  };
}

function linearModule(layer: GraphLayer): LinearModule {
  if (layer.className !== 'Dense') {
    throw unsupported(`layer '${layer.name}' is a ${layer.className}, expected Dense`);
  }
  const activation = (layer.config['activation'] ?? 'linear') as string;
  if (activation !== 'linear' && activation !== 'tanh') {
    throw unsupported(
      `Dense '${layer.name}' has activation '${activation}': only linear and tanh map`,
    );
  }
  if (layer.config['use_bias'] === false) {
    throw unsupported(`Dense '${layer.name}' has no bias: rnnkit's heads always have one`);
  }
  const [inFeatures, outFeatures] = weightOf(layer, 'kernel').shape as [number, number];
  return { kind: 'linear', attr: layer.name, layer, inFeatures, outFeatures, activation };
}

/** Checks one recurrent layer maps onto PyTorch's cell equations. */
function checkRecurrent(layer: GraphLayer, cell: CellType): void {
  const c = layer.config;
  const act = (c['activation'] ?? 'tanh') as string;
  if (cell === 'rnn' ? act !== 'tanh' && act !== 'relu' : act !== 'tanh') {
    throw unsupported(
      `${layer.className} '${layer.name}' has activation '${act}': PyTorch's nn.${CELL_LAYOUTS[cell].torchModule} uses tanh${cell === 'rnn' ? ' or relu' : ''}`,
    );
  }
  if (cell !== 'rnn' && (c['recurrent_activation'] ?? 'sigmoid') !== 'sigmoid') {
    throw unsupported(
      `${layer.className} '${layer.name}' has recurrent_activation '${c['recurrent_activation']}': PyTorch's gates are sigmoid (rebuild it with the default recurrentActivation)`,
    );
  }
  if (cell === 'gru' && c['reset_after'] === false) {
    throw unsupported(
      `GRU '${layer.name}' applies the reset gate before the recurrent matMul (reset_after=False, Keras 1 and stock tfjs): PyTorch's nn.GRU is reset-after only, so it has no PyTorch twin; retrain with resetAfter: true (rnnkit's default)`,
    );
  }
  if (c['use_bias'] === false) {
    throw unsupported(`${layer.className} '${layer.name}' has no bias: export needs use_bias`);
  }
}

/** Groups the logical recurrent layers named `${prefix}_1 .. _L` into one module. */
function recurrentModule(
  logical: LogicalLayer[],
  prefix: string,
  graph: ModelGraph,
): RecurrentModule {
  const levels = logical.filter(
    (l): l is Extract<LogicalLayer, { kind: 'recurrent' }> =>
      l.kind === 'recurrent' && new RegExp(`^${prefix}_\\d+$`).test(l.forward.name),
  );
  if (levels.length === 0) throw unsupported(`the model has no recurrent layers '${prefix}_1'...`);
  const first = levels[0]!;
  const cell = first.cell;
  const bidirectional = first.backward !== undefined;
  const hidden = first.forward.config['units'] as number;
  for (const [i, l] of levels.entries()) {
    if (l.forward.name !== `${prefix}_${i + 1}`) {
      throw unsupported(`recurrent layer '${l.forward.name}' is out of order in stack '${prefix}'`);
    }
    if (
      l.cell !== cell ||
      (l.backward !== undefined) !== bidirectional ||
      l.forward.config['units'] !== hidden ||
      (l.merge ?? 'concat') !== 'concat'
    ) {
      throw unsupported(
        `stack '${prefix}' mixes cells, widths, directions or merge modes at '${l.forward.name}': one nn.${CELL_LAYOUTS[cell].torchModule} cannot hold it`,
      );
    }
    checkRecurrent(l.forward, cell);
    if (l.backward) checkRecurrent(l.backward, cell);
  }
  const dropoutLayer = graph.layers.find((l) => l.name === `${prefix}_1_dropout`);
  return {
    kind: 'recurrent',
    attr: prefix,
    cell,
    module: CELL_LAYOUTS[cell].torchModule,
    inputSize: weightOf(first.forward, 'kernel').shape[0]!,
    hidden,
    levels: levels.map((l) =>
      l.backward ? { forward: l.forward, backward: l.backward } : { forward: l.forward },
    ),
    bidirectional,
    dropout: (dropoutLayer?.config['rate'] as number | undefined) ?? 0,
    nonlinearity: (first.forward.config['activation'] as 'tanh' | 'relu' | undefined) ?? 'tanh',
  };
}

/**
 * The name of a many-to-x or one-to-many model's sequence input: `features` (numbers) or `tokens`
 * (ids, and numbers in models saved before rnnkit named numeric inputs `features`).
 */
function sequenceInputName(graph: ModelGraph): string {
  return graph.inputs.includes('features') ? 'features' : 'tokens';
}

function inputPlan(graph: ModelGraph, name: string): InputPlan {
  const table = graph.layers.find((l) => l.className === 'Embedding' && l.inputs[0] === name);
  if (table) return { kind: 'tokens', table: embeddingModule(table) };
  const input = graph.layers.find((l) => l.name === name);
  const shape = (input?.config['batch_input_shape'] as (number | null)[] | undefined) ?? [];
  const width = shape[2];
  if (typeof width !== 'number') throw unsupported(`input '${name}' has no feature width`);
  return { kind: 'features', width };
}

/** Reads the model's PyTorch plan; UNSUPPORTED names what has no PyTorch counterpart. */
export function torchPlan(model: tfl.LayersModel | ModelGraph): TorchPlan {
  const graph =
    'layers' in model && 'outputs' in model && !('predict' in model)
      ? (model as ModelGraph)
      : describeModel(model as tfl.LayersModel);
  const logical = logicalLayers(graph);
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const get = (n: string) => byName.get(n);
  const dense = (n: string) => {
    const l = get(n);
    return l ? linearModule(l) : null;
  };
  const known = new Set([
    'InputLayer',
    'Embedding',
    'SimpleRNN',
    'LSTM',
    'GRU',
    'Dense',
    'Dropout',
    'Concatenate',
    'Flatten',
    'rnnkit>ReverseTime',
    'rnnkit>BroadcastTime',
    'rnnkit>PaddingMask',
    'rnnkit>DotAttention',
    'rnnkit>AdditiveAttention',
  ]);
  for (const l of graph.layers) {
    if (!known.has(l.className)) {
      throw unsupported(
        `layer '${l.name}' is a ${l.className}, which the PyTorch export does not map (it maps Embedding, SimpleRNN/LSTM/GRU, Dense, Dropout and rnnkit's attention)`,
      );
    }
  }
  let plan: TopologyPlan;
  if (graph.name === 'many_to_one' || graph.name === 'many_to_many') {
    const input = inputPlan(graph, sequenceInputName(graph));
    const rnn = recurrentModule(logical, 'rnn', graph);
    const head = dense('logits') ?? dense('regression');
    if (graph.name === 'many_to_one') plan = { topology: 'many_to_one', input, rnn, head };
    else {
      if (!head) throw unsupported("a many-to-many model needs its 'logits' layer");
      plan = { topology: 'many_to_many', input, rnn, head };
    }
  } else if (graph.name === 'one_to_many') {
    const condTable = get('condition_embedding');
    const condShape = get('condition')?.config['batch_input_shape'] as number[] | undefined;
    const condition = condTable
      ? { kind: 'class' as const, table: embeddingModule(condTable) }
      : { kind: 'features' as const, width: condShape?.[1] ?? 0 };
    const rnn = recurrentModule(logical, 'decoder', graph);
    const kinds = rnn.cell === 'lstm' ? ['h', 'c'] : ['h'];
    const initial = rnn.levels.map((_, l) =>
      kinds.map((k) => {
        const d = dense(`condition_${k}_${l + 1}`);
        if (!d) throw unsupported(`one-to-many model without 'condition_${k}_${l + 1}'`);
        return d;
      }),
    );
    const head = dense('logits');
    if (!head) throw unsupported("a one-to-many model needs its 'logits' layer");
    plan = {
      topology: 'one_to_many',
      condition,
      initial,
      conditionEveryStep: get('condition_every_step') !== undefined,
      input: inputPlan(graph, sequenceInputName(graph)),
      rnn,
      head,
    };
  } else if (graph.name === 'seq2seq') {
    const encoder = recurrentModule(logical, 'encoder', graph);
    const decoder = recurrentModule(logical, 'decoder', graph);
    const att = graph.layers.find((l) => l.className.endsWith('Attention'));
    let attention: AttentionModule | null = null;
    if (att) {
      const additive = att.className === 'rnnkit>AdditiveAttention';
      attention = {
        kind: 'attention',
        attr: att.name,
        type: additive ? 'additive' : 'dot',
        layer: att,
        queryWidth: additive ? weightOf(att, 'query_kernel').shape[0]! : decoder.hidden,
        keyWidth: additive ? weightOf(att, 'key_kernel').shape[0]! : decoder.hidden,
        units: additive ? weightOf(att, 'query_kernel').shape[1]! : 0,
      };
    }
    const head = dense('logits');
    if (!head) throw unsupported("a seq2seq model needs its 'logits' layer");
    plan = {
      topology: 'seq2seq',
      source: inputPlan(graph, 'source'),
      target: inputPlan(graph, 'target'),
      encoder,
      decoder,
      bridges: encoder.levels.flatMap((_, l) => dense(`bridge_c_${l + 1}`) ?? []),
      sourceMask: get('source_mask') !== undefined,
      attention,
      attentional: attention ? dense('attentional') : null,
      head,
    };
  } else {
    throw unsupported(
      `model '${graph.name}' is not one of rnnkit's topologies (many_to_one, many_to_many, one_to_many, seq2seq): the PyTorch export writes a forward for those`,
    );
  }
  return { plan, modules: modulesOf(plan), graph };
}

/** The plan's modules in declaration order. */
function modulesOf(p: TopologyPlan): TorchModule[] {
  const input = (i: InputPlan) => (i.kind === 'tokens' ? [i.table] : []);
  switch (p.topology) {
    case 'many_to_one':
    case 'many_to_many':
      return [...input(p.input), p.rnn, ...(p.head ? [p.head] : [])];
    case 'one_to_many':
      return [
        ...(p.condition.kind === 'class' ? [p.condition.table] : []),
        ...p.initial.flat(),
        ...input(p.input),
        p.rnn,
        p.head,
      ];
    case 'seq2seq':
      return [
        ...input(p.source),
        ...input(p.target),
        p.encoder,
        ...p.bridges,
        p.decoder,
        ...(p.attention ? [p.attention] : []),
        ...(p.attentional ? [p.attentional] : []),
        p.head,
      ];
  }
}
