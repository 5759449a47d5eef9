/**
 * `rnnkit predict <model> --stream`: one row of features per stdin line in, one prediction per
 * line out as each row arrives (the recurrent state kept between rows: `stream` of
 * `@rnnkit/models`). A row is the model's input at one step, as the model reads it (comma, tab or
 * space separated numbers); an empty line resets the state (a new sequence).
 *
 * @example
 * ```sh
 * sensor-feed | rnnkit predict out/gestures --stream
 * # 0.1342
 * # 0.2207	(one line per row, as the rows come)
 * ```
 */

import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { load, ModelsError, stream } from '@rnnkit/models';
import { useBackend } from '../../backend.js';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { formatValue } from '../../util/format.js';
import { loadingModel } from '../../util/load-task.js';

/** The numbers of one stdin line; a CliError naming the line when one is not a number. */
function rowOf(line: string, n: number): number[] {
  const parts = line.trim().split(/[\s,]+/);
  const values = parts.map(Number);
  const bad = parts.findIndex((p, i) => p === '' || !Number.isFinite(values[i]));
  if (bad >= 0) {
    throw new CliError(
      `line ${n}: '${parts[bad]}' is not a number: give one row of numbers per line, e.g. 0.5,1.2`,
      2,
    );
  }
  return values;
}

export async function predictStream(
  model: string,
  flags: Record<string, unknown>,
  io: Io,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<void> {
  await useBackend('cpu');
  const loaded = await loadingModel(resolve(io.cwd, model), (dir) => load(dir));
  let s: ReturnType<typeof stream>;
  try {
    s = stream(loaded.model);
  } catch (e) {
    loaded.model.dispose();
    if (e instanceof ModelsError) throw new CliError(`${model}: ${e.message}`, 2);
    throw e;
  }
  let n = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      n++;
      if (line.trim() === '') {
        s.reset();
        continue;
      }
      const row = rowOf(line, n);
      if (row.length !== s.features) {
        throw new CliError(
          `line ${n}: a stream row has ${row.length} values, expected ${s.features} (the model's features per step): give one number per feature`,
          2,
        );
      }
      const y = Array.from(s.push(row));
      io.out(
        flags['json']
          ? JSON.stringify({ step: s.steps, output: y })
          : y.map(formatValue).join('\t'),
      );
    }
  } finally {
    s.dispose();
    loaded.model.dispose();
  }
}
