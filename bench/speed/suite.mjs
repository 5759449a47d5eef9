// The speed suite's workloads, read by run.mjs (every configuration of each) and ab-builds.mjs
// (the user path's, api.mjs, for its CPU-time figures): name, the hand-wired and stock loops'
// script + args (`node`), api.mjs's args (`api`), PyTorch's script + args (`py`), the unit, and the
// one-thread run (`single`) where there is one.

/** Workloads: name, node script + args, python script + args, unit, optional one/two-thread runs. */
export const WORKLOADS = [
  {
    name: 'w1.lstm256',
    node: ['w1.mjs', 'lstm', '256'],
    api: ['w1', 'lstm', '256'],
    py: ['speed_w1.py', 'lstm', '256'],
    unit: 'tokens/s',
    single: ['w1.mjs', 'lstm', '256', '1'],
  },
  {
    name: 'w1.gru256',
    node: ['w1.mjs', 'gru', '256'],
    api: ['w1', 'gru', '256'],
    py: ['speed_w1.py', 'gru', '256'],
    unit: 'tokens/s',
    single: ['w1.mjs', 'gru', '256', '1'],
  },
  {
    name: 'w1.rnn256',
    node: ['w1.mjs', 'rnn', '256'],
    api: ['w1', 'rnn', '256'],
    py: ['speed_w1.py', 'rnn', '256'],
    unit: 'tokens/s',
  },
  {
    // a trainable embedding (65 x 64) instead of one-hot: rnnkit's user path and PyTorch only (stock
    // tfjs-layers cannot train an Embedding on wasm: its gradient kernel is missing there)
    name: 'w1.lstm256.embed',
    api: ['w1', 'lstm', '256', 'auto', 'embed'],
    py: ['speed_w1.py', 'lstm', '256', 'embed'],
    unit: 'tokens/s',
    stockNote: "stock tfjs-layers' Embedding cannot train on wasm (no UnsortedSegmentSum kernel)",
  },
  {
    name: 'w1.lstm64',
    node: ['w1.mjs', 'lstm', '64'],
    api: ['w1', 'lstm', '64'],
    py: ['speed_w1.py', 'lstm', '64'],
    unit: 'tokens/s',
    single: ['w1.mjs', 'lstm', '64', '1'],
  },
  { name: 'w2', node: ['w2.mjs'], api: ['w2'], py: ['speed_w2.py'], unit: 'epochs/s' },
  { name: 'w3', node: ['w3.mjs'], api: ['w3'], py: ['speed_w3.py'], unit: 'chars/s' },
];
