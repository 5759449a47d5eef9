#!/usr/bin/env node
/** Entry point of the `rnnkit` command: the only place that calls process.exit. */
import { run } from './cli.js';
import { CliError, isUserError } from './errors.js';
import { processIo } from './io.js';

try {
  await run(process.argv.slice(2), processIo());
} catch (err) {
  if (err instanceof CliError) {
    process.stderr.write(`rnnkit: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (isUserError(err)) {
    process.stderr.write(`rnnkit: ${err.message}\n`);
    process.exit(1);
  }
  if (err instanceof Error && err.name === 'CACError') {
    process.stderr.write(`rnnkit: ${err.message} (see rnnkit --help)\n`);
    process.exit(2);
  }
  throw err; // a bug: keep the stack
}
