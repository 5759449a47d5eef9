/**
 * Every `rnnkit` command, registered in one place (commander): one table, `commands` (a row per
 * command: its help, arguments, options as [flags, description, check] rows, examples, and `run`,
 * which loads its command module lazily), that one loop hands to commander. Option values reach
 * the commands exactly as typed (`--prime 007` is "007", `--lr -1` is the value of --lr), checked
 * by the option's parser (util/flags.ts): a bad value is a usage error (exit 2) naming the flag.
 * `-` as a file (`--data -`, `--file -`) is standard input.
 */
import { readFileSync } from 'node:fs';
import { TASK_NAMES, TASK_TABLE } from '@rnnkit/tasks/table';
import { Command, CommanderError, Option, type OptionValues } from 'commander';
import { BACKENDS, TRAIN_CHECKS } from './commands/train/options.js';
import { CliError } from './errors.js';
import type { Io } from './io.js';
import { choiceFlag, intFlag, numberFlag, stringFlag } from './util/flags.js';

/** The version in apps/cli/package.json (dist/cli.js sits one folder below it). */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/**
 * An option of a command: its flags, its description and the check that parses and types its
 * value as it is read (none: a flag without a value).
 */
type OptionRow = readonly [flags: string, description: string, check?: (value: string) => unknown];

const text = (name: string) => (v: string) => stringFlag(name, v);
const int = (name: string, min: number) => (v: string) => intFlag(name, v, min);
const num = (name: string, min: number, max: number) => (v: string) =>
  numberFlag(name, v, min, max);
const backendOption = (what: string): OptionRow => [
  '--backend <name>',
  `tfjs backend ${what}: auto (default: the fastest that loads, wasm, else cpu), cpu or wasm`,
  (v) => choiceFlag('backend', v, BACKENDS),
];

/** A command of the CLI: what its help says, and what runs it (its module loaded lazily). */
interface CommandRow {
  name: string;
  description: string;
  /** Its arguments: commander's `<name>` (required), `[name]` (optional), `name...` (a list). */
  args?: readonly (readonly [name: string, description: string])[];
  options: readonly OptionRow[];
  /** Command lines shown under `Examples:` in its help. */
  examples: readonly string[];
  /** Runs it on its arguments (as commander parsed them) and its options. */
  run: (args: unknown[], options: OptionValues) => Promise<void>;
}

/** The `Examples:` block under a command's help. */
function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** What a test may watch instead of running the command: the command, its arguments and its
 * options as the command would get them. */
export type Parsed = (command: Command, args: unknown[], options: Record<string, unknown>) => void;

/**
 * Runs the CLI on argv (without `node` and the script); resolves when the command is done. With
 * `parsed` (tests), the command line is parsed and checked, handed to it, and nothing runs.
 */
export async function run(argv: string[], io: Io, parsed?: Parsed): Promise<void> {
  const program = new Command('rnnkit');
  let task: Promise<void> | undefined;
  let current = 'rnnkit';

  program
    .description('Train, run and inspect recurrent models (RNN, LSTM, GRU) from the terminal')
    .version(`rnnkit ${VERSION}`, '-v, --version', 'Print the version')
    .helpOption('-h, --help', 'Show the help of rnnkit or of a command')
    .helpCommand('help [command]', 'Show the help of a command')
    .option('--verbose', 'Show the stack trace of an error')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.write(s),
      writeErr: (s) => io.err(s),
      outputError: () => {}, // thrown instead, and printed in one line by bin.ts
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .hook('preSubcommand', (_program, sub) => {
      current = `rnnkit ${sub.name()}`;
    });
  if (parsed) {
    program.hook('preAction', (_program, command) => {
      parsed(command, command.processedArgs, command.opts());
      throw new CommanderError(0, 'rnnkit.parsed', 'parsed, not run');
    });
  }

  const T = TRAIN_CHECKS;
  const MODEL = ['<model>', 'A model folder saved by rnnkit train'] as const;
  const trainOptions: OptionRow[] = [
    [
      '--data <file>',
      'Training data (- for stdin): text (text), JSONL or CSV (classify, names), CSV (forecast), TSV (seq2seq)',
      T.data,
    ],
    ['--dataset <name>', 'A bundled dataset instead of --data (see rnnkit datasets)', T.dataset],
    [
      '--column <names>',
      'CSV: the series to forecast, or the input columns (with --target)',
      T.column,
    ],
    [
      '--target <name>',
      'CSV: the column to predict (forecast) or the label column (classify)',
      T.target,
    ],
    ['--text-field <name>', 'JSONL: the field of the text (default text)', T.textField],
    ['--label-field <name>', 'JSONL: the field of the label (default label)', T.labelField],
    ['--cell <cell>', 'Recurrent cell: lstm, gru or rnn', T.cell],
    ['--units <n>', 'Hidden size of each recurrent layer', T.units],
    ['--layers <n>', 'Stacked recurrent layers', T.layers],
    [
      '--seq-length <n>',
      'Window length (characters or words, or past values a forecast reads)',
      T.seqLength,
    ],
    ['--epochs <n>', 'Passes over the training data', T.epochs],
    [
      '--time-budget <duration>',
      'Stop training after this long (e.g. 90s, 10m, 1h30m), keeping the model so far',
      T.timeBudget,
    ],
    ['--batch-size <n>', 'Examples per update', T.batchSize],
    ['--lr <rate>', "Adam's learning rate", T.lr],
    ['--clip <norm>', 'Clip gradients to this global norm', T.clip],
    ['--seed <n>', 'Seed of the weights, the data order and the split', T.seed],
    backendOption('to train on'),
    ['--val-split <share>', 'Share of the data held out for validation (default 0.1)', T.valSplit],
    ['--out <dir>', 'Folder the model is saved into (default ./rnnkit-model)', T.out],
    ['--dropout <rate>', 'Dropout between stacked recurrent layers, in [0, 1)', T.dropout],
    [
      '--season <n>',
      'forecast: steps per season (12 for monthly data with a yearly cycle)',
      T.season,
    ],
    ['--horizon <n>', 'forecast: values predicted at once (default 1)', T.horizon],
    [
      '--transform <name>',
      'forecast: what the model predicts: difference, seasonal (the default with --season) or none (the levels)',
      T.transform,
    ],
    [
      '--normalize <how>',
      'forecast: window (each window relative to its own mean; the default with --season) or series',
      T.normalize,
    ],
    [
      '--range-margin <share>',
      "forecast: forecasts stay within the series' range widened by this share of it (default 0.25)",
      T.rangeMargin,
    ],
    [
      '--hold-out <n>',
      'forecast: leave the last n values out of training (for rnnkit eval)',
      T.holdOut,
    ],
    [
      '--intervals <kind>',
      'forecast: learn a band: quantile (pinball loss over --quantiles) or gaussian (mean and scale); default none',
      T.intervals,
    ],
    [
      '--quantiles <list>',
      'forecast: the quantiles learnt (default 0.1,0.5,0.9: an 80% band)',
      T.quantiles,
    ],
    [
      '--id-column <name>',
      "forecast: a long CSV of many series: the column naming each row's series (one global model)",
      T.idColumn,
    ],
    ['--series-embedding', 'forecast (--id-column): learn an embedding of each series id'],
    ['--unit <unit>', 'text: what a token is: char (default) or word', T.unit],
    [
      '--max-vocab <n>',
      'text --unit word: most words in the vocab (rarer ones become <unk>)',
      T.maxVocab,
    ],
    [
      '--weights <dtype>',
      'How the saved model stores its weights: float32 (default), float16 (half the size; plain tfjs loads it) or int8 (about a quarter; rnnkit loads it)',
      T.weights,
    ],
    [
      '--config <file|json>',
      'JSON file of options, or the JSON itself (flags override it)',
      text('config'),
    ],
    ['--force', 'Overwrite the --out folder (and its .checkpoint) when it exists'],
    [
      '--resume <dir>',
      'Continue an interrupted run from its checkpoint folder (<out>.checkpoint), to the same result',
      text('resume'),
    ],
    [
      '--checkpoint-every <n>',
      'Also checkpoint every n steps (default: only when interrupted)',
      T.checkpointEvery,
    ],
    ['--json', 'One JSON object per event on stdout, nothing else there'],
    ['--quiet', 'No progress bar or epoch lines, only the result'],
    [
      '--attention-map <file>',
      'seq2seq: write the attention of the first held-out input as SVG',
      T.attentionMap,
    ],
  ];
  /** A train option that export --format torch --data passes on to the exported train.py. */
  const asForTrain = (flags: string): OptionRow => [
    flags,
    'torch --data: as for rnnkit train',
    trainOptions.find((o) => o[0] === flags)?.[2],
  ];
  const commands: CommandRow[] = [
    {
      name: 'demo',
      description: "Run the tutorial's two programs: a char RNN and an LSTM window regression",
      options: [
        ['--text <text>', 'Sentence for the character model', text('text')],
        [
          '--iterations <n>',
          'Training iterations of the character model (default 20)',
          int('iterations', 1),
        ],
        ['--epochs <n>', 'Epochs of the window regression (default 1000)', int('epochs', 1)],
        ['--seed <n>', 'Seed of every random choice (default 0)', int('seed', 0)],
        ['--out <dir>', 'Folder for the plots (default ./rnnkit-out)', text('out')],
        [
          '--only <program>',
          'Run one program: chars or windows',
          (v) => choiceFlag('only', v, ['chars', 'windows']),
        ],
      ],
      examples: ['rnnkit demo --text "hihello" --iterations 10'],
      run: (_args, o) => import('./commands/demo/index.js').then((m) => m.demo(o, io)),
    },
    {
      name: 'train',
      description: `Train a model for a task (${TASK_NAMES.map((k) => TASK_TABLE[k].name).join(', ')}; older names ${TASK_NAMES.flatMap((k) => TASK_TABLE[k].aliases).join(', ')}) on a file or a dataset`,
      args: [['<task>', TASK_NAMES.map((k) => TASK_TABLE[k].name).join(', ')]],
      options: trainOptions,
      examples: [
        'rnnkit train text --data book.txt --epochs 3 --out out/lm',
        'rnnkit train text --data - --time-budget 10m < book.txt',
        'rnnkit train text --dataset moby-dick --units 256 --seq-length 100',
        'rnnkit train text --config run.json --lr 0.001 --json > events.jsonl',
        'rnnkit train text --resume out/lm.checkpoint   # after Ctrl-C',
        'rnnkit train classify --data reviews.jsonl --text-field review --label-field stars',
        'rnnkit train names --dataset names-by-language --epochs 5',
        'rnnkit train seq2seq --data pairs.tsv --seq-length 20',
        'rnnkit train forecast --data sales.csv --column sales --seq-length 12',
        'rnnkit train forecast --data weather.csv --column temp,wind --target temp',
        'rnnkit train forecast --data stores.csv --id-column store --column sales --season 12 --intervals quantile',
        'rnnkit train forecast --dataset co2 --season 12 --hold-out 120 --config \'{"horizon":1}\'',
      ],
      run: ([taskName], o) =>
        import('./commands/train/index.js').then((m) => m.train(taskName as string, o, io)),
    },
    {
      name: 'generate',
      description: 'Generate text (streamed to stdout), or names for a --condition',
      args: [['<model>', 'A model folder saved by rnnkit train text or names']],
      options: [
        [
          '--prime <text>',
          'Text to start from, as typed (default a newline; a word model: its most frequent word)',
          text('prime'),
        ],
        [
          '--length <n>',
          'Characters (or words, for a word model) to generate (default 200)',
          int('length', 0),
        ],
        [
          '--temperature <t>',
          '< 1 sharper, > 1 more random, 0 greedy: the most likely character each time (default 1)',
          num('temperature', 0, 100),
        ],
        ['--top-k <k>', 'Draw only among the k most likely characters', int('top-k', 1)],
        ['--top-p <p>', 'Draw only from the nucleus of probability p', num('top-p', 1e-6, 1)],
        [
          '--seed <n>',
          'Seed of the draws: the same seed gives the same text (default 0)',
          int('seed', 0),
        ],
        [
          '--condition <name>',
          'names models: the condition to generate for (e.g. a language)',
          text('condition'),
        ],
        ['--count <n>', 'names models: how many to generate (default 1)', int('count', 1)],
        backendOption('to generate on'),
      ],
      examples: [
        'rnnkit generate out/lm --prime "The whale" --length 300 --temperature 0.8',
        'rnnkit generate out/lm --top-k 5 --seed 3',
        'rnnkit generate out/lm --prime 007 --temperature 0',
        'rnnkit generate out/names --condition fr --count 5',
      ],
      run: ([model], o) =>
        import('./commands/generate/index.js').then((m) => m.generate(model as string, o, io)),
    },
    {
      name: 'predict',
      description: "A classifier's label for each text, or a forecaster's next values",
      args: [
        ['<model>', 'A model folder saved by rnnkit train'],
        ['[inputs...]', 'Texts to classify (default: --file, else stdin)'],
      ],
      options: [
        [
          '--file <file>',
          'Texts to classify, one per line, UTF-8 (- for stdin; default: the arguments, else stdin)',
          text('file'),
        ],
        ['--json', 'One JSON object per prediction'],
        [
          '--attention-map <file>',
          'seq2seq: write the attention of the first input as SVG',
          text('attention-map'),
        ],
        backendOption('to run the model on'),
        [
          '--stream',
          'A model on features: read one row per stdin line, print one prediction per line as they come',
        ],
      ],
      examples: [
        'rnnkit predict out/sentiment "a lovely film" "dull and long"',
        'rnnkit predict out/g2p cat --attention-map cat.svg',
        'cat reviews.txt | rnnkit predict out/sentiment --file - --json',
        'sensor-feed | rnnkit predict out/regressor --stream',
      ],
      run: ([model, inputs], o) =>
        o.stream
          ? import('./commands/predict/stream.js').then((m) =>
              m.predictStream(model as string, o, io),
            )
          : import('./commands/predict/index.js').then((m) =>
              m.predict(model as string, inputs as string[], o, io),
            ),
    },
    {
      name: 'forecast',
      description: 'Continue a series with a forecasting model',
      args: [['<model>', 'A model folder saved by rnnkit train forecast']],
      options: [
        [
          '--steps <n>',
          'Values to forecast, recursively past the trained horizon (default 12)',
          int('steps', 1),
        ],
        [
          '--data <file>',
          'CSV of values to start from (- for stdin; default: the tail the model keeps)',
          text('data'),
        ],
        [
          '--column <names>',
          'CSV: the series column, or the input columns (with --target)',
          text('column'),
        ],
        ['--target <name>', 'CSV: the column the model predicts', text('target')],
        [
          '--plot <file>',
          'Write the history and the forecast (and its band) as an SVG chart',
          text('plot'),
        ],
        ['--id <id>', 'A global model: the series to continue, by id', text('id')],
        ['--json', 'Print one JSON object'],
        backendOption('to run the model on'),
      ],
      examples: [
        'rnnkit forecast out/co2 --steps 24 --plot co2.svg',
        'rnnkit forecast out/sales --data recent.csv --column sales --steps 6',
        'rnnkit forecast out/stores --id store-7 --steps 12 --json',
      ],
      run: ([model], o) =>
        import('./commands/forecast/index.js').then((m) => m.forecast(model as string, o, io)),
    },
    {
      name: 'eval',
      description: "The task's metrics on held-out data",
      args: [MODEL],
      options: [
        [
          '--data <file>',
          'Held-out data, in the format the model was trained on (- for stdin)',
          text('data'),
        ],
        [
          '--dataset <name>',
          'A bundled dataset instead of --data (see rnnkit datasets)',
          text('dataset'),
        ],
        [
          '--column <names>',
          'CSV: the text column (classify) or the series column (forecast)',
          text('column'),
        ],
        [
          '--target <name>',
          'CSV: the label column (classify) or the predicted column',
          text('target'),
        ],
        ['--text-field <name>', 'JSONL: the field of the text (default text)', text('text-field')],
        [
          '--label-field <name>',
          'JSONL: the field of the label (default label)',
          text('label-field'),
        ],
        ['--steps <n>', 'forecast: score the forecasts this many steps ahead', int('steps', 1)],
        [
          '--allow-overlap',
          'forecast: score data that overlaps the training series (in-sample: flattering)',
        ],
        ['--json', 'Print one JSON object'],
        backendOption('to run the model on'),
      ],
      examples: [
        'rnnkit eval out/lm --data held-out.txt',
        'rnnkit eval out/co2 --dataset co2 --steps 12   # the values after training',
        'rnnkit eval out/sentiment --data test.jsonl --json',
        'tail -n 48 sales.csv | rnnkit eval out/sales --data - --column sales',
      ],
      run: ([model], o) =>
        import('./commands/eval/index.js').then((m) => m.evaluate(model as string, o, io)),
    },
    {
      name: 'inspect',
      description: 'Show what a saved model folder holds',
      args: [MODEL],
      options: [['--json', 'Print one JSON object']],
      examples: ['rnnkit inspect out/lm', 'rnnkit inspect out/lm --json'],
      run: ([model], o) =>
        import('./commands/inspect/index.js').then((m) => m.inspect(model as string, o, io)),
    },
    {
      name: 'export',
      description: 'Write a saved model in another format (see --format)',
      args: [MODEL],
      options: [
        [
          '--format <name>',
          'The format to write (torch, onnx or keras; an unknown name lists them)',
          text('format'),
        ],
        ['--out <path>', 'Where to write it (torch: a folder; onnx, keras: a file)', text('out')],
        [
          '--data <file>',
          'torch: also the training windows and train.py (- for stdin; train flags: --dataset, --column, ...)',
          T.data,
        ],
        ['--dataset <name>', 'torch: a bundled dataset instead of --data', T.dataset],
        ...[
          '--column <names>',
          '--target <name>',
          '--text-field <name>',
          '--label-field <name>',
        ].map(asForTrain),
        [
          '--val-split <share>',
          'torch --data: the held-out share the run used (default 0.1)',
          T.valSplit,
        ],
        ['--step', 'onnx: the one-step model (state in and out) for generation token by token'],
        ['--force', 'Replace --out when it exists'],
      ],
      examples: [
        'rnnkit export out/lm --format torch --out out/lm-torch --data book.txt',
        'rnnkit export out/lm --format onnx --out lm.onnx',
        'rnnkit export out/lm --format onnx --step --out lm-step.onnx',
        'rnnkit export out/lm --format keras --out lm.keras',
      ],
      run: ([model], o) =>
        import('./commands/export/index.js').then((m) => m.exportModel(model as string, o, io)),
    },
    {
      name: 'import',
      description: 'Turn a model of another format into an rnnkit model folder',
      args: [['<path>', 'A .keras / .h5 / model.json file, or a folder written by rnnkit export']],
      options: [
        ['--out <dir>', 'Folder the rnnkit model is saved into', text('out')],
        ['--format <name>', 'The input format (default: recognised from the path)', text('format')],
        ['--config <file>', 'keras: the config.json of a .weights.h5 file', text('config')],
        [
          '--task <name>',
          'keras: wrap as text-generation (--vocab), classification (--vocab, --labels) or forecasting (--scaler, --data)',
          text('task'),
        ],
        [
          '--vocab <file>',
          'The vocab: rnnkit vocab JSON, TextVectorization.get_vocabulary() or a JSON list of chars in id order',
          text('vocab'),
        ],
        [
          '--labels <list>',
          'classification: the labels in output order (a,b,c or a JSON file)',
          text('labels'),
        ],
        [
          '--scaler <file>',
          'forecasting: the scaler JSON ({mean, std} or {min, max, range?})',
          text('scaler'),
        ],
        ['--data <file>', 'forecasting: CSV of the series the model continues', text('data')],
        ['--column <names>', 'CSV: the series column (then any covariates)', text('column')],
        [
          '--seq-length <n>',
          "The model's window (default: its input length)",
          int('seq-length', 1),
        ],
        ['--season <n>', 'forecasting: steps per season (seasonal differences)', int('season', 2)],
        [
          '--transform <name>',
          'forecasting: none (default), difference or seasonal',
          text('transform'),
        ],
      ],
      examples: [
        'rnnkit import out/lm-torch --out out/lm-ddp',
        'rnnkit import lm.keras --out out/lm --task text-generation --vocab chars.json',
        'rnnkit import sentiment.keras --out out/sent --task classification --vocab vocab.json --labels neg,pos',
        'rnnkit import sales.keras --out out/sales --task forecasting --scaler scaler.json --data sales.csv',
      ],
      run: ([path], o) =>
        import('./commands/import/index.js').then((m) => m.importModel(path as string, o, io)),
    },
    {
      name: 'datasets',
      description: 'List the bundled datasets with size, licence and source',
      options: [['--json', 'One JSON object per dataset']],
      examples: ['rnnkit datasets', 'rnnkit datasets --json'],
      run: (_args, o) => import('./commands/datasets/index.js').then((m) => m.datasets(o, io)),
    },
  ];
  for (const c of commands) {
    const command = program.command(c.name).description(c.description);
    for (const [name, description] of c.args ?? []) command.argument(name, description);
    for (const [flags, description, check] of c.options) {
      const o = new Option(flags, description);
      command.addOption(check ? o.argParser((value: string) => check(value)) : o);
    }
    command.addHelpText('after', examples(c.examples)).action((...a: unknown[]) => {
      // commander passes the arguments, then the options and the command
      task = c.run(a.slice(0, -2), a.at(-2) as OptionValues);
    });
  }

  if (argv.filter((a) => a !== '--verbose').length === 0) {
    // no command: the main job
    task = import('./commands/demo/index.js').then((m) => m.demo({}, io));
    await task;
    return;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.exitCode === 0) return; // --help, help <command>, --version: printed
    throw usageError(e, current, program);
  }
  await task;
}

/** Commander's error in the CLI's words: one line, exit 2, and where to read more. */
function usageError(e: CommanderError, current: string, program: Command): CliError {
  if (e.code === 'commander.unknownCommand') {
    const name = /'([^']*)'/.exec(e.message)?.[1] ?? '';
    const commands = program.commands.map((c) => c.name()).filter((c) => c !== 'help');
    return new CliError(
      `unknown command ${JSON.stringify(name)}: the commands are ${commands.join(', ')} (see rnnkit --help)`,
      2,
    );
  }
  const message = e.message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')
    .replace(/\n/g, ' ');
  return new CliError(`${message} (see ${current} --help)`, 2);
}
