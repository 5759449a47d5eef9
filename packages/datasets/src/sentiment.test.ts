// Golden numbers: `node scripts/golden-counts.mjs` (reads the sentiment fixtures with plain Node).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { type SentimentRecord, sentimentSentences } from './sentiment.js';

let all: Dataset<SentimentRecord[]>;
beforeAll(async () => {
  all = await sentimentSentences();
});

describe('sentimentSentences', () => {
  it('loads 3000 records, 500 of each label per source, without the empty trailing records', () => {
    expect(all.size).toBe(3000);
    expect(all.data.length).toBe(3000);
    for (const source of ['amazon', 'imdb', 'yelp'] as const) {
      const part = all.data.filter((r) => r.source === source);
      expect(part.length).toBe(1000);
      expect(part.filter((r) => r.label === 1).length).toBe(500);
      expect(part.filter((r) => r.label === 0).length).toBe(500);
    }
    expect(all.data.every((r) => r.text.length > 0 && (r.label === 0 || r.label === 1))).toBe(true);
    expect(all.source).toBe(
      'sentiment@5.0.2 test/fixtures/amazon.json, test/fixtures/imdb.json, test/fixtures/yelp.json',
    );
    expect(all.licence).toContain('CC BY 4.0');
  });

  it('keeps the file order: amazon, imdb, yelp', () => {
    expect(all.data[0]).toEqual({
      text: 'So there is no way for me to plug it in here in the US unless I go by a converter.',
      label: 0,
      source: 'amazon',
    });
    expect(all.data[1999]).toEqual({
      text: "All in all its an insult to one's intelligence and a huge waste of money.",
      label: 0,
      source: 'imdb',
    });
    expect(all.data[2999]?.source).toBe('yelp');
  });

  it('trims the two trailing spaces of IMDb sentences unless trim: false', async () => {
    expect(all.data.every((r) => r.text === r.text.trim())).toBe(true);
    expect(all.data.reduce((n, r) => n + r.text.length, 0)).toBe(193814);
    const raw = await sentimentSentences({ sources: ['imdb'], trim: false });
    expect(raw.data.every((r) => r.text.endsWith('  '))).toBe(true);
  });

  it('loads the sources asked for, in that order', async () => {
    const two = await sentimentSentences({ sources: ['yelp', 'amazon'] });
    expect(two.size).toBe(2000);
    expect(two.data[0]).toEqual({ text: 'Wow... Loved this place.', label: 1, source: 'yelp' });
    expect(two.data[1000]?.source).toBe('amazon');
  });

  it('rejects an unknown or empty list of sources', async () => {
    await expect(sentimentSentences({ sources: ['twitter' as 'yelp'] })).rejects.toThrow(
      'unknown sentiment source "twitter": expected some of amazon, imdb, yelp',
    );
    await expect(sentimentSentences({ sources: [] })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });
});
