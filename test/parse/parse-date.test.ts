import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseDate } from '../../src/parse/parse-date.js';
import { feedsDir, hasFeedsCorpus } from '../support/corpora.js';

const iso = (date: Date | undefined): string | null => (date ? date.toISOString().replace(/\.000Z$/, 'Z') : null);
/** feedparser's expectations are struct_time tuples: whole seconds. */
const isoSeconds = (date: Date | undefined): string | null => (date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

describe('parseDate', () => {
  it.each([
    ['Sat, 07 Sep 2002 00:00:01 GMT', '2002-09-07T00:00:01Z'],
    ['Tue, 10 Jun 2003 04:00:00 -0400', '2003-06-10T08:00:00Z'],
    ['10 Jun 2003 04:00 EDT', '2003-06-10T08:00:00Z'],
    ['Mon, 01 Jan 2001 00:00:00 +0000 (UTC)', '2001-01-01T00:00:00Z'],
    ['2003-12-13T18:30:02Z', '2003-12-13T18:30:02Z'],
    ['2003-12-13T18:30:02.25+01:00', '2003-12-13T17:30:02.250Z'],
    ['2012-01-27T09:00:00.000+0000', '2012-01-27T09:00:00Z'],
    ['2003-12-13', '2003-12-13T00:00:00Z'],
    ['20031213T183002Z', '2003-12-13T18:30:02Z'],
  ])('parses %s', (input, expected) => {
    expect(iso(parseDate(input))).toBe(expected);
  });

  it('reads the usual RFC 822 form (its fast path) at the same instant as ISO, with any offset', () => {
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const pad = (n: number) => String(n).padStart(2, '0');
    for (let i = 0; i < 400; i++) {
      const instant = new Date(Date.UTC(1995, 0, 1) + ((i * 7_919_993_311) % 1_000_000_000_000));
      instant.setUTCMilliseconds(0);
      const offset = ((i * 37) % 27 - 13) * 60 + (i % 4 === 0 ? 30 : 0);
      const local = new Date(instant.getTime() + offset * 60_000);
      const zone = i % 5 === 0 && offset === 0 ? 'GMT' : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
      const day = i % 2 ? pad(local.getUTCDate()) : String(local.getUTCDate());
      const text = `${i % 3 ? `${days[local.getUTCDay()]}, ` : ''}${day} ${months[local.getUTCMonth()]} ${local.getUTCFullYear()} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${zone}`;
      expect(parseDate(text)?.toISOString(), text).toBe(instant.toISOString());
    }
    // Outside the fast path's form, the general reader still answers: a long month name, a named zone.
    expect(iso(parseDate('Tue, 02 Sept 2003 10:00:00 GMT'))).toBe('2003-09-02T10:00:00Z');
    expect(iso(parseDate('Tue, 02 Sep 2003 10:00:00 PDT'))).toBe('2003-09-02T17:00:00Z');
    expect(parseDate('Mon, 31 Feb 2003 10:00:00 GMT')).toBeUndefined();
    expect(parseDate('Mon, 01 Feb 2003 10:00:00 +2400')).toBeUndefined();
  });

  it.each(['', '   ', 'yesterday', 'Sun, 16 Dec zz 11:47:32 GMT', '2003-02-30', '2003-12-31T25:00:00Z', 'Invalid Date'])(
    'rejects %j with undefined, never an Invalid Date',
    (input) => {
      expect(parseDate(input)).toBeUndefined();
    },
  );

  it('ignores non-strings', () => {
    expect(parseDate(undefined)).toBeUndefined();
    expect(parseDate(42)).toBeUndefined();
    expect(parseDate({})).toBeUndefined();
    expect(parseDate(new Date(NaN))).toBeUndefined();
  });
});

interface DateVector {
  parser: string;
  input: string;
  expected_utc: string | null;
}

// feedparser's date test vectors. The localised parsers (Greek, Hungarian, Korean) and the
// archaic two-digit ISO 8601 forms are out of scope; everything feeds really use must match.
const IN_SCOPE = new Set(['rfc822', 'w3dtf', 'asctime', 'perforce']);

describe.skipIf(!hasFeedsCorpus)('parseDate on feedparser date vectors', () => {
  const vectors = hasFeedsCorpus
    ? (JSON.parse(readFileSync(path.join(feedsDir, 'feedparser/date-vectors.json'), 'utf8')) as { cases: DateVector[] }).cases
    : [];
  const inScope = vectors.filter((vector) => IN_SCOPE.has(vector.parser) || vector.input === '');

  it('covers the RFC 822, W3C-DTF, asctime and Perforce vectors', () => {
    expect(inScope.length).toBeGreaterThan(50);
    const mismatches = inScope
      .map((vector) => ({ ...vector, got: isoSeconds(parseDate(vector.input)) }))
      .filter((vector) => vector.got !== vector.expected_utc);
    expect(mismatches).toEqual([]);
  });

  it('never returns an Invalid Date on any vector', () => {
    for (const vector of vectors) {
      const date = parseDate(vector.input);
      if (date) expect(Number.isNaN(date.getTime())).toBe(false);
    }
  });
});
