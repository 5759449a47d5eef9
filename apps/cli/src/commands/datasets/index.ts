/**
 * `rnnkit datasets`: the bundled data sets, with size, licence and source.
 *
 * @example
 * ```sh
 * rnnkit datasets
 * # moby-dick  text  1190317 chars  Public domain (...)  @rnnkit/datasets data/moby-dick.txt.br (...)
 * ```
 */
import type { Io } from '../../io.js';
import { DATASETS } from './registry.js';

const UNITS: Record<string, string> = {
  text: 'chars',
  forecast: 'time steps',
};

export interface DatasetsOptions {
  json?: boolean;
}

export async function datasets(options: DatasetsOptions, io: Io): Promise<void> {
  for (const entry of DATASETS) {
    const { data: _data, ...info } = await entry.load();
    const row = {
      name: info.name,
      task: entry.task,
      size: info.size,
      description: info.description,
      licence: info.licence,
      source: info.source,
      url: info.url,
    };
    if (options.json) {
      io.out(JSON.stringify(row));
      continue;
    }
    io.out(`${row.name}  (rnnkit train ${row.task} --dataset ${row.name})`);
    io.out(`  ${row.description}`);
    io.out(`  size     ${row.size} ${UNITS[entry.task] ?? 'records'}`);
    io.out(`  licence  ${row.licence}`);
    io.out(`  source   ${row.source}  ${row.url}`);
  }
}
