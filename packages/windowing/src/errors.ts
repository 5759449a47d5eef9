/** Base class of every error thrown by `@rnnkit/windowing`; `code` is stable for programs to match. */
export class WindowingError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'WindowingError';
    this.code = code;
  }
}
