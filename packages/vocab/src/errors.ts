/** Base class of every error thrown by `@rnnkit/vocab`; `code` is stable for programs to match. */
export class VocabError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'VocabError';
    this.code = code;
  }
}

/** A token is not in the vocabulary and the OOV policy is `'throw'`. */
export class UnknownTokenError extends VocabError {
  readonly token: string;
  readonly position: number;
  constructor(token: string, position: number) {
    super(
      'UNKNOWN_TOKEN',
      `token ${JSON.stringify(token)} at position ${position} is not in the vocabulary: ` +
        `build the vocab from text that contains it, or use oov: 'unk' with an '<unk>' special`,
    );
    this.name = 'UnknownTokenError';
    this.token = token;
    this.position = position;
  }
}
