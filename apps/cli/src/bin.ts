#!/usr/bin/env node
/** Entry point of the `rnnkit` command: the only place that calls process.exit. */
import { run } from './cli.js';
import { CliError, inCliWords, isUserError } from './errors.js';
import { processIo } from './io.js';

const argv = process.argv.slice(2);
const verbose = argv.includes('--verbose');

/** One or two lines for people; the stack only with --verbose. */
function fail(message: string, err: unknown, code: number): never {
  process.stderr.write(`rnnkit: ${message}\n`);
  if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(code);
}

// a closed pipe (`rnnkit generate m | head -1`) is the reader's choice, not an error
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

try {
  await run(argv, processIo());
} catch (err) {
  if (err instanceof CliError) fail(err.message, err, err.exitCode);
  if (isUserError(err)) fail(inCliWords(err.message), err, 1);
  throw err; // a bug: keep the stack
}
