import { Cron } from 'croner';

/**
 * Slots are the times a schedule fires: a cron expression read in an IANA time zone. croner does
 * the calendar work, daylight-saving changes included: a time that does not exist that day
 * (02:30 when clocks spring forward) fires at the first valid time after the gap, and a time that
 * happens twice (01:30 when they fall back) fires once, on its first occurrence.
 */

/** Names of UTC itself (the default zone): no daylight saving, no offset. */
const UTC_ZONE = /^(Etc\/)?(UTC|UCT|GMT|GMT[+-]?0|Universal|Zulu|Greenwich)$/i;

/** Parses the schedule; throws croner's error for a malformed expression or an unknown zone. */
export function parseSchedule(expression: string, timezone: string): Cron {
  // In UTC, croner counts in plain UTC: the same slots, without loading the time-zone data
  // (an Intl.DateTimeFormat for a zone costs a run about 20 ms before it fetches anything).
  const cron = new Cron(expression, UTC_ZONE.test(timezone) ? { utcOffset: 0, paused: true } : { timezone, paused: true });
  // An unknown time zone shows only when a date is computed.
  cron.nextRun(new Date(0));
  return cron;
}

/** Why a cron expression cannot be used, in croner's words; undefined when it is fine. */
export function scheduleProblem(expression: string, timezone = 'UTC'): string | undefined {
  try {
    const cron = parseSchedule(expression, timezone);
    if (!cron.nextRun(new Date())) return 'it never fires again';
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern: /, '');
  }
}

/** The latest slot at or before `now`: the scheduled time a run at `now` serves. */
export function latestSlot(expression: string, timezone: string, now: Date): Date | undefined {
  const cron = parseSchedule(expression, timezone);
  // previousRuns counts back from just before its reference, so look from one second on and
  // drop a slot in that second.
  const [candidate] = cron.previousRuns(1, new Date(now.getTime() + 1000));
  if (candidate && candidate.getTime() <= now.getTime()) return candidate;
  return candidate ? cron.previousRuns(1, candidate)[0] : undefined;
}

/** The first slot after `now`. */
export function nextSlot(expression: string, timezone: string, now: Date): Date | undefined {
  return parseSchedule(expression, timezone).nextRun(now) ?? undefined;
}

/** "2026-03-29 07:00 Europe/London (UTC+1)": a slot as the editor thinks of it, and unambiguous. */
export function formatSlot(slot: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(slot);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = get('timeZoneName').replace(/^GMT/, 'UTC').replace(/^UTC\+0$/, 'UTC');
  const local = `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
  return /^(Etc\/)?(UTC|GMT)$/.test(timezone) ? `${local} UTC` : `${local} ${timezone} (${offset})`;
}

/** "2 h 5 min", "40 s" */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest ? `${hours} h ${rest} min` : `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}
