/**
 * The bundled data sets the CLI knows, by the name `--dataset` takes, with the task each feeds.
 * The loaders are `@rnnkit/datasets`'s; this table only names them.
 */
import {
  cmuDict,
  co2,
  type DatasetInfo,
  mobyDick,
  namesByLanguage,
  sentimentSentences,
} from '@rnnkit/datasets';
import { CliError } from '../../errors.js';

export interface DatasetEntry {
  /** The name `--dataset` takes (the loader's own `name`). */
  name: string;
  /** The `rnnkit train` task it fits. */
  task: string;
  load: () => Promise<DatasetInfo & { data: unknown }>;
}

export const DATASETS: readonly DatasetEntry[] = [
  { name: 'moby-dick', task: 'text', load: mobyDick },
  { name: 'sentiment-sentences', task: 'classify', load: () => sentimentSentences() },
  { name: 'co2', task: 'forecast', load: () => co2({ fillGaps: true }) }, // one step a month
  { name: 'names-by-language', task: 'names', load: () => namesByLanguage() },
  { name: 'cmudict', task: 'seq2seq', load: () => cmuDict() },
];

/** The entry of a name; an unknown name is a usage error listing the valid ones. */
export function findDataset(name: string): DatasetEntry {
  const entry = DATASETS.find((d) => d.name === name);
  if (!entry) {
    throw new CliError(
      `unknown dataset ${JSON.stringify(name)}: the datasets are ${DATASETS.map((d) => d.name).join(', ')} (see rnnkit datasets)`,
      2,
    );
  }
  return entry;
}
