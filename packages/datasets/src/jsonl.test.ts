import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fromJsonl, fromJsonlFile } from './jsonl.js';
import { caught } from './test-helpers.js';

describe('fromJsonl', () => {
  it('reads text and label fields, skipping blank lines', () => {
    const text = '{"text":"good","label":1}\n\n   \n{"text":"bad","label":"neg","extra":true}\n';
    expect(fromJsonl(text)).toEqual([
      { text: 'good', label: 1 },
      { text: 'bad', label: 'neg' },
    ]);
  });

  it('reads other field names, and unlabelled text with labelField: false', () => {
    const text = '{"review":"Great phone!","stars":5}\r\n{"review":"Broke in a week.","stars":1}';
    expect(fromJsonl(text, { textField: 'review', labelField: 'stars' })).toEqual([
      { text: 'Great phone!', label: 5 },
      { text: 'Broke in a week.', label: 1 },
    ]);
    expect(fromJsonl('{"text":"a"}\n{"text":"b"}\n', { labelField: false })).toEqual([
      { text: 'a' },
      { text: 'b' },
    ]);
  });

  it('reports a bad JSON line with its line number', () => {
    const e = caught(() =>
      fromJsonl('{"text":"ok","label":1}\n\n{"text":"oops",}\n', { file: 'r.jsonl' }),
    );
    expect([e.code, e.line, e.file]).toEqual(['BAD_JSON', 3, 'r.jsonl']);
    expect(e.message).toMatch(
      /^r\.jsonl: line 3 is not valid JSON \(.+\): expected one JSON object per line/,
    );
    expect(e.message).toContain('got "{\\"text\\":\\"oops\\",}"');
  });

  it('reports a line that is not an object', () => {
    expect(caught(() => fromJsonl('[1,2]\n')).message).toContain(
      'line 1 is an array, not a JSON object',
    );
    expect(caught(() => fromJsonl('{"text":"a","label":0}\n"x"\n')).message).toContain(
      'line 2 is a string, not a JSON object',
    );
    expect(caught(() => fromJsonl('null\n')).message).toContain('line 1 is null');
  });

  it('reports a missing or mistyped field, listing the fields the record has', () => {
    const e = caught(() => fromJsonl('{"body":"x","label":1}\n'));
    expect([e.code, e.line, e.column, e.fields]).toEqual([
      'BAD_FIELD',
      1,
      'text',
      ['body', 'label'],
    ]);
    expect(e.message).toContain('no text field "text"; the record has: body, label');
    expect(caught(() => fromJsonl('{"text":5,"label":1}\n')).message).toContain(
      'a number, not a string, in text field "text"',
    );
    const l = caught(() => fromJsonl('{"text":"a","label":1}\n{"text":"b","class":0}\n'));
    expect([l.code, l.line, l.column, l.fields]).toEqual([
      'BAD_FIELD',
      2,
      'label',
      ['text', 'class'],
    ]);
    expect(l.message).toContain('label field "label" is missing, expected a number or a string');
    expect(l.message).toContain('labelField: false');
    expect(caught(() => fromJsonl('{"text":"a","label":null}\n')).message).toContain('is null');
  });

  it('reports an empty input', () => {
    expect(caught(() => fromJsonl('\n \n')).code).toBe('EMPTY_INPUT');
  });
});

describe('fromJsonlFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-jsonl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file and names it in errors', async () => {
    const file = join(dir, 'r.jsonl');
    writeFileSync(file, '{"text":"a","class":0}\n{"text":"b","class":1}\n');
    expect(await fromJsonlFile(file, { labelField: 'class' })).toEqual([
      { text: 'a', label: 0 },
      { text: 'b', label: 1 },
    ]);
    writeFileSync(file, '{"text":"a","class":0}\n{"text":"b" "class":1}\n');
    await expect(fromJsonlFile(file, { labelField: 'class' })).rejects.toMatchObject({
      code: 'BAD_JSON',
      line: 2,
      file,
    });
  });
});

describe('fromJsonl round trip (property)', () => {
  it('reads back any records written one JSON object per line', () => {
    const record = fc.record({
      text: fc.string({ unit: 'binary', maxLength: 20 }),
      label: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })),
    });
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        (records, eol) => {
          const text = records.map((r) => JSON.stringify(r)).join(eol) + eol;
          expect(fromJsonl(text)).toEqual(records);
        },
      ),
      { numRuns: 300 },
    );
  });
});
