/**
 * Every `rnnkit` command, registered in one place; each action loads its command module lazily.
 */
import { cac } from 'cac';
import { CliError } from './errors.js';
import type { Io } from './io.js';

export const VERSION = '0.1.0';

/** Runs the CLI on argv (without `node` and the script); resolves when the command is done. */
export async function run(argv: string[], io: Io): Promise<void> {
  const cli = cac('rnnkit');
  let task: Promise<void> | undefined;

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

  cli.help();
  cli.version(VERSION);

  const parsed = cli.parse(['node', 'rnnkit', ...argv], { run: false });
  const commands = cli.commands.map((c) => c.name).filter(Boolean);
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
  await cli.runMatchedCommand();
  await task;
}
