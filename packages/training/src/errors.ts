/** Base class of every error thrown by `@rnnkit/training`; `code` is stable for programs to match. */
export class TrainingError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'TrainingError';
    this.code = code;
  }
}
