/**
 * Base class of every error thrown by `@rnnkit/models`; `code` is stable for programs to match.
 *
 * Neighbours: the folders `cells/`, `layers/`, `topologies/`, `generation/`, `recurrence/`,
 * `artifact/` and `fast/` (see CONTRIBUTING.md).
 */
export class ModelsError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ModelsError';
    this.code = code;
  }
}

/** Throws `BAD_OPTION` unless `value` is a rate in [0, 1) (a dropout fraction). */
export function checkRate(name: string, value: number, hint: string): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 1)) {
    throw new ModelsError('BAD_OPTION', `${name} must be in [0, 1), got ${value}: ${hint}`);
  }
}

/** Throws a `BAD_OPTION` error unless `value` is an integer >= `min`. */
export function checkInt(name: string, value: number, min: number, hint: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ModelsError(
      'BAD_OPTION',
      `${name} must be an integer >= ${min}, got ${value}: ${hint}`,
    );
  }
}
