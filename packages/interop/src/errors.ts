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
