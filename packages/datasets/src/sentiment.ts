/**
 * UCI "Sentiment Labelled Sentences": 3000 one-sentence reviews labelled negative (0) or positive
 * (1), 1000 each from Amazon (products), IMDb (films) and Yelp (restaurants), 500 of each label per
 * source. For sequence classification.
 *
 * - Source: the test fixtures of `sentiment@5.0.2`, files `test/fixtures/{amazon,imdb,yelp}.json`
 *   (arrays of `{"text", "class"}`), read from the installed package; no network. The fixtures are
 *   not a public API of that package, so its version is pinned exactly.
 * - Original: D. Kotzias, M. Denil, N. de Freitas, P. Smyth, "From Group to Individual Labels using
 *   Deep Features", KDD 2015; https://archive.ics.uci.edu/dataset/331/sentiment+labelled+sentences
 * - Licence: data CC BY 4.0 (UCI); the `sentiment` package is MIT.
 * - Size: 3000 records, 193 814 characters in all (trimmed); sentences of 5 to 477 characters.
 * - Quirks handled: each file ends with an empty record `{"text":"","class":null}`, dropped here;
 *   every IMDb sentence ends in two spaces (a left-over of the original tab-separated file),
 *   trimmed unless `trim: false`.
 * - Quirks left in: 17 sentences appear twice within their source (same label both times: 10 in
 *   Amazon, 3 in IMDb, 4 in Yelp) and one in two sources ("Very disappointing.", Amazon and
 *   IMDb), so a random split may put a sentence in both train and test;
 *   17 sentences hold non-ASCII characters (13 in IMDb, 4 in Yelp: `é`, `—`, ...).
 *
 * @example
 * ```ts
 * import { sentimentSentences } from '@rnnkit/datasets';
 * const reviews = await sentimentSentences();
 * reviews.size; // 3000
 * reviews.data[0];
 * // { text: 'So there is no way for me to plug it in here in the US unless I go by a converter.', label: 0, source: 'amazon' }
 * (await sentimentSentences({ sources: ['yelp'] })).data[0];
 * // { text: 'Wow... Loved this place.', label: 1, source: 'yelp' }
 * ```
 */
import { readFile } from 'node:fs/promises';
import type { Dataset } from './dataset.js';
import { checkSome } from './errors.js';
import { installedPackage, packageFile, unexpectedData } from './package-files.js';

/** The three review sites, in the order they are loaded. */
export const SENTIMENT_SOURCES = ['amazon', 'imdb', 'yelp'] as const;

/** One review site. */
export type SentimentSource = (typeof SENTIMENT_SOURCES)[number];

/** One labelled sentence: 0 = negative, 1 = positive. */
export interface SentimentRecord {
  text: string;
  label: 0 | 1;
  source: SentimentSource;
}

/** Options of `sentimentSentences`. */
export interface SentimentOptions {
  /** Which sites to load, in this order. Default all three: amazon, imdb, yelp. */
  sources?: readonly SentimentSource[];
  /** Trim spaces around each sentence (the IMDb sentences end in two). Default true. */
  trim?: boolean;
}

const PACKAGE = 'sentiment';

/** Loads the labelled sentences (see the module documentation for source, licence and quirks). */
export async function sentimentSentences(
  options: SentimentOptions = {},
): Promise<Dataset<SentimentRecord[]>> {
  const { sources = SENTIMENT_SOURCES, trim = true } = options;
  checkSome(sources, SENTIMENT_SOURCES, 'sources', 'sentiment source', ', or omit it for all');
  const pkg = installedPackage(PACKAGE);
  const where = `${PACKAGE}@${pkg.version}`;
  const files = sources.map((s) => `test/fixtures/${s}.json`);
  const parts = await Promise.all(
    sources.map(async (source, k) => {
      const file = files[k]!;
      const raw = JSON.parse(await readFile(packageFile(pkg, file), 'utf8')) as unknown;
      if (!Array.isArray(raw)) throw unexpectedData(file, where, 'a JSON array', typeof raw);
      const out: SentimentRecord[] = [];
      raw.forEach((r: { text?: unknown; class?: unknown } | null, i) => {
        // The empty record that ends every file: no text, no class.
        if (r?.text === '' && r.class === null) return;
        if (typeof r?.text !== 'string' || (r.class !== 0 && r.class !== 1)) {
          throw unexpectedData(
            file,
            where,
            `record ${i} to be {text: string, class: 0 | 1}`,
            JSON.stringify(r),
          );
        }
        out.push({ text: trim ? r.text.trim() : r.text, label: r.class, source });
      });
      return out;
    }),
  );
  const data = parts.flat();
  return {
    name: 'sentiment-sentences',
    description:
      'UCI Sentiment Labelled Sentences: one-sentence reviews from Amazon, IMDb and Yelp, 0 = negative, 1 = positive',
    source: `${where} ${files.join(', ')}`,
    url: 'https://archive.ics.uci.edu/dataset/331/sentiment+labelled+sentences',
    licence: 'CC BY 4.0 (Kotzias et al. 2015, UCI); package: MIT',
    size: data.length,
    data,
  };
}
