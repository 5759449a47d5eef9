/**
 * Errors of the model artifact: each names the file at fault and says how to fix it.
 *
 * Codes: `MISSING_FILE` (a file of the artifact is not there), `MALFORMED` (not valid JSON, or not
 * the expected shape), `TRUNCATED` (weights.bin shorter or longer than its manifest says),
 * `WEIGHTS_MISMATCH` (the weights do not fit the model's layers), `FUTURE_VERSION` (written by a
 * newer rnnkit), `WRITE_FAILED` (saving failed; the previous artifact is unchanged),
 * `NOT_AN_ARTIFACT` (refusing to replace a folder that holds other files), `NO_HANDLER` (no tfjs
 * IO handler for a URL).
 *
 * Neighbours in `artifact/`: `save.ts` and `load.ts` (the folder a model is saved as), `schema.ts`
 * (`rnnkit.json`), `tfjs-files.ts` and `file-system.ts` (where the files go), `errors.ts`.
 */
import { ModelsError } from '../errors.js';

export type ArtifactErrorCode =
  | 'MISSING_FILE'
  | 'MALFORMED'
  | 'TRUNCATED'
  | 'WEIGHTS_MISMATCH'
  | 'FUTURE_VERSION'
  | 'WRITE_FAILED'
  | 'NOT_AN_ARTIFACT'
  | 'NO_HANDLER';

export class ArtifactError extends ModelsError {
  /** The file or URL at fault. */
  readonly file: string;
  override readonly code: ArtifactErrorCode;
  constructor(
    code: ArtifactErrorCode,
    file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message);
    this.name = 'ArtifactError';
    this.code = code;
    this.file = file;
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
