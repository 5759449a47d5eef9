import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { caught } from './test-helpers.js';
import { firstInvalidUtf8, fromText, fromTextFile, splitText } from './text.js';

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Random bytes, valid UTF-8 of any code points, and valid UTF-8 with one byte changed. */
const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 12 }).map(utf8),
  fc
    .tuple(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
    )
    .map(([s, at, b]) => {
      const out = utf8(s);
      out[at % out.length] = b;
      return out;
    }),
);

describe('fromText', () => {
  it('drops the byte order mark and normalises CRLF and lone CR to LF', () => {
    expect(fromText(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69, 0x0d, 0x0a))).toBe('hi\n');
    expect(fromText('\uFEFFa\r\nb\rc\n')).toBe('a\nb\nc\n');
    expect(fromText(utf8('안녕 — “quotes” 🐋'))).toBe('안녕 — “quotes” 🐋');
  });

  it('keeps a BOM that is not at the start', () => {
    expect(fromText('a\uFEFFb')).toBe('a\uFEFFb');
  });

  it('reports invalid UTF-8 with the byte offset, line and a fix', () => {
    const latin1 = bytes(...utf8('line one\nline two caf'), 0xe9, 0x20, 0x6f, 0x6b);
    const err = caught(() => fromText(latin1, { file: 'menu.txt' }));
    expect(err.code).toBe('INVALID_UTF8');
    expect(err.offset).toBe(21);
    expect(err.line).toBe(2);
    expect(err.file).toBe('menu.txt');
    expect(err.message).toContain('menu.txt: invalid UTF-8 at byte 21 (line 2)');
    expect(err.message).toContain('got bytes e9 20 6f 6b');
    expect(err.message).toContain('iconv');
  });

  it('names UTF-16 when the bytes start with its byte order mark', () => {
    const e = caught(() => fromText(bytes(0xff, 0xfe, 0x68, 0x00, 0x69, 0x00)));
    expect([e.code, e.offset]).toEqual(['INVALID_UTF8', 0]);
    expect(e.message).toContain('starts with a UTF-16 byte order mark');
    expect(e.message).toContain('iconv -f UTF-16 -t UTF-8');
  });

  it.each([
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong two-byte form', [0xc0, 0xaf], 0],
    ['an overlong three-byte form', [0x61, 0xe0, 0x80, 0xaf], 1],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut off at the end', [0x61, 0x62, 0xe2, 0x82], 2],
    ['a lead byte followed by ASCII', [0xe2, 0x41, 0x41], 0],
    ['0xFF', [0x61, 0xff], 1],
  ])('finds %s at the right offset', (_what, b, offset) => {
    expect(firstInvalidUtf8(bytes(...b))).toBe(offset);
    expect(caught(() => fromText(bytes(...b))).offset).toBe(offset);
  });

  it('agrees with the WHATWG decoder on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(anyBytes, (b) => {
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(b);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(b) === b.length).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fromTextFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-datasets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file with BOM and CRLF', async () => {
    const file = join(dir, 'crlf.txt');
    writeFileSync(file, bytes(0xef, 0xbb, 0xbf, ...utf8('one\r\ntwo\r\n')));
    expect(await fromTextFile(file)).toBe('one\ntwo\n');
    expect(await fromTextFile(new URL(`file://${file}`))).toBe('one\ntwo\n');
  });

  it('names the file in an INVALID_UTF8 error', async () => {
    const file = join(dir, 'latin1.txt');
    writeFileSync(file, bytes(0x6e, 0x61, 0xef, 0x76, 0x65));
    await expect(fromTextFile(file)).rejects.toMatchObject({
      code: 'INVALID_UTF8',
      file,
      offset: 2,
      line: 1,
    });
  });

  it('reports a missing file with FILE_NOT_READABLE', async () => {
    const file = join(dir, 'nope.txt');
    await expect(fromTextFile(file)).rejects.toMatchObject({ code: 'FILE_NOT_READABLE', file });
    await expect(fromTextFile(file)).rejects.toThrow(/no such file; check the path/);
    await expect(fromTextFile(dir)).rejects.toThrow(/it is a directory/);
  });
});

describe('splitText', () => {
  it('holds out the end of the text', () => {
    expect(splitText('abcdefghijklmnopqrst', { test: 0.05 })).toEqual({
      train: 'abcdefghijklmnopqrs',
      validation: '',
      test: 't',
    });
    expect(splitText('0123456789', { validation: 0.2, test: 0.1 })).toEqual({
      train: '0123456',
      validation: '78',
      test: '9',
    });
    expect(splitText('abc')).toEqual({ train: 'abc', validation: '', test: '' });
  });

  it('never cuts a surrogate pair', () => {
    const s = 'ab🐋'; // 4 code units; a cut at 3 would split the whale
    const { train, test } = splitText(s, { test: 0.25 });
    expect([train, test]).toEqual(['ab', '🐋']);
  });

  it('parts always concatenate to the text (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 10, maxLength: 60 }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        (text, test, validation) => {
          const p = splitText(text, { test, validation });
          expect(p.train + p.validation + p.test).toBe(text);
          expect(p.train.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('rejects fractions outside [0, 1) or leaving no training text', () => {
    expect(caught(() => splitText('abc', { test: 1 })).code).toBe('BAD_OPTION');
    expect(caught(() => splitText('abc', { test: -0.1 })).message).toContain(
      'test must be a fraction in [0, 1), got -0.1',
    );
    expect(caught(() => splitText('ab', { test: 0.5, validation: 0.5 })).message).toContain(
      'leave no training text',
    );
  });
});
