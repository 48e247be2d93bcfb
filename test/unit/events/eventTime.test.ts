import { describe, expect, it } from 'vitest';

import {
  EVENT_TIME_CULTURES,
  parseEventTime,
  type EventTimeCulture,
} from '../../../shared/events/eventTime.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');

function iso(text: string): string {
  const result = parseEventTime(text, NOW);
  if (!result.ok) throw new Error(`expected "${text}" to parse, got: ${result.problem}`);
  return result.iso;
}

function problem(text: string): string {
  const result = parseEventTime(text, NOW);
  if (result.ok) throw new Error(`expected "${text}" to be rejected, got ${result.iso}`);
  return result.problem;
}

describe('.NET DateTime.UtcNow.ToString() in en-US', () => {
  it.each([
    ['6/7/2023 3:45:12 PM', '2023-06-07T15:45:12.000Z'],
    ['6/7/2023 3:45:12 AM', '2023-06-07T03:45:12.000Z'],
    ['06/07/2023 03:45:12 pm', '2023-06-07T15:45:12.000Z'],
    ['6/7/2023 3:45:12PM', '2023-06-07T15:45:12.000Z'],
    ['12/31/2025 11:59:59 PM', '2025-12-31T23:59:59.000Z'],
    ['  6/7/2023 3:45:12 PM  ', '2023-06-07T15:45:12.000Z'],
    ['6/7/2023 15:45:12', '2023-06-07T15:45:12.000Z'],
    ['2/29/2024 1:00:00 AM', '2024-02-29T01:00:00.000Z'],
  ])('%s → %s', (text, expected) => {
    expect(iso(text)).toBe(expected);
  });

  it('reads 12 AM as midnight and 12 PM as noon', () => {
    expect(iso('6/7/2023 12:00:00 AM')).toBe('2023-06-07T00:00:00.000Z');
    expect(iso('6/7/2023 12:59:59 AM')).toBe('2023-06-07T00:59:59.000Z');
    expect(iso('6/7/2023 12:00:00 PM')).toBe('2023-06-07T12:00:00.000Z');
    expect(iso('6/7/2023 12:59:59 PM')).toBe('2023-06-07T12:59:59.000Z');
    expect(iso('6/7/2023 1:00:00 PM')).toBe('2023-06-07T13:00:00.000Z');
  });

  it.each(['6/7/2023 0:05:00 AM', '6/7/2023 13:05:00 PM'])('rejects the 12-hour impossibility %s', (text) => {
    expect(problem(text)).toContain('is not a real date and time');
  });

  it('rejects day-first dates rather than guessing the culture', () => {
    expect(problem('31/12/2023 1:00:00 PM')).toContain('is not a real date and time');
  });
});

describe('ISO 8601', () => {
  it.each([
    ['2026-11-20T10:11:12.345Z', '2026-11-20T10:11:12.345Z'],
    ['2026-11-20T10:11:12Z', '2026-11-20T10:11:12.000Z'],
    ['2026-11-20 10:11:12.5', '2026-11-20T10:11:12.500Z'],
    ['2026-11-20T10:11:12.1234567Z', '2026-11-20T10:11:12.123Z'],
    ['2026-11-20T12:11:12+02:00', '2026-11-20T10:11:12.000Z'],
    ['2026-11-20T05:11:12-0500', '2026-11-20T10:11:12.000Z'],
  ])('%s → %s (no offset means UTC)', (text, expected) => {
    expect(iso(text)).toBe(expected);
  });

  it('keeps every millisecond value exact', () => {
    for (let ms = 0; ms < 1000; ms += 7) {
      const text = `2026-11-20T10:11:12.${String(ms).padStart(3, '0')}Z`;
      expect(iso(text)).toBe(text);
    }
  });
});

describe('impossible and implausible times', () => {
  it.each([
    ['2026-02-30T00:00:00Z', 'is not a real date and time'],
    ['2/30/2026 1:00:00 AM', 'is not a real date and time'],
    ['2/29/2023 1:00:00 AM', 'is not a real date and time'],
    ['2026-13-01T00:00:00Z', 'is not a real date and time'],
    ['2026-11-20T24:00:00Z', 'is not a real date and time'],
    ['2026-11-20T10:60:00Z', 'is not a real date and time'],
    ['2026-11-20T10:11:12+15:00', 'is not a real date and time'],
    ['yesterday', 'is neither ISO 8601 nor en-US'],
    ['', 'is neither ISO 8601 nor en-US'],
    ['1700000000', 'is neither ISO 8601 nor en-US'],
    ['1/1/2019 1:00:00 AM', 'is before 2020'],
  ])('%s: %s', (text, expected) => {
    expect(problem(text)).toContain(expected);
  });

  it('accepts up to a day ahead (clock skew) and rejects more', () => {
    expect(iso('2026-11-21T12:00:00Z')).toBe('2026-11-21T12:00:00.000Z');
    expect(problem('2026-11-21T12:00:01Z')).toContain('more than a day in the future');
  });

  it('quotes the offending text, clipped', () => {
    const long = `2026-11-20T10:11:12Z${'x'.repeat(200)}`;
    const message = problem(long);
    expect(message).toContain('"2026-11-20T10:11:12Z');
    expect(message.length).toBeLessThan(140);
  });
});

describe('the canonical ISO form v2 events send (checked without Date)', () => {
  it.each([
    '2024-02-29T23:59:59.999Z',
    '2024-02-29T00:00:00.000Z',
    '2026-11-21T11:59:59.999Z', // within a day of NOW
    '2025-12-31T00:00:00.000Z',
  ])('%s is kept as it is', (text) => {
    expect(iso(text)).toBe(text);
    expect(iso(text)).toBe(new Date(Date.parse(text)).toISOString());
  });

  it.each([
    ['2025-02-29T00:00:00.000Z', /not a real date/], // not a leap year
    ['2100-02-29T00:00:00.000Z', /not a real date/], // century, not a leap year
    ['2026-04-31T00:00:00.000Z', /not a real date/],
    ['2026-11-20T24:00:00.000Z', /not a real date/],
    ['2026-11-20T23:60:00.000Z', /not a real date/],
    ['2026-13-01T00:00:00.000Z', /not a real date/],
    ['2019-12-31T23:59:59.999Z', /before 2020/],
    ['2026-11-21T12:00:00.001Z', /more than a day in the future/],
  ])('%s is refused (%s)', (text, why) => {
    expect(problem(text)).toMatch(why);
  });

  it('agrees with Date for every day of a leap and a common year', () => {
    for (const year of [2024, 2025]) {
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000 + 3_723_456) {
        const text = new Date(t).toISOString();
        if (t - NOW.getTime() > 86_400_000) continue;
        expect(iso(text)).toBe(text);
      }
    }
  });
});

describe('EVENT_TIME_CULTURE: the culture that wrote a slash-separated time', () => {
  const read = (text: string, culture: EventTimeCulture) => {
    const result = parseEventTime(text, NOW, culture);
    return result.ok ? result.iso : `refused: ${result.problem}`;
  };

  it('reads 7/6/2025 15:45:12 as 6 July in en-US and invariant, and 7 June in en-GB', () => {
    expect(read('7/6/2025 15:45:12', 'en-US')).toBe('2025-07-06T15:45:12.000Z');
    expect(read('07/06/2025 15:45:12', 'invariant')).toBe('2025-07-06T15:45:12.000Z');
    expect(read('7/6/2025 15:45:12', 'en-GB')).toBe('2025-06-07T15:45:12.000Z');
    expect(read('07/06/2025 15:45:12', 'en-GB')).toBe('2025-06-07T15:45:12.000Z');
  });

  it('defaults to en-US', () => {
    expect(iso('7/6/2025 15:45:12')).toBe('2025-07-06T15:45:12.000Z');
  });

  it.each([
    // [text, culture, why]: each valid in another culture, or in none.
    ['31/12/2025 13:00:00', 'en-US', /not a real date and time in en-US/],
    ['31/12/2025 13:00:00', 'invariant', /not a real date and time in invariant/],
    ['12/31/2025 13:00:00', 'en-GB', /not a real date and time in en-GB/],
    ['6/7/2023 3:45:12 PM', 'en-GB', /not a real date and time in en-GB/],
    ['06/07/2023 03:45:12 PM', 'invariant', /not a real date and time in invariant/],
    ['29/02/2025 10:00:00', 'en-GB', /not a real date and time/],
    ['31/04/2025 10:00:00', 'en-GB', /not a real date and time/],
    ['00/01/2025 10:00:00', 'en-GB', /not a real date and time/],
    ['01/13/2025 10:00:00', 'en-GB', /not a real date and time/],
    ['01/01/2025 24:00:00', 'en-GB', /not a real date and time/],
    ['7-6-2025 15:45:12', 'en-GB', /neither ISO 8601 nor en-GB dd\/MM\/yyyy HH:mm:ss/],
  ] as const)('%s is refused in %s', (text, culture, why) => {
    expect(read(text, culture)).toMatch(why);
  });

  it.each(EVENT_TIME_CULTURES)('reads ISO 8601 the same in %s', (culture) => {
    expect(read('2025-07-06T15:45:12Z', culture)).toBe('2025-07-06T15:45:12.000Z');
    expect(read('2026-11-20T10:11:12.345Z', culture)).toBe('2026-11-20T10:11:12.345Z');
  });

  it('accepts 29 February in a leap year in every culture', () => {
    expect(read('2/29/2024 10:00:00', 'en-US')).toBe('2024-02-29T10:00:00.000Z');
    expect(read('29/02/2024 10:00:00', 'en-GB')).toBe('2024-02-29T10:00:00.000Z');
    expect(read('02/29/2024 10:00:00', 'invariant')).toBe('2024-02-29T10:00:00.000Z');
  });
});
