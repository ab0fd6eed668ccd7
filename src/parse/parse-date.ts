/**
 * Feed dates: RFC 822/2822 (RSS), W3C-DTF / ISO 8601 (Atom, Dublin Core, JSON Feed) and the
 * common deviations found in the wild (asctime, JavaScript's Date#toString, Perforce's
 * "2006/09/15", named US/European zones, "GMT-01:01", two-digit years, stray commas).
 *
 * Strict on purpose: anything that does not fit is `undefined`, never an Invalid Date, and never
 * a guess — `Date.parse` would happily turn "Sun, 16 Dec zz 11:47:32" into some date.
 * A date without a zone is taken as UTC.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?$/i;

/** Offsets in minutes east of UTC. */
const ZONES: Record<string, number> = {
  z: 0, ut: 0, utc: 0, gmt: 0, 'etc/gmt': 0, 'etc/utc': 0, wet: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  // "Disney" zones (feedparser): Atlantic, Eastern, Central, Mountain, Pacific standard time.
  at: -240, et: -300, ct: -360, mt: -420, pt: -480,
  akst: -540, akdt: -480, hst: -600, ast: -240, adt: -180, nst: -210, ndt: -150,
  bst: 60, cet: 60, met: 60, mez: 60, cest: 120, mest: 120, mesz: 120, west: 60, eet: 120, eest: 180,
  msk: 180, jst: 540, kst: 540, hkt: 480, sgt: 480, aest: 600, aedt: 660, acst: 570, awst: 480,
  nzst: 720, nzdt: 780,
};

/** Parses a feed date; undefined when it is missing or not a real date. */
export function parseDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text.length > 100) return undefined;
  return parseIso(text) ?? parseRfc822(text) ?? parseHuman(text);
}

interface Parts {
  year: number;
  month: number; // 1-12
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millis?: number;
  /** Minutes east of UTC. */
  offset?: number;
}

function build(parts: Parts): Date | undefined {
  const { year, month, day, hour = 0, minute = 0, second = 0, millis = 0, offset = 0 } = parts;
  if (year < 1 || year > 9999 || month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 24 || minute > 59 || second > 60) return undefined;
  if (hour === 24 && (minute > 0 || second > 0)) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offset, Math.min(second, 59), millis);
  const time = date.getTime();
  if (Number.isNaN(time)) return undefined;
  return date;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function parseOffset(zone: string): number | undefined {
  const match = /^(?:gmt|utc|ut)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone);
  if (match) {
    const hours = Number(match[2]);
    const minutes = Number(match[3] ?? 0);
    if (hours > 23 || minutes > 59) return undefined;
    return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return ZONES[zone.toLowerCase()];
}

const ISO =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const ISO_ORDINAL = /^(\d{4})-?(\d{3})$/;

function parseIso(text: string): Date | undefined {
  const ordinal = ISO_ORDINAL.exec(text);
  if (ordinal) {
    const year = Number(ordinal[1]);
    const dayOfYear = Number(ordinal[2]);
    const daysInYear = daysInMonth(year, 2) === 29 ? 366 : 365;
    if (dayOfYear < 1 || dayOfYear > daysInYear) return undefined;
    const date = build({ year, month: 1, day: 1 });
    date?.setUTCDate(dayOfYear);
    return date;
  }
  const match = ISO.exec(text) ?? ISO_BASIC.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  let offset = 0;
  if (zone) {
    const parsed = parseOffset(zone);
    if (parsed === undefined) return undefined;
    offset = parsed;
  }
  return build({
    year: Number(year),
    month: Number(month ?? 1),
    day: Number(day ?? 1),
    ...(hour !== undefined ? { hour: Number(hour), minute: Number(minute) } : {}),
    ...(second !== undefined ? { second: Number(second) } : {}),
    ...(fraction !== undefined ? { millis: Math.floor(Number(`0.${fraction}`) * 1000) } : {}),
    offset,
  });
}

/** The form nearly every RSS feed writes ("Tue, 02 Dec 2026 10:00:00 +0000"), in one match. */
const RFC822 = /^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(\d{1,2})\s+([a-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(gmt|utc|ut|z|[+-]\d{4})$/i;

/** RFC 822 as feeds usually write it; anything else (undefined) goes to parseHuman. */
function parseRfc822(text: string): Date | undefined {
  const match = RFC822.exec(text);
  if (!match) return undefined;
  const [, day, monthName, year, hour, minute, second, zone] = match as unknown as [string, string, string, string, string, string, string | undefined, string];
  const month = MONTHS.indexOf(monthName.toLowerCase()) + 1;
  const offset = parseOffset(zone);
  if (month === 0 || offset === undefined) return undefined;
  return build({ year: Number(year), month, day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second ?? 0), offset });
}

const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?$/;
const SLASH_DATE = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;

/**
 * RFC 822 and relatives. Tokens are classified (weekday, month name, time, zone, number) and
 * must all be recognised; numbers are then read as day and year by their width and order.
 */
function parseHuman(text: string): Date | undefined {
  const tokens = text
    .replace(/\([^)]*\)/g, ' ') // RFC 822 comments such as "(PST)"
    .replace(/,/g, ' ')
    .trim()
    .split(/\s+/);
  let month: number | undefined;
  let time: RegExpExecArray | undefined;
  let offset: number | undefined;
  let slash: RegExpExecArray | undefined;
  const numbers: string[] = [];

  for (const [index, token] of tokens.entries()) {
    if (index === 0 && WEEKDAYS.test(token)) continue;
    const lower = token.toLowerCase().replace(/\.$/, '');
    const monthIndex = /^[a-z]{3,}$/.test(lower) ? MONTHS.findIndex((name) => lower.startsWith(name) && isMonthName(lower)) : -1;
    if (month === undefined && monthIndex >= 0) {
      month = monthIndex + 1;
      continue;
    }
    if (/^\d+$/.test(token) && token.length <= 4) {
      numbers.push(token);
      continue;
    }
    const asTime = TIME.exec(token);
    if (asTime && !time) {
      time = asTime;
      continue;
    }
    const asSlash = SLASH_DATE.exec(token);
    if (asSlash && !slash) {
      slash = asSlash;
      continue;
    }
    if (time && offset === undefined) {
      const zone = parseOffset(token);
      if (zone !== undefined) {
        offset = zone;
        continue;
      }
    }
    return undefined;
  }

  let year: number;
  let day: number;
  if (slash) {
    if (month !== undefined || numbers.length > 0) return undefined;
    year = Number(slash[1]);
    month = Number(slash[2]);
    day = Number(slash[3]);
  } else {
    if (month === undefined || numbers.length !== 2) return undefined;
    const [first, second] = numbers as [string, string];
    // The four-digit number is the year; with two two-digit numbers the day comes first.
    const yearToken = first.length > 2 ? first : second;
    const dayToken = yearToken === first ? second : first;
    if (dayToken.length > 2 || (first.length > 2 && second.length > 2)) return undefined;
    day = Number(dayToken);
    year = Number(yearToken);
    if (yearToken.length <= 2) year += year < 50 ? 2000 : 1900;
  }
  return build({
    year,
    month,
    day,
    ...(time ? { hour: Number(time[1]), minute: Number(time[2]), second: Number(time[3] ?? 0) } : {}),
    offset: offset ?? 0,
  });
}

function isMonthName(word: string): boolean {
  return /^(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)$/.test(word);
}
