import { describe, expect, it } from 'vitest';
import { latestSlot, nextSlot, scheduleProblem } from '../../src/schedule/schedule-slots.js';

// UTC and its aliases are counted with croner's utcOffset (no time-zone data loaded); the slots
// must be the ones the time-zone path gives for a zone that is UTC all year (Africa/Abidjan).
describe('schedule slots in UTC', () => {
  const expressions = ['0 7 * * *', '30 2 * * 1-5', '*/15 * * * *', '0 0 1 * *', '0 9 * * 0'];
  const moments = ['2026-01-01T00:00:00Z', '2026-03-29T01:30:00Z', '2026-06-30T23:59:59Z', '2026-10-25T07:00:00Z', '2026-12-31T12:34:56Z'].map((t) => new Date(t));

  it('gives the same latest and next slots as the time-zone path', () => {
    for (const expression of expressions) {
      for (const now of moments) {
        const reference = { latest: latestSlot(expression, 'Africa/Abidjan', now)?.toISOString(), next: nextSlot(expression, 'Africa/Abidjan', now)?.toISOString() };
        expect(reference.latest).toBeDefined();
        for (const zone of ['UTC', 'Etc/UTC', 'GMT', 'utc', 'Etc/GMT+0']) {
          expect({ zone, expression, latest: latestSlot(expression, zone, now)?.toISOString(), next: nextSlot(expression, zone, now)?.toISOString() }).toEqual({ zone, expression, ...reference });
        }
      }
    }
  });

  it('counts a zone with daylight saving in that zone, not in UTC', () => {
    // 07:00 in London is 07:00 UTC in winter and 06:00 UTC in summer.
    expect(nextSlot('0 7 * * *', 'Europe/London', new Date('2026-01-10T00:00:00Z'))?.toISOString()).toBe('2026-01-10T07:00:00.000Z');
    expect(nextSlot('0 7 * * *', 'Europe/London', new Date('2026-07-10T00:00:00Z'))?.toISOString()).toBe('2026-07-10T06:00:00.000Z');
    expect(latestSlot('0 7 * * *', 'UTC', new Date('2026-07-10T06:30:00Z'))?.toISOString()).toBe('2026-07-09T07:00:00.000Z');
  });

  it('still names an unknown zone and a malformed expression', () => {
    expect(scheduleProblem('0 7 * * *', 'Mars/Olympus')).toMatch(/time ?zone|Mars/i);
    expect(scheduleProblem('0 25 * * *', 'UTC')).toBeDefined();
  });
});
