import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/resolve-config.js';
import { StateError } from '../../src/errors.js';
import type { RunResult } from '../../src/pipeline/run-digest.js';
import { describeScheduleEvent, runSchedule, type ScheduleEvent } from '../../src/pipeline/run-schedule.js';
import { formatSlot, latestSlot, nextSlot, scheduleProblem } from '../../src/schedule/schedule-slots.js';
import { StateStore } from '../../src/state/state-store.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
let servers: TestSmtpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const iso = (d: Date | undefined) => d?.toISOString();

function configFor(schedule: string, timezone: string, extra: Record<string, unknown> = {}): ResolvedConfig {
  const dir = tmp.dir();
  tmp.write('digest.config.yaml', JSON.stringify({ schedule, timezone, state: 'state.sqlite', out: 'out', ...extra }));
  return loadConfig({ cwd: dir, env: {} });
}

interface Harness {
  events: ScheduleEvent[];
  /** Slots run, as ISO strings, with how late (ms) each one ran. */
  runs: { slot: string | undefined; lateMs: number; resumeOnly: boolean }[];
  clock: () => number;
}

/**
 * Runs the scheduler on a simulated clock: `sleep` moves the clock instead of waiting, `suspend`
 * makes the machine sleep through a given stretch, and `run` records the slot in the ledger as
 * runDigest would (or does what the test asks).
 */
async function simulate(
  config: ResolvedConfig,
  start: string,
  options: {
    until: string;
    suspend?: { at: string; until: string };
    run?: (slot: Date | undefined, call: number) => Promise<Partial<RunResult>> | Partial<RunResult>;
    checkEveryMs?: number;
  },
): Promise<Harness> {
  let t = Date.parse(start);
  const end = Date.parse(options.until);
  const stop = new AbortController();
  const harness: Harness = { events: [], runs: [], clock: () => t };
  let calls = 0;
  await runSchedule(config, {
    now: () => new Date(t),
    signal: stop.signal,
    checkEveryMs: options.checkEveryMs ?? 6 * 3600_000,
    busyRetryMs: 60_000,
    sleep: async (ms) => {
      t += ms;
      if (options.suspend && t >= Date.parse(options.suspend.at) && t < Date.parse(options.suspend.until)) t = Date.parse(options.suspend.until);
      if (t >= end) stop.abort();
    },
    onEvent: (event) => harness.events.push(event),
    run: async (slot, { resumeOnly }) => {
      harness.runs.push({ slot: iso(slot), lateMs: slot ? t - slot.getTime() : 0, resumeOnly });
      const custom = await options.run?.(slot, ++calls);
      if (!custom && slot) {
        const store = StateStore.open(config.statePath);
        store.recordSlot(slot.toISOString(), 'nothing-new', null, null, new Date(t).toISOString());
        store.close();
      }
      return { status: 'nothing-new', runId: null, delivery: null, ...custom } as RunResult;
    },
  });
  return harness;
}

describe('schedule slots (croner, in the config’s time zone)', () => {
  it('fires at 07:00 local time on both sides of the spring and autumn changes', () => {
    const berlin = (from: string) => iso(nextSlot('0 7 * * *', 'Europe/Berlin', new Date(from)));
    expect(berlin('2026-03-28T06:00:00Z')).toBe('2026-03-29T05:00:00.000Z'); // CEST from 29 March
    expect(berlin('2026-03-27T07:00:00Z')).toBe('2026-03-28T06:00:00.000Z'); // CET before
    expect(berlin('2026-10-24T06:00:00Z')).toBe('2026-10-25T06:00:00.000Z'); // CET again from 25 October
    const newYork = (from: string) => iso(nextSlot('0 7 * * *', 'America/New_York', new Date(from)));
    expect(newYork('2026-03-07T13:00:00Z')).toBe('2026-03-08T11:00:00.000Z'); // EDT from 8 March
    expect(newYork('2026-10-31T12:00:00Z')).toBe('2026-11-01T12:00:00.000Z'); // EST from 1 November
  });

  it('runs a time that does not exist that day once, just after the gap, and a time that happens twice once', () => {
    // 02:30 does not exist in Berlin on 29 March 2026 (02:00 → 03:00): it runs at 03:00 CEST.
    expect(iso(nextSlot('30 2 * * *', 'Europe/Berlin', new Date('2026-03-28T02:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
    // 01:30 does not exist in London on 29 March 2026: it runs at 02:00 BST.
    expect(iso(nextSlot('30 1 * * *', 'Europe/London', new Date('2026-03-28T02:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
    // 01:30 happens twice in New York on 1 November 2026: it runs on the first (EDT) only.
    const first = nextSlot('30 1 * * *', 'America/New_York', new Date('2026-10-31T12:00:00Z'))!;
    expect(iso(first)).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(nextSlot('30 1 * * *', 'America/New_York', first))).toBe('2026-11-02T06:30:00.000Z');
    // 01:30 happens twice in London on 25 October 2026: the first (BST) only.
    const london = nextSlot('30 1 * * *', 'Europe/London', new Date('2026-10-24T12:00:00Z'))!;
    expect(iso(london)).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(nextSlot('30 1 * * *', 'Europe/London', london))).toBe('2026-10-26T01:30:00.000Z');
  });

  it('finds the slot a run serves: the latest at or before now', () => {
    expect(iso(latestSlot('0 7 * * *', 'Europe/London', new Date('2026-03-29T06:00:00Z')))).toBe('2026-03-29T06:00:00.000Z');
    expect(iso(latestSlot('0 7 * * *', 'Europe/London', new Date('2026-03-29T05:59:59.600Z')))).toBe('2026-03-28T07:00:00.000Z');
    expect(formatSlot(new Date('2026-03-29T06:00:00Z'), 'Europe/London')).toBe('2026-03-29 07:00 Europe/London (UTC+1)');
  });

  it('names what is wrong with a malformed expression', () => {
    expect(scheduleProblem('0 25 * * *')).toMatch(/hour: 25/);
    expect(scheduleProblem('0 7 30 2 *')).toBe('it never fires again');
    expect(scheduleProblem('0 7 * * *')).toBeUndefined();
  });
});

describe('digest schedule (runSchedule on an injected clock)', () => {
  it('serves every day at 07:00 Berlin time across the spring change, on time, once each', async () => {
    const config = configFor('0 7 * * *', 'Europe/Berlin');
    const { runs } = await simulate(config, '2026-03-27T00:00:00Z', { until: '2026-03-31T00:00:00Z' });
    expect(runs.map((r) => r.slot)).toEqual(['2026-03-27T06:00:00.000Z', '2026-03-28T06:00:00.000Z', '2026-03-29T05:00:00.000Z', '2026-03-30T05:00:00.000Z']);
    expect(runs.every((r) => r.lateMs === 0)).toBe(true);
  });

  it('serves 07:00 New York time across the autumn change, and a twice-occurring 01:30 once', async () => {
    const seven = await simulate(configFor('0 7 * * *', 'America/New_York'), '2026-10-31T00:00:00Z', { until: '2026-11-03T00:00:00Z' });
    expect(seven.runs.map((r) => r.slot)).toEqual(['2026-10-31T11:00:00.000Z', '2026-11-01T12:00:00.000Z', '2026-11-02T12:00:00.000Z']);
    const early = await simulate(configFor('30 1 * * *', 'America/New_York'), '2026-10-31T12:00:00Z', { until: '2026-11-02T12:00:00Z' });
    expect(early.runs.map((r) => r.slot)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('serves London’s missing 01:30 at 02:00 BST, once', async () => {
    const { runs } = await simulate(configFor('30 1 * * *', 'Europe/London'), '2026-03-28T12:00:00Z', { until: '2026-03-30T12:00:00Z' });
    expect(runs.map((r) => r.slot)).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('catches up a slot the machine slept through when it wakes within the grace window', async () => {
    const config = configFor('0 7 * * *', 'Europe/London', { scheduleGraceMinutes: 120 });
    const { runs, events } = await simulate(config, '2026-01-10T06:00:00Z', {
      until: '2026-01-10T12:00:00Z',
      suspend: { at: '2026-01-10T06:59:00Z', until: '2026-01-10T08:30:00Z' },
    });
    expect(runs).toEqual([{ slot: '2026-01-10T07:00:00.000Z', lateMs: 90 * 60_000, resumeOnly: false }]);
    const due = events.find((e) => e.type === 'due')!;
    expect(describeScheduleEvent(due, config.timezone)).toBe('catching up the 2026-01-10 07:00 Europe/London (UTC) digest, missed by 1 h 30 min (within the grace window)');
  });

  it('skips and logs a slot missed by more than the grace window, and serves the next one', async () => {
    const config = configFor('0 7 * * *', 'Europe/London', { scheduleGraceMinutes: 120 });
    const { runs, events } = await simulate(config, '2026-01-10T06:00:00Z', {
      until: '2026-01-11T12:00:00Z',
      suspend: { at: '2026-01-10T06:59:00Z', until: '2026-01-10T10:00:00Z' },
    });
    expect(runs.map((r) => r.slot)).toEqual(['2026-01-11T07:00:00.000Z']);
    // Started at 06:00, the scheduler also finds the day before's 07:00 slot unserved: skipped too.
    const skipped = events.filter((e) => e.type === 'skipped');
    expect(skipped.map((e) => iso(e.slot))).toEqual(['2026-01-09T07:00:00.000Z', '2026-01-10T07:00:00.000Z']);
    expect(describeScheduleEvent(skipped[1]!, config.timezone)).toBe(
      'skipped the 2026-01-10 07:00 Europe/London (UTC) digest: missed by 3 h, more than the grace window (scheduleGraceMinutes); the next digest carries its stories',
    );
    const store = StateStore.open(config.statePath);
    expect(store.slotRecord('2026-01-10T07:00:00.000Z')).toMatchObject({ outcome: 'skipped', detail: 'missed by 3 h, more than scheduleGraceMinutes (120)' });
    store.close();
  });

  it('does not serve a slot that `digest run` (cron) or another scheduler already served', async () => {
    const config = configFor('0 7 * * *', 'UTC');
    const store = StateStore.open(config.statePath);
    store.recordSlot('2026-01-10T07:00:00.000Z', 'sent', 4, null, '2026-01-10T07:00:02.000Z');
    store.close();
    const { runs, events } = await simulate(config, '2026-01-10T07:30:00Z', { until: '2026-01-11T08:00:00Z' });
    expect(runs.map((r) => r.slot)).toEqual(['2026-01-11T07:00:00.000Z']);
    expect(describeScheduleEvent(events.find((e) => e.type === 'already-served')!, 'UTC')).toBe('2026-01-10 07:00 UTC: already served by run 4; nothing to do');
  });

  it('tries again shortly when another process holds the lock', async () => {
    const config = configFor('0 7 * * *', 'UTC');
    const { runs, events } = await simulate(config, '2026-01-10T06:59:00Z', {
      until: '2026-01-10T09:00:00Z',
      checkEveryMs: 60_000,
      run: (_slot, call) => {
        if (call === 1) throw new StateError('STATE_LOCKED', 'another digest process (pid 42) is already working with state.sqlite; this one did nothing');
        return undefined as unknown as Partial<RunResult>;
      },
    });
    expect(runs.map((r) => [r.slot, r.lateMs])).toEqual([
      ['2026-01-10T07:00:00.000Z', 0],
      ['2026-01-10T07:00:00.000Z', 60_000],
    ]);
    expect(events.some((e) => e.type === 'busy')).toBe(true);
  });

  it('keeps trying to finish a run the mail server left unfinished', async () => {
    const config = configFor('0 7 * * *', 'UTC');
    let unfinished = true;
    const store = StateStore.open(config.statePath);
    store.close();
    const { runs } = await simulate(config, '2026-01-10T06:59:00Z', {
      until: '2026-01-10T07:20:00Z',
      checkEveryMs: 60_000,
      run: (slot, call) => {
        const s = StateStore.open(config.statePath);
        if (slot) s.recordSlot(slot.toISOString(), 'sent', 1, null, slot.toISOString());
        if (call === 1) {
          // The 07:00 run could not reach the server: its recipients stay pending.
          s.transaction(() =>
            s.createRun({ kind: 'run', slot: slot!.toISOString(), startedAt: slot!.toISOString(), digestHash: 'h', subject: 's', preheader: '', html: '', text: '', marker: 'm', itemIds: [], recipients: [{ email: 'a@example.com', fields: {}, messageId: '<a>' }] }),
          );
        }
        if (call === 3) {
          s.updateDelivery(1, 'a@example.com', 'sent', slot?.toISOString() ?? '');
          s.finishRun(1, '');
          unfinished = false;
        }
        s.close();
        return { status: slot ? 'sent' : 'resumed', runId: 1 };
      },
    });
    // 07:00 the run; 07:05 and 07:10 attempts to finish it (resumeEveryMs: 5 min); then quiet.
    expect(runs.map((r) => [r.slot ?? 'resume', r.resumeOnly])).toEqual([
      ['2026-01-10T07:00:00.000Z', false],
      ['resume', true],
      ['resume', true],
    ]);
    expect(unfinished).toBe(false);
  });

  it('runs the real job at its slot: the digest goes out once and the run records the slot', async () => {
    const smtp = await startSmtpServer();
    servers.push(smtp);
    const dir = tmp.dir();
    tmp.write('digest.config.yaml', 'schedule: "0 7 * * *"\ntimezone: Europe/London\nstate: state.sqlite\nout: out\ndelivery:\n  rateLimit: 0\nrecipients: [a@example.com, b@example.com]\nfeeds:\n  - url: ' + path.resolve('feeds/world-news.rss.xml') + '\n    maxAgeDays: 0\n');
    const config = loadConfig({ cwd: dir, env: { SMTP_URL: smtp.url } });
    let t = Date.parse('2026-12-01T05:59:30Z');
    const stop = new AbortController();
    const events: ScheduleEvent[] = [];
    await runSchedule(config, {
      now: () => new Date(t),
      signal: stop.signal,
      checkEveryMs: 6 * 3600_000,
      sleep: async (ms) => {
        t += ms;
        if (t > Date.parse('2026-12-02T12:00:00Z')) stop.abort();
      },
      onEvent: (event) => events.push(event),
    });
    const served = events.filter((e) => e.type === 'served');
    expect(served.map((e) => [iso(e.slot), e.result.status])).toEqual([
      ['2026-12-01T07:00:00.000Z', 'sent'],
      ['2026-12-02T07:00:00.000Z', 'nothing-new'],
    ]);
    expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(['a@example.com', 'b@example.com']);
    const store = StateStore.open(config.statePath);
    expect(store.listRuns().map((r) => [r.slot, r.status])).toEqual([['2026-12-01T07:00:00.000Z', 'done']]);
    expect(store.slotRecord('2026-12-02T07:00:00.000Z')).toMatchObject({ outcome: 'nothing-new' });
    store.close();
  });
});
