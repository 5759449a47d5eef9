/**
 * Errors the CLI shows to people: the message only, no stack trace, and an exit code.
 * Exit codes: 1 a command failed, 2 the command line was wrong.
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Errors thrown by rnnkit packages carry a stable `code`; these are the user's to fix. */
export function isUserError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}
