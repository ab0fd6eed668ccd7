import type { HelperOptions } from 'handlebars';
import { countWords, leadingWords } from '../text/plain-text.js';
import { splitSentences } from '../text/split-sentences.js';
import { wrapText } from '../text/wrap-text.js';

/**
 * Template helpers. Each one is documented for editors in templates/README.md; keep the two in
 * step. Helpers read the digest's locale and time zone from the root data, so a template never
 * has to pass them.
 */

interface RootData {
  locale?: string;
  timezone?: string;
  /** When the digest was made: dates are written relative to it (a year shown when it differs). */
  date?: unknown;
}

function rootOf(options: HelperOptions | undefined): RootData {
  return ((options?.data as { root?: RootData } | undefined)?.root ?? {}) as RootData;
}

/** Handlebars passes its options object as the last argument; strip it from variadic helpers. */
function args(list: unknown[]): { values: unknown[]; options: HelperOptions | undefined } {
  const last = list[list.length - 1] as HelperOptions | undefined;
  const isOptions = typeof last === 'object' && last !== null && 'hash' in last && 'data' in last;
  return { values: isOptions ? list.slice(0, -1) : list, options: isOptions ? last : undefined };
}

const DATE_STYLES: Record<string, Intl.DateTimeFormatOptions> = {
  full: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  long: { day: 'numeric', month: 'long', year: 'numeric' },
  medium: { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  short: { day: 'numeric', month: 'short' },
  date: { day: 'numeric', month: 'short', year: 'numeric' },
  time: { hour: '2-digit', minute: '2-digit' },
  weekday: { weekday: 'long' },
};

function toDate(value: unknown): Date | null {
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

/**
 * Date formatters by locale, options and zone: making one costs far more than using it, and a
 * render (tried again at each step of the size budget) formats every story's date.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}\n${JSON.stringify(options)}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat(locale, options);
    if (formatters.size > 200) formatters.clear();
    formatters.set(key, made);
  }
  return made;
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
function dayIn(date: Date, timeZone: string): string {
  try {
    return formatter('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(date);
  } catch {
    return date.toISOString().slice(0, 10);
  }
}

/**
 * `{{formatDate published "medium"}}`. Dates are never ambiguous: next to the digest's own date
 * (the root `date`), a date in another year shows its year whatever the style, "time" shows the
 * day too unless it is the digest's day, and "weekday" becomes a date beyond the past week.
 */
export function formatDate(value: unknown, style: unknown, options?: HelperOptions): string {
  const date = toDate(value);
  if (!date) return '';
  const root = rootOf(options);
  const timeZone = root.timezone ?? 'UTC';
  const name = typeof style === 'string' && style in DATE_STYLES ? style : 'long';
  let format = DATE_STYLES[name]!;
  const reference = toDate(root.date);
  if (reference) {
    const [day, referenceDay] = [dayIn(date, timeZone), dayIn(reference, timeZone)];
    if (name === 'time' && day !== referenceDay) format = DATE_STYLES.medium!;
    if (name === 'weekday' && Math.abs(reference.getTime() - date.getTime()) >= 6 * 86_400_000) format = DATE_STYLES.date!;
    if (day.slice(0, 4) !== referenceDay.slice(0, 4) && !format.year) format = { ...format, year: 'numeric' };
  }
  try {
    return formatter(root.locale ?? 'en-GB', { ...format, timeZone }).format(date);
  } catch {
    return formatter('en-GB', { ...format, timeZone: 'UTC' }).format(date);
  }
}

/** `{{plural count "story" "stories"}}` → "1 story", "3 stories". */
export function plural(count: unknown, singular: unknown, pluralForm: unknown): string {
  const n = Number(count) || 0;
  const one = String(singular ?? '');
  const many = typeof pluralForm === 'string' ? pluralForm : `${one}s`;
  return `${n} ${n === 1 ? one : many}`;
}

/** `{{truncate text 140}}`: at most 140 characters, cut at a word boundary, with "…" when cut. */
export function truncate(text: unknown, length: unknown): string {
  const value = String(text ?? '');
  const max = Number(length) || 140;
  if (value.length <= max) return value;
  const cut = value.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.5 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/u, '')}…`;
}

/**
 * `{{words lede 25}}`: at most 25 words, with "…" when cut. Words as the trim stage counts them
 * (text/plain-text.ts): in Chinese and Japanese, which have no spaces, two characters a word.
 */
export function words(text: unknown, count: unknown): string {
  const value = String(text ?? '').trim();
  const max = Math.max(1, Number(count) || 25);
  const kept = leadingWords(value, max);
  return kept === value ? value : `${kept.replace(/[\s,;:.，、。–—-]+$/u, '')}…`;
}

/**
 * `{{brief lede 24}}`: the opening sentences of a text that fit in 24 words, so a short version
 * of a lede ends at a full stop. A first sentence a little longer (up to a third more words) is
 * kept whole rather than cut; a longer one is cut at a word with "…" (like `words`).
 */
export function brief(text: unknown, count: unknown): string {
  const value = String(text ?? '').trim();
  const max = Math.max(1, Number(count) || 30);
  if (countWords(value) <= max) return value;
  let kept = '';
  let used = 0;
  for (const sentence of splitSentences(value)) {
    const n = countWords(sentence);
    if (used + n > max && !(used === 0 && n <= Math.ceil(max * 4 / 3))) break;
    kept = kept ? `${kept} ${sentence}` : sentence;
    used += n;
    if (used >= max) break;
  }
  return kept || words(value, max);
}

/** `{{hostname site}}`: "theguardian.com" from "https://www.theguardian.com/uk"; empty for a non-URL. */
export function hostname(url: unknown): string {
  try {
    return new URL(String(url ?? '')).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

/**
 * `{{wrap text 72}}`: plain text (the text part) wrapped at 72 columns, words kept whole; Chinese
 * and Japanese break between characters, which take two columns (text/wrap-text.ts).
 */
export function wrap(text: unknown, width: unknown): string {
  return wrapText(String(text ?? ''), Number(width) || 72);
}

/** `{{pluck failures "feed"}}`: one field of every entry of a list (for `join`). */
export function pluck(list: unknown, key: unknown): unknown[] {
  if (!Array.isArray(list) || typeof key !== 'string') return [];
  return list.map((entry) => (entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>)[key] : undefined)).filter((v) => v !== undefined && v !== null && v !== '');
}

/**
 * `{{#with (imageSize image 552)}}<img src="{{url}}" width="{{width}}" height="{{height}}">{{/with}}`:
 * the size to show an image at, at most `maxWidth` pixels wide and never wider than the image
 * itself (a small picture is not blown up). `height` keeps the image's proportions; it is empty
 * when the image's size is unknown (then `width` is `maxWidth`; give the <img> `height:auto`).
 * `alt` is the image's own description when it says more than the headline, else empty.
 */
export function imageSize(image: unknown, maxWidth: unknown): { url: string; width: number; height: number | null; alt: string } | null {
  if (image === null || image === undefined || image === '') return null;
  const value = typeof image === 'string' ? { url: image } : (image as { url?: unknown; width?: unknown; height?: unknown; alt?: unknown });
  if (typeof value.url !== 'string' || !value.url) return null;
  const max = Math.max(1, Math.round(Number(maxWidth) || 600));
  const known = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null);
  const width = known(value.width);
  const height = known(value.height);
  const shown = width ? Math.min(max, Math.round(width)) : max;
  return { url: value.url, width: shown, height: width && height ? Math.max(1, Math.round((shown * height) / width)) : null, alt: typeof value.alt === 'string' ? value.alt : '' };
}

/** `{{concat title ": " lead.headline}}`: the values joined into one string (for `truncate`). */
export function concat(...list: unknown[]): string {
  return args(list).values.map((value) => (value === undefined || value === null ? '' : String(value))).join('');
}

export const helpers = {
  imageSize,
  concat,
  brief,
  hostname,
  pluck,
  formatDate,
  plural,
  truncate,
  words,
  wrap,
  join: (list: unknown, separator: unknown) =>
    Array.isArray(list) ? list.join(typeof separator === 'string' ? separator : ', ') : '',
  upper: (text: unknown) => String(text ?? '').toLocaleUpperCase(),
  lower: (text: unknown) => String(text ?? '').toLocaleLowerCase(),
  eq: (a: unknown, b: unknown) => a === b,
  gt: (a: unknown, b: unknown) => Number(a) > Number(b),
  lt: (a: unknown, b: unknown) => Number(a) < Number(b),
  add: (a: unknown, b: unknown) => Number(a) + Number(b),
  subtract: (a: unknown, b: unknown) => Number(a) - Number(b),
  /** `{{default name "reader"}}`: the value, or the fallback when it is empty. */
  default: (value: unknown, fallback: unknown) => (value === undefined || value === null || value === '' ? fallback : value),
  /** `{{or a b c}}`: the first non-empty value. */
  or: (...list: unknown[]) => args(list).values.find((v) => v !== undefined && v !== null && v !== '' && v !== false) ?? '',
} satisfies Record<string, (...args: never[]) => unknown>;

export type HelperName = keyof typeof helpers;
