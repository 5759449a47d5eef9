/**
 * Errors the CLI shows to people: the message only, no stack trace, and an exit code.
 * Exit codes: 1 a command failed, 2 the command line was wrong, 128 + n stopped by signal n.
 * The packages' errors name their own options (`validationShare`, `missing: 'skip-row'`); the
 * CLI says the flag that fixes it instead (`inCliWords`).
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

/** The options of `@rnnkit/tasks` and `@rnnkit/training` a flag sets, by their names there. */
const FLAGS: Readonly<Record<string, string>> = {
  validationShare: '--val-split',
  seqLength: '--seq-length',
  batchSize: '--batch-size',
  learningRate: '--lr',
  clipNorm: '--clip',
  timeBudgetSeconds: '--time-budget',
};

/** A library call in a fix, and what a user of the CLI does instead. */
const PHRASES: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /pass missing: 'skip-row' to drop such rows or missing: 'nan' to keep them as NaN/g,
    'fill the cell in or remove its row',
  ],
  [/fill gaps first \(e\.g\. co2\(\{ fillGaps: true \}\)\)/g, 'fill the gaps of the series first'],
];

const OPTION = new RegExp(`\\b(${Object.keys(FLAGS).join('|')})\\b(: )?`, 'g');

/**
 * A package's error message in the CLI's words: an option as the flag that sets it
 * (`lower validationShare` -> `lower --val-split`, `e.g. seqLength: 8` -> `e.g. --seq-length 8`),
 * a library call as what to do instead.
 */
export function inCliWords(message: string): string {
  const flags = message.replace(OPTION, (_, name: string, colon?: string) =>
    colon ? `${FLAGS[name]} ` : FLAGS[name]!,
  );
  return PHRASES.reduce((m, [phrase, instead]) => m.replace(phrase, instead), flags);
}
