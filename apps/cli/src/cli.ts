/**
 * Every `rnnkit` command, registered in one place; each action loads its command module lazily.
 */
import { TASK_NAMES, TASK_TABLE } from '@rnnkit/tasks/table';
import { cac } from 'cac';
import { CliError } from './errors.js';
import type { Io } from './io.js';

export const VERSION = '0.1.0';

/** Runs the CLI on argv (without `node` and the script); resolves when the command is done. */
export async function run(argv: string[], io: Io): Promise<void> {
  const cli = cac('rnnkit');
  let task: Promise<void> | undefined;

  cli.option('--verbose', 'Show the stack trace of an error');

  cli
    .command('demo', "Run the tutorial's two programs: a char RNN and an LSTM window regression")
    .option('--text <text>', 'Sentence for the character model', { default: undefined })
    .option('--iterations <n>', 'Training iterations of the character model (default 20)')
    .option('--epochs <n>', 'Epochs of the window regression (default 1000)')
    .option('--seed <n>', 'Seed of every random choice (default 0)')
    .option('--out <dir>', 'Folder for the plots (default ./rnnkit-out)')
    .option('--only <program>', 'Run one program: chars or windows')
    .example('rnnkit demo --text "hihello" --iterations 10')
    .action((options) => {
      task = import('./commands/demo/index.js').then((m) => m.demo(options, io));
    });

  cli
    .command(
      'train <task>',
      `Train a model for a task (${TASK_NAMES.map((k) => TASK_TABLE[k].name).join(', ')}; older names ${TASK_NAMES.flatMap((k) => TASK_TABLE[k].aliases).join(', ')}) on a file or a dataset`,
    )
    .option(
      '--data <file>',
      'Training data: text (text), JSONL or CSV (classify, names), CSV (forecast), TSV (seq2seq)',
    )
    .option('--dataset <name>', 'A bundled dataset instead of --data (see rnnkit datasets)')
    .option('--column <names>', 'CSV: the series to forecast, or the input columns (with --target)')
    .option(
      '--target <name>',
      'CSV: the column to predict (forecast) or the label column (classify)',
    )
    .option('--text-field <name>', 'JSONL: the field of the text (default text)')
    .option('--label-field <name>', 'JSONL: the field of the label (default label)')
    .option('--cell <cell>', 'Recurrent cell: lstm, gru or rnn')
    .option('--units <n>', 'Hidden size of each recurrent layer')
    .option('--layers <n>', 'Stacked recurrent layers')
    .option('--seq-length <n>', 'Window length (characters, or past values a forecast reads)')
    .option('--epochs <n>', 'Passes over the training data')
    .option('--batch-size <n>', 'Examples per update')
    .option('--lr <rate>', "Adam's learning rate")
    .option('--clip <norm>', 'Clip gradients to this global norm')
    .option('--seed <n>', 'Seed of the weights, the data order and the split')
    .option('--backend <name>', 'tfjs backend: cpu (default) or wasm')
    .option('--val-split <share>', 'Share of the data held out for validation (default 0.1)')
    .option('--out <dir>', 'Folder the model is saved into (default ./rnnkit-model)')
    .option('--dropout <rate>', 'Dropout between stacked recurrent layers, in [0, 1)')
    .option('--time-budget <duration>', 'Stop training after this long, e.g. 90s, 10m, 1h')
    .option('--season <n>', 'forecast: steps per season (12 for monthly data with a yearly cycle)')
    .option('--horizon <n>', 'forecast: values predicted at once (default 1)')
    .option(
      '--transform <name>',
      'forecast: what the model predicts: difference, seasonal (the default with --season) or none (the levels)',
    )
    .option(
      '--range-margin <share>',
      "forecast: forecasts stay within the series' range widened by this share of it (default 0.25)",
    )
    .option('--hold-out <n>', 'forecast: leave the last n values out of training (for rnnkit eval)')
    .option(
      '--intervals <kind>',
      'forecast: learn a band: quantile (pinball loss over --quantiles) or gaussian (mean and scale); default none',
    )
    .option(
      '--quantiles <list>',
      'forecast: the quantiles learnt (default 0.1,0.5,0.9: an 80% band)',
    )
    .option(
      '--id-column <name>',
      "forecast: a long CSV of many series: the column naming each row's series (one global model)",
    )
    .option('--series-embedding', 'forecast (--id-column): learn an embedding of each series id')
    .option('--config <file|json>', 'JSON file of options, or the JSON itself (flags override it)')
    .option('--force', 'Overwrite the --out folder (and its .checkpoint) when it exists')
    .option(
      '--resume <dir>',
      'Continue an interrupted run from its checkpoint folder (<out>.checkpoint), to the same result',
    )
    .option('--checkpoint-every <n>', 'Also checkpoint every n steps (default: only on Ctrl-C)')
    .option('--json', 'One JSON object per event on stdout, nothing else there')
    .option('--quiet', 'No progress bar or epoch lines, only the result')
    .option(
      '--attention-map <file>',
      'seq2seq: write the attention of the first held-out input as SVG',
    )
    .example('rnnkit train text --data book.txt --epochs 3 --out out/lm')
    .example('rnnkit train text --dataset moby-dick --units 256 --seq-length 100')
    .example('rnnkit train text --config run.json --lr 0.001 --json > events.jsonl')
    .example('rnnkit train text --resume out/lm.checkpoint   # after Ctrl-C')
    .example('rnnkit train classify --data reviews.jsonl --text-field review --label-field stars')
    .example('rnnkit train names --dataset names-by-language --epochs 5')
    .example('rnnkit train seq2seq --data pairs.tsv --seq-length 20')
    .example('rnnkit train forecast --data sales.csv --column sales --seq-length 12')
    .example('rnnkit train forecast --data weather.csv --column temp,wind --target temp')
    .example(
      'rnnkit train forecast --data stores.csv --id-column store --column sales --season 12 --intervals quantile',
    )
    .example(
      'rnnkit train forecast --dataset co2 --season 12 --hold-out 120 --config \'{"horizon":1}\'',
    )
    .action((taskName: string, options) => {
      task = import('./commands/train/index.js').then((m) => m.train(taskName, options, io));
    });

  cli
    .command('generate <model>', 'Generate text (streamed to stdout), or names for a --condition')
    .option('--prime <text>', 'Text to start from (default a newline)')
    .option('--length <n>', 'Characters to generate (default 200)')
    .option('--temperature <t>', '< 1 sharper, > 1 more random (default 1)')
    .option('--top-k <k>', 'Draw only among the k most likely characters')
    .option('--top-p <p>', 'Draw only from the nucleus of probability p')
    .option('--seed <n>', 'Seed of the draws: the same seed gives the same text (default 0)')
    .option('--condition <name>', 'names models: the condition to generate for (e.g. a language)')
    .option('--count <n>', 'names models: how many to generate (default 1)')
    .example('rnnkit generate out/lm --prime "The whale" --length 300 --temperature 0.8')
    .example('rnnkit generate out/lm --top-k 5 --seed 3')
    .example('rnnkit generate out/names --condition fr --count 5')
    .action((model: string, options) => {
      task = import('./commands/generate/index.js').then((m) => m.generate(model, options, io));
    });

  cli
    .command(
      'predict <model> [...inputs]',
      "A classifier's label for each text, or a forecaster's next values",
    )
    .option('--file <file>', 'Texts to classify, one per line (default: the arguments, else stdin)')
    .option('--json', 'One JSON object per prediction')
    .option('--attention-map <file>', 'seq2seq: write the attention of the first input as SVG')
    .example('rnnkit predict out/sentiment "a lovely film" "dull and long"')
    .example('rnnkit predict out/g2p cat --attention-map cat.svg')
    .example('cat reviews.txt | rnnkit predict out/sentiment --json')
    .action((model: string, inputs: string[], options) => {
      task = import('./commands/predict/index.js').then((m) =>
        m.predict(model, inputs.map(String), options, io),
      );
    });

  cli
    .command('forecast <model>', 'Continue a series with a forecasting model')
    .option('--steps <n>', 'Values to forecast, recursively past the trained horizon (default 12)')
    .option('--data <file>', 'CSV of values to start from (default: the tail the model keeps)')
    .option('--column <names>', 'CSV: the series column, or the input columns (with --target)')
    .option('--target <name>', 'CSV: the column the model predicts')
    .option('--plot <file>', 'Write the history and the forecast (and its band) as an SVG chart')
    .option('--id <id>', 'A global model: the series to continue, by id')
    .option('--json', 'Print one JSON object')
    .example('rnnkit forecast out/co2 --steps 24 --plot co2.svg')
    .example('rnnkit forecast out/sales --data recent.csv --column sales --steps 6')
    .example('rnnkit forecast out/stores --id store-7 --steps 12 --json')
    .action((model: string, options) => {
      task = import('./commands/forecast/index.js').then((m) => m.forecast(model, options, io));
    });

  cli
    .command('eval <model>', "The task's metrics on held-out data")
    .option('--data <file>', 'Held-out data, in the format the model was trained on')
    .option('--dataset <name>', 'A bundled dataset instead of --data (see rnnkit datasets)')
    .option('--column <names>', 'CSV: the text column (classify) or the series column (forecast)')
    .option('--target <name>', 'CSV: the label column (classify) or the predicted column')
    .option('--text-field <name>', 'JSONL: the field of the text (default text)')
    .option('--label-field <name>', 'JSONL: the field of the label (default label)')
    .option('--steps <n>', 'forecast: score the forecasts this many steps ahead')
    .option(
      '--allow-overlap',
      'forecast: score data that overlaps the training series (in-sample: flattering)',
    )
    .option('--json', 'Print one JSON object')
    .example('rnnkit eval out/lm --data held-out.txt')
    .example('rnnkit eval out/co2 --dataset co2 --steps 12   # the values after training')
    .example('rnnkit eval out/sentiment --data test.jsonl --json')
    .action((model: string, options) => {
      task = import('./commands/eval/index.js').then((m) => m.evaluate(model, options, io));
    });

  cli
    .command('inspect <model>', 'Show what a saved model folder holds')
    .option('--json', 'Print one JSON object')
    .example('rnnkit inspect out/lm')
    .example('rnnkit inspect out/lm --json')
    .action((model: string, options) => {
      task = import('./commands/inspect/index.js').then((m) => m.inspect(model, options, io));
    });

  cli
    .command('export <model>', 'Write a saved model in another format (see --format)')
    .option(
      '--format <name>',
      'The format to write: onnx or torch (an unknown name lists them all)',
    )
    .option('--out <path>', 'Where to write it (onnx: a .onnx file; torch: a folder)')
    .option('--step', 'onnx: the one-step model (state in and out) for generation token by token')
    .option(
      '--data <file>',
      'torch: also the training windows and train.py (train flags: --dataset, --column, ...)',
    )
    .option('--dataset <name>', 'torch: a bundled dataset instead of --data')
    .option('--column <names>', 'torch --data: as for rnnkit train')
    .option('--target <name>', 'torch --data: as for rnnkit train')
    .option('--text-field <name>', 'torch --data: as for rnnkit train')
    .option('--label-field <name>', 'torch --data: as for rnnkit train')
    .option('--val-split <share>', 'torch --data: the held-out share the run used (default 0.1)')
    .option('--force', 'Replace --out when it exists')
    .example('rnnkit export out/lm --format onnx --out lm.onnx')
    .example('rnnkit export out/lm --format onnx --step --out lm-step.onnx')
    .example('rnnkit export out/lm --format torch --out out/lm-torch --data book.txt')
    .action((model: string, options) => {
      task = import('./commands/export/index.js').then((m) => m.exportModel(model, options, io));
    });

  cli
    .command('import <path>', 'Turn a model of another format into an rnnkit model folder')
    .option('--out <dir>', 'Folder the rnnkit model is saved into')
    .option('--format <name>', 'The input format (default: recognised from the path)')
    .example('rnnkit import out/lm-torch --out out/lm-ddp')
    .action((path: string, options) => {
      task = import('./commands/import/index.js').then((m) => m.importModel(path, options, io));
    });

  cli
    .command('datasets', 'List the bundled datasets with size, licence and source')
    .option('--json', 'One JSON object per dataset')
    .example('rnnkit datasets')
    .example('rnnkit datasets --json')
    .action((options) => {
      task = import('./commands/datasets/index.js').then((m) => m.datasets(options, io));
    });

  cli.help();
  cli.version(VERSION);

  const parsed = cli.parse(['node', 'rnnkit', ...argv], { run: false });
  const commands = cli.commands.map((c) => c.name.split(' ')[0]).filter(Boolean);
  if (!cli.matchedCommand) {
    if (parsed.options['help'] || parsed.options['version']) return; // cac printed it
    if (parsed.args.length === 0) {
      // no command: the main job
      task = import('./commands/demo/index.js').then((m) => m.demo({}, io));
      await task;
      return;
    }
    throw new CliError(
      `unknown command ${JSON.stringify(parsed.args[0])}: the commands are ${commands.join(', ')} (see rnnkit --help)`,
      2,
    );
  }
  if (parsed.options['help']) return; // cac printed the command's help
  await cli.runMatchedCommand();
  await task;
}
