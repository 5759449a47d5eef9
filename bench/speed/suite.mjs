// The speed suite's workloads, read by run.mjs (every configuration of each) and ab-builds.mjs
// (the user path's, api.mjs, for its CPU-time figures): name, the hand-wired and stock loops'
// script + args (`node`), api.mjs's args (`api`), PyTorch's script + args (`py`), the unit, and the
// one-thread run (`single`) where there is one.

/** W1 on a cell and width: its runs in every configuration; `single`: also the one-thread run. */
const w1 = (cell, units, single = true) => {
  const args = [cell, String(units)];
  return {
    name: `w1.${cell}${units}`,
    node: ['w1.mjs', ...args],
    api: ['w1', ...args],
    py: ['speed_w1.py', ...args],
    unit: 'tokens/s',
    ...(single ? { single: ['w1.mjs', ...args, '1'] } : {}),
  };
};

/** Workloads: name, node script + args, python script + args, unit, optional one/two-thread runs. */
export const WORKLOADS = [
  w1('lstm', 256),
  w1('gru', 256),
  w1('rnn', 256, false),
  {
    // a trainable embedding (65 x 64) instead of one-hot: rnnkit's user path and PyTorch only (stock
    // tfjs-layers cannot train an Embedding on wasm: its gradient kernel is missing there)
    name: 'w1.lstm256.embed',
    api: ['w1', 'lstm', '256', 'auto', 'embed'],
    py: ['speed_w1.py', 'lstm', '256', 'embed'],
    unit: 'tokens/s',
    stockNote: "stock tfjs-layers' Embedding cannot train on wasm (no UnsortedSegmentSum kernel)",
  },
  w1('lstm', 64),
  { name: 'w2', node: ['w2.mjs'], api: ['w2'], py: ['speed_w2.py'], unit: 'epochs/s' },
  { name: 'w3', node: ['w3.mjs'], api: ['w3'], py: ['speed_w3.py'], unit: 'chars/s' },
];

/**
 * The workloads named on a command line: a workload's exact name selects it alone, anything else
 * is a prefix (`w1` is all of W1); none: all of them.
 */
export function selectWorkloads(names) {
  const exact = (f) => WORKLOADS.some((o) => o.name === f);
  return WORKLOADS.filter(
    (w) =>
      names.length === 0 || names.some((f) => (exact(f) ? w.name === f : w.name.startsWith(f))),
  );
}
