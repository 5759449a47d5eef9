/**
 * `InteropError`: what can go wrong bringing a model in from, or out to, another framework. Every
 * message names the file or layer, what was expected and how to fix it.
 */
export type InteropErrorCode =
  /** A layer, option or topology the target format (or rnnkit) cannot represent. */
  | 'UNSUPPORTED'
  /** A file that is not what it claims: truncated, bad header, shapes that disagree. */
  | 'MALFORMED'
  /** A file that asks for something unsafe: code to run, a path outside the output folder. */
  | 'UNSAFE'
  /** Bad arguments to an interop function. */
  | 'BAD_OPTION'
  /** Reading or writing a file failed. */
  | 'IO';

export class InteropError extends Error {
  readonly code: InteropErrorCode;
  constructor(code: InteropErrorCode, message: string) {
    super(message);
    this.name = 'InteropError';
    this.code = code;
  }
}

/**
 * `text` parsed as JSON, or a `MALFORMED` InteropError naming `what` (the file, as the user knows
 * it) and the parser's complaint.
 */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InteropError('MALFORMED', `${what} is not JSON (${(e as Error).message})`);
  }
}
