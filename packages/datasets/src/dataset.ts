/**
 * The one result shape of every loader: what the data is, where it comes from, under which
 * licence, and the data itself in `data`. Only `data` differs between kinds: a string for a text
 * corpus, an array of records for labelled examples and pairs, columns of a table for a series.
 *
 * @example
 * ```ts
 * import { mobyDick } from '@rnnkit/datasets';
 * const book = await mobyDick();
 * [book.name, book.licence, book.data.length];
 * // ['moby-dick', 'Public domain (stdlib data files: PDDL-1.0 / CC0-1.0)', 1190317]
 * ```
 */

/** What every loaded data set carries beside its data. */
export interface DatasetInfo {
  /** Short stable id, e.g. `'moby-dick'`, `'cmudict'`. */
  readonly name: string;
  /** One line on what the data is. */
  readonly description: string;
  /** The package and file(s) read, e.g. `'sentiment@5.0.2 test/fixtures/amazon.json'`. */
  readonly source: string;
  /** The original publisher's page (or the paper) to cite. */
  readonly url: string;
  /** Licence of the data (and of the package, when it differs). */
  readonly licence: string;
  /** How many items `data` holds: characters (text), records, or time steps (series). */
  readonly size: number;
}

/** A loaded data set: its description plus `data` (text, records or series). */
export interface Dataset<T> extends DatasetInfo {
  readonly data: T;
}
