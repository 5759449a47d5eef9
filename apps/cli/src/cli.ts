/**
 * Every `rnnkit` command, registered in one place (commander); each action loads its command module
 * lazily. Option values reach the commands exactly as typed (`--prime 007` is "007", `--lr -1` is
 * the value of --lr), checked by the option's parser (util/flags.ts): a bad value is a usage error
 * (exit 2) naming the flag. `-` as a file (`--data -`, `--file -`) is standard input.
 */
import { readFileSync } from 'node:fs';
import { TASK_NAMES, TASK_TABLE } from '@rnnkit/tasks/table';
import { Command, CommanderError, Option } from 'commander';
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

/** An option whose value is checked (and typed) by `check` as it is parsed. */
function opt(flags: string, description: string, check?: (value: string) => unknown): Option {
  const o = new Option(flags, description);
  return check ? o.argParser((value: string) => check(value)) : o;
}

const text = (name: string) => (v: string) => stringFlag(name, v);
const backendOption = (what: string) =>
  opt(
    '--backend <name>',
    `tfjs backend ${what}: auto (default: the fastest that loads, wasm, else cpu), cpu or wasm`,
    (v) => choiceFlag('backend', v, BACKENDS),
  );

/** The `Examples:` block under a command's help. */
function examples(lines: string[]): string {
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

  program
    .command('demo')
    .description("Run the tutorial's two programs: a char RNN and an LSTM window regression")
    .addOption(opt('--text <text>', 'Sentence for the character model', text('text')))
    .addOption(
      opt('--iterations <n>', 'Training iterations of the character model (default 20)', (v) =>
        intFlag('iterations', v, 1),
      ),
    )
    .addOption(
      opt('--epochs <n>', 'Epochs of the window regression (default 1000)', (v) =>
        intFlag('epochs', v, 1),
      ),
    )
    .addOption(
      opt('--seed <n>', 'Seed of every random choice (default 0)', (v) => intFlag('seed', v, 0)),
    )
    .addOption(opt('--out <dir>', 'Folder for the plots (default ./rnnkit-out)', text('out')))
    .addOption(
      opt('--only <program>', 'Run one program: chars or windows', (v) =>
        choiceFlag('only', v, ['chars', 'windows']),
      ),
    )
    .addHelpText('after', examples(['rnnkit demo --text "hihello" --iterations 10']))
    .action((options) => {
      task = import('./commands/demo/index.js').then((m) => m.demo(options, io));
    });

  const T = TRAIN_CHECKS;
  program
    .command('train')
    .description(
      `Train a model for a task (${TASK_NAMES.map((k) => TASK_TABLE[k].name).join(', ')}; older names ${TASK_NAMES.flatMap((k) => TASK_TABLE[k].aliases).join(', ')}) on a file or a dataset`,
    )
    .argument('<task>', TASK_NAMES.map((k) => TASK_TABLE[k].name).join(', '))
    .addOption(
      opt(
        '--data <file>',
        'Training data (- for stdin): text (text), JSONL or CSV (classify, names), CSV (forecast), TSV (seq2seq)',
        T.data,
      ),
    )
    .addOption(
      opt(
        '--dataset <name>',
        'A bundled dataset instead of --data (see rnnkit datasets)',
        T.dataset,
      ),
    )
    .addOption(
      opt(
        '--column <names>',
        'CSV: the series to forecast, or the input columns (with --target)',
        T.column,
      ),
    )
    .addOption(
      opt(
        '--target <name>',
        'CSV: the column to predict (forecast) or the label column (classify)',
        T.target,
      ),
    )
    .addOption(
      opt('--text-field <name>', 'JSONL: the field of the text (default text)', T.textField),
    )
    .addOption(
      opt('--label-field <name>', 'JSONL: the field of the label (default label)', T.labelField),
    )
    .addOption(opt('--cell <cell>', 'Recurrent cell: lstm, gru or rnn', T.cell))
    .addOption(opt('--units <n>', 'Hidden size of each recurrent layer', T.units))
    .addOption(opt('--layers <n>', 'Stacked recurrent layers', T.layers))
    .addOption(
      opt(
        '--seq-length <n>',
        'Window length (characters or words, or past values a forecast reads)',
        T.seqLength,
      ),
    )
    .addOption(opt('--epochs <n>', 'Passes over the training data', T.epochs))
    .addOption(
      opt(
        '--time-budget <duration>',
        'Stop training after this long (e.g. 90s, 10m, 1h30m), keeping the model so far',
        T.timeBudget,
      ),
    )
    .addOption(opt('--batch-size <n>', 'Examples per update', T.batchSize))
    .addOption(opt('--lr <rate>', "Adam's learning rate", T.lr))
    .addOption(opt('--clip <norm>', 'Clip gradients to this global norm', T.clip))
    .addOption(opt('--seed <n>', 'Seed of the weights, the data order and the split', T.seed))
    .addOption(backendOption('to train on'))
    .addOption(
      opt(
        '--val-split <share>',
        'Share of the data held out for validation (default 0.1)',
        T.valSplit,
      ),
    )
    .addOption(opt('--out <dir>', 'Folder the model is saved into (default ./rnnkit-model)', T.out))
    .addOption(
      opt('--dropout <rate>', 'Dropout between stacked recurrent layers, in [0, 1)', T.dropout),
    )
    .addOption(
      opt(
        '--season <n>',
        'forecast: steps per season (12 for monthly data with a yearly cycle)',
        T.season,
      ),
    )
    .addOption(opt('--horizon <n>', 'forecast: values predicted at once (default 1)', T.horizon))
    .addOption(
      opt(
        '--transform <name>',
        'forecast: what the model predicts: difference, seasonal (the default with --season) or none (the levels)',
        T.transform,
      ),
    )
    .addOption(
      opt(
        '--range-margin <share>',
        "forecast: forecasts stay within the series' range widened by this share of it (default 0.25)",
        T.rangeMargin,
      ),
    )
    .addOption(
      opt(
        '--hold-out <n>',
        'forecast: leave the last n values out of training (for rnnkit eval)',
        T.holdOut,
      ),
    )
    .addOption(
      opt(
        '--intervals <kind>',
        'forecast: learn a band: quantile (pinball loss over --quantiles) or gaussian (mean and scale); default none',
        T.intervals,
      ),
    )
    .addOption(
      opt(
        '--quantiles <list>',
        'forecast: the quantiles learnt (default 0.1,0.5,0.9: an 80% band)',
        T.quantiles,
      ),
    )
    .addOption(
      opt(
        '--id-column <name>',
        "forecast: a long CSV of many series: the column naming each row's series (one global model)",
        T.idColumn,
      ),
    )
    .option('--series-embedding', 'forecast (--id-column): learn an embedding of each series id')
    .addOption(opt('--unit <unit>', 'text: what a token is: char (default) or word', T.unit))
    .addOption(
      opt(
        '--max-vocab <n>',
        'text --unit word: most words in the vocab (rarer ones become <unk>)',
        T.maxVocab,
      ),
    )
    .addOption(
      opt(
        '--weights <dtype>',
        'How the saved model stores its weights: float32 (default), float16 (half the size; plain tfjs loads it) or int8 (about a quarter; rnnkit loads it)',
        T.weights,
      ),
    )
    .addOption(
      opt(
        '--config <file|json>',
        'JSON file of options, or the JSON itself (flags override it)',
        text('config'),
      ),
    )
    .option('--force', 'Overwrite the --out folder (and its .checkpoint) when it exists')
    .addOption(
      opt(
        '--resume <dir>',
        'Continue an interrupted run from its checkpoint folder (<out>.checkpoint), to the same result',
        text('resume'),
      ),
    )
    .addOption(
      opt(
        '--checkpoint-every <n>',
        'Also checkpoint every n steps (default: only when interrupted)',
        T.checkpointEvery,
      ),
    )
    .option('--json', 'One JSON object per event on stdout, nothing else there')
    .option('--quiet', 'No progress bar or epoch lines, only the result')
    .addOption(
      opt(
        '--attention-map <file>',
        'seq2seq: write the attention of the first held-out input as SVG',
        T.attentionMap,
      ),
    )
    .addHelpText(
      'after',
      examples([
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
      ]),
    )
    .action((taskName: string, options) => {
      task = import('./commands/train/index.js').then((m) => m.train(taskName, options, io));
    });

  program
    .command('generate')
    .description('Generate text (streamed to stdout), or names for a --condition')
    .argument('<model>', 'A model folder saved by rnnkit train text or names')
    .addOption(
      opt(
        '--prime <text>',
        'Text to start from, as typed (default a newline; a word model: its most frequent word)',
        text('prime'),
      ),
    )
    .addOption(
      opt(
        '--length <n>',
        'Characters (or words, for a word model) to generate (default 200)',
        (v) => intFlag('length', v, 0),
      ),
    )
    .addOption(
      opt(
        '--temperature <t>',
        '< 1 sharper, > 1 more random, 0 greedy: the most likely character each time (default 1)',
        (v) => numberFlag('temperature', v, 0, 100),
      ),
    )
    .addOption(
      opt('--top-k <k>', 'Draw only among the k most likely characters', (v) =>
        intFlag('top-k', v, 1),
      ),
    )
    .addOption(
      opt('--top-p <p>', 'Draw only from the nucleus of probability p', (v) =>
        numberFlag('top-p', v, 1e-6, 1),
      ),
    )
    .addOption(
      opt('--seed <n>', 'Seed of the draws: the same seed gives the same text (default 0)', (v) =>
        intFlag('seed', v, 0),
      ),
    )
    .addOption(
      opt(
        '--condition <name>',
        'names models: the condition to generate for (e.g. a language)',
        text('condition'),
      ),
    )
    .addOption(
      opt('--count <n>', 'names models: how many to generate (default 1)', (v) =>
        intFlag('count', v, 1),
      ),
    )
    .addOption(backendOption('to generate on'))
    .addHelpText(
      'after',
      examples([
        'rnnkit generate out/lm --prime "The whale" --length 300 --temperature 0.8',
        'rnnkit generate out/lm --top-k 5 --seed 3',
        'rnnkit generate out/lm --prime 007 --temperature 0',
        'rnnkit generate out/names --condition fr --count 5',
      ]),
    )
    .action((model: string, options) => {
      task = import('./commands/generate/index.js').then((m) => m.generate(model, options, io));
    });

  program
    .command('predict')
    .description("A classifier's label for each text, or a forecaster's next values")
    .argument('<model>', 'A model folder saved by rnnkit train')
    .argument('[inputs...]', 'Texts to classify (default: --file, else stdin)')
    .addOption(
      opt(
        '--file <file>',
        'Texts to classify, one per line, UTF-8 (- for stdin; default: the arguments, else stdin)',
        text('file'),
      ),
    )
    .option('--json', 'One JSON object per prediction')
    .addOption(
      opt(
        '--attention-map <file>',
        'seq2seq: write the attention of the first input as SVG',
        text('attention-map'),
      ),
    )
    .addOption(backendOption('to run the model on'))
    .addHelpText(
      'after',
      examples([
        'rnnkit predict out/sentiment "a lovely film" "dull and long"',
        'rnnkit predict out/g2p cat --attention-map cat.svg',
        'cat reviews.txt | rnnkit predict out/sentiment --file - --json',
        'sensor-feed | rnnkit predict out/regressor --stream',
      ]),
    )
    .option(
      '--stream',
      'A model on features: read one row per stdin line, print one prediction per line as they come',
    )
    .action((model: string, inputs: string[], options) => {
      task = options.stream
        ? import('./commands/predict/stream.js').then((m) => m.predictStream(model, options, io))
        : import('./commands/predict/index.js').then((m) => m.predict(model, inputs, options, io));
    });

  program
    .command('forecast')
    .description('Continue a series with a forecasting model')
    .argument('<model>', 'A model folder saved by rnnkit train forecast')
    .addOption(
      opt(
        '--steps <n>',
        'Values to forecast, recursively past the trained horizon (default 12)',
        (v) => intFlag('steps', v, 1),
      ),
    )
    .addOption(
      opt(
        '--data <file>',
        'CSV of values to start from (- for stdin; default: the tail the model keeps)',
        text('data'),
      ),
    )
    .addOption(
      opt(
        '--column <names>',
        'CSV: the series column, or the input columns (with --target)',
        text('column'),
      ),
    )
    .addOption(opt('--target <name>', 'CSV: the column the model predicts', text('target')))
    .addOption(
      opt(
        '--plot <file>',
        'Write the history and the forecast (and its band) as an SVG chart',
        text('plot'),
      ),
    )
    .addOption(opt('--id <id>', 'A global model: the series to continue, by id', text('id')))
    .option('--json', 'Print one JSON object')
    .addOption(backendOption('to run the model on'))
    .addHelpText(
      'after',
      examples([
        'rnnkit forecast out/co2 --steps 24 --plot co2.svg',
        'rnnkit forecast out/sales --data recent.csv --column sales --steps 6',
        'rnnkit forecast out/stores --id store-7 --steps 12 --json',
      ]),
    )
    .action((model: string, options) => {
      task = import('./commands/forecast/index.js').then((m) => m.forecast(model, options, io));
    });

  program
    .command('eval')
    .description("The task's metrics on held-out data")
    .argument('<model>', 'A model folder saved by rnnkit train')
    .addOption(
      opt(
        '--data <file>',
        'Held-out data, in the format the model was trained on (- for stdin)',
        text('data'),
      ),
    )
    .addOption(
      opt(
        '--dataset <name>',
        'A bundled dataset instead of --data (see rnnkit datasets)',
        text('dataset'),
      ),
    )
    .addOption(
      opt(
        '--column <names>',
        'CSV: the text column (classify) or the series column (forecast)',
        text('column'),
      ),
    )
    .addOption(
      opt(
        '--target <name>',
        'CSV: the label column (classify) or the predicted column',
        text('target'),
      ),
    )
    .addOption(
      opt('--text-field <name>', 'JSONL: the field of the text (default text)', text('text-field')),
    )
    .addOption(
      opt(
        '--label-field <name>',
        'JSONL: the field of the label (default label)',
        text('label-field'),
      ),
    )
    .addOption(
      opt('--steps <n>', 'forecast: score the forecasts this many steps ahead', (v) =>
        intFlag('steps', v, 1),
      ),
    )
    .option(
      '--allow-overlap',
      'forecast: score data that overlaps the training series (in-sample: flattering)',
    )
    .option('--json', 'Print one JSON object')
    .addOption(backendOption('to run the model on'))
    .addHelpText(
      'after',
      examples([
        'rnnkit eval out/lm --data held-out.txt',
        'rnnkit eval out/co2 --dataset co2 --steps 12   # the values after training',
        'rnnkit eval out/sentiment --data test.jsonl --json',
        'tail -n 48 sales.csv | rnnkit eval out/sales --data - --column sales',
      ]),
    )
    .action((model: string, options) => {
      task = import('./commands/eval/index.js').then((m) => m.evaluate(model, options, io));
    });

  program
    .command('inspect')
    .description('Show what a saved model folder holds')
    .argument('<model>', 'A model folder saved by rnnkit train')
    .option('--json', 'Print one JSON object')
    .addHelpText('after', examples(['rnnkit inspect out/lm', 'rnnkit inspect out/lm --json']))
    .action((model: string, options) => {
      task = import('./commands/inspect/index.js').then((m) => m.inspect(model, options, io));
    });

  program
    .command('export')
    .description('Write a saved model in another format (see --format)')
    .argument('<model>', 'A model folder saved by rnnkit train')
    .addOption(
      opt(
        '--format <name>',
        'The format to write (torch, onnx or keras; an unknown name lists them)',
        text('format'),
      ),
    )
    .addOption(
      opt('--out <path>', 'Where to write it (torch: a folder; onnx, keras: a file)', text('out')),
    )
    .addOption(
      opt(
        '--data <file>',
        'torch: also the training windows and train.py (- for stdin; train flags: --dataset, --column, ...)',
        T.data,
      ),
    )
    .addOption(opt('--dataset <name>', 'torch: a bundled dataset instead of --data', T.dataset))
    .addOption(opt('--column <names>', 'torch --data: as for rnnkit train', T.column))
    .addOption(opt('--target <name>', 'torch --data: as for rnnkit train', T.target))
    .addOption(opt('--text-field <name>', 'torch --data: as for rnnkit train', T.textField))
    .addOption(opt('--label-field <name>', 'torch --data: as for rnnkit train', T.labelField))
    .addOption(
      opt(
        '--val-split <share>',
        'torch --data: the held-out share the run used (default 0.1)',
        T.valSplit,
      ),
    )
    .option('--step', 'onnx: the one-step model (state in and out) for generation token by token')
    .option('--force', 'Replace --out when it exists')
    .addHelpText(
      'after',
      examples([
        'rnnkit export out/lm --format torch --out out/lm-torch --data book.txt',
        'rnnkit export out/lm --format onnx --out lm.onnx',
        'rnnkit export out/lm --format onnx --step --out lm-step.onnx',
        'rnnkit export out/lm --format keras --out lm.keras',
      ]),
    )
    .action((model: string, options) => {
      task = import('./commands/export/index.js').then((m) => m.exportModel(model, options, io));
    });

  program
    .command('import')
    .description('Turn a model of another format into an rnnkit model folder')
    .argument('<path>', 'A .keras / .h5 / model.json file, or a folder written by rnnkit export')
    .addOption(opt('--out <dir>', 'Folder the rnnkit model is saved into', text('out')))
    .addOption(
      opt(
        '--format <name>',
        'The input format (default: recognised from the path)',
        text('format'),
      ),
    )
    .addOption(
      opt('--config <file>', 'keras: the config.json of a .weights.h5 file', text('config')),
    )
    .addOption(
      opt(
        '--task <name>',
        'keras: wrap as text-generation (--vocab), classification (--vocab, --labels) or forecasting (--scaler, --data)',
        text('task'),
      ),
    )
    .addOption(
      opt(
        '--vocab <file>',
        'The vocab: rnnkit vocab JSON, TextVectorization.get_vocabulary() or a JSON list of chars in id order',
        text('vocab'),
      ),
    )
    .addOption(
      opt(
        '--labels <list>',
        'classification: the labels in output order (a,b,c or a JSON file)',
        text('labels'),
      ),
    )
    .addOption(
      opt(
        '--scaler <file>',
        'forecasting: the scaler JSON ({mean, std} or {min, max, range?})',
        text('scaler'),
      ),
    )
    .addOption(
      opt('--data <file>', 'forecasting: CSV of the series the model continues', text('data')),
    )
    .addOption(
      opt('--column <names>', 'CSV: the series column (then any covariates)', text('column')),
    )
    .addOption(
      opt('--seq-length <n>', "The model's window (default: its input length)", (v) =>
        intFlag('seq-length', v, 1),
      ),
    )
    .addOption(
      opt('--season <n>', 'forecasting: steps per season (seasonal differences)', (v) =>
        intFlag('season', v, 2),
      ),
    )
    .addOption(
      opt(
        '--transform <name>',
        'forecasting: none (default), difference or seasonal',
        text('transform'),
      ),
    )
    .addHelpText(
      'after',
      examples([
        'rnnkit import out/lm-torch --out out/lm-ddp',
        'rnnkit import lm.keras --out out/lm --task text-generation --vocab chars.json',
        'rnnkit import sentiment.keras --out out/sent --task classification --vocab vocab.json --labels neg,pos',
        'rnnkit import sales.keras --out out/sales --task forecasting --scaler scaler.json --data sales.csv',
      ]),
    )
    .action((path: string, options) => {
      task = import('./commands/import/index.js').then((m) => m.importModel(path, options, io));
    });

  program
    .command('datasets')
    .description('List the bundled datasets with size, licence and source')
    .option('--json', 'One JSON object per dataset')
    .addHelpText('after', examples(['rnnkit datasets', 'rnnkit datasets --json']))
    .action((options) => {
      task = import('./commands/datasets/index.js').then((m) => m.datasets(options, io));
    });

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
