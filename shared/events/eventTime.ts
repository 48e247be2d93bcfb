/**
 * Event times arrive as ISO 8601 (v2, and some v1 gateways) or as .NET `DateTime.UtcNow.ToString()`
 * in the gateway's culture: en-US `6/7/2023 3:45:12 PM`, en-GB `07/06/2023 15:45:12`, invariant
 * `06/07/2023 15:45:12`. All are UTC: the seed policy logs `UtcNow`, so an ISO time without an offset
 * is read as UTC too. Returns ISO UTC with milliseconds, or a problem.
 */
export type ParsedTime = { ok: true; iso: string } | { ok: false; problem: string };

/** `EVENT_TIME_CULTURE`: which .NET culture wrote the slash-separated times (README, "Settings"). */
export const EVENT_TIME_CULTURES = ['en-US', 'en-GB', 'invariant'] as const;
export type EventTimeCulture = (typeof EVENT_TIME_CULTURES)[number];

/** Day and month order, and whether a 12-hour clock may appear, per culture. */
const CULTURE_FORMAT: Readonly<
  Record<EventTimeCulture, { dayFirst: boolean; ampm: boolean; shape: string }>
> = {
  'en-US': { dayFirst: false, ampm: true, shape: 'en-US M/d/yyyy h:mm:ss tt' },
  'en-GB': { dayFirst: true, ampm: false, shape: 'en-GB dd/MM/yyyy HH:mm:ss' },
  invariant: { dayFirst: false, ampm: false, shape: 'invariant MM/dd/yyyy HH:mm:ss' },
};

const SLASH_DATE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: ?([AaPp][Mm]))?$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

/** Accepted years: anything else is a clock or parsing error and would land in a nonsense partition. */
const MIN_YEAR = 2020;
const MAX_FUTURE_MS = 24 * 3600 * 1000;
const MIN_YEAR_MS = Date.UTC(MIN_YEAR, 0, 1);

export function parseEventTime(text: string, now: Date, culture: EventTimeCulture = 'en-US'): ParsedTime {
  const trimmed = text.trim();
  const canonical = parseCanonicalIso(trimmed);
  if (canonical !== undefined && canonical >= MIN_YEAR_MS && canonical - now.getTime() <= MAX_FUTURE_MS) {
    return { ok: true, iso: trimmed }; // already the ISO form we store
  }
  const format = CULTURE_FORMAT[culture];
  const parsed = canonical ?? parseSlashDateTime(trimmed, culture) ?? parseIsoDateTime(trimmed);
  if (parsed === undefined) {
    return { ok: false, problem: `"${clip(trimmed)}" is neither ISO 8601 nor ${format.shape}` };
  }
  if (Number.isNaN(parsed)) {
    return { ok: false, problem: `"${clip(trimmed)}" is not a real date and time in ${format.shape}` };
  }
  if (new Date(parsed).getUTCFullYear() < MIN_YEAR) {
    return { ok: false, problem: `"${clip(trimmed)}" is before ${MIN_YEAR}` };
  }
  if (parsed - now.getTime() > MAX_FUTURE_MS) {
    return { ok: false, problem: `"${clip(trimmed)}" is more than a day in the future` };
  }
  return { ok: true, iso: new Date(parsed).toISOString() };
}

/**
 * What v2 events send (`toISOString()` form, `2026-11-20T10:11:12.345Z`), checked digit by digit with
 * no Date or regex: this runs once per event. Anything else falls through to the general parsers.
 */
function parseCanonicalIso(text: string): number | undefined {
  if (text.length !== 24) return undefined;
  for (let i = 0; i < 24; i++) {
    const c = text.charCodeAt(i);
    const want = CANONICAL_SHAPE.charCodeAt(i);
    if (want === DIGIT ? c < 48 || c > 57 : c !== want) return undefined;
  }
  const num = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 48;
    return n;
  };
  const y = num(0, 4);
  const mo = num(5, 7);
  const d = num(8, 10);
  const h = num(11, 13);
  const mi = num(14, 16);
  const sec = num(17, 19);
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, sec, num(20, 23));
}

const DIGIT = 0x23; // '#' in the shape below stands for a digit
const CANONICAL_SHAPE = '####-##-##T##:##:##.###Z';

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A slash date read in one culture only: `7/6/2025` is 6 July in en-US and 7 June in en-GB, never a guess. */
function parseSlashDateTime(text: string, culture: EventTimeCulture): number | undefined {
  const m = SLASH_DATE_TIME.exec(text);
  if (!m) return undefined;
  const format = CULTURE_FORMAT[culture];
  const [, first, second, y, h, mi, s, ampm] = m;
  const [d, mo] = format.dayFirst ? [first, second] : [second, first];
  let hour = Number(h);
  if (ampm !== undefined) {
    if (!format.ampm) return Number.NaN;
    if (hour < 1 || hour > 12) return Number.NaN;
    const pm = ampm.toUpperCase() === 'PM';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  return utc(Number(y), Number(mo), Number(d), hour, Number(mi), Number(s), 0);
}

function parseIsoDateTime(text: string): number | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  const local = utc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone === undefined || zone === 'Z' || Number.isNaN(local)) return local;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  if (offsetMin > 14 * 60) return Number.NaN;
  return local - sign * offsetMin * 60_000;
}

/** Date.UTC silently rolls 2/30 over to 3/2; a chargeback record must not. */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  const exact =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s;
  return exact ? t : Number.NaN;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
