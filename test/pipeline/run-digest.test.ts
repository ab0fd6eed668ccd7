import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { runDigest } from '../../src/pipeline/run-digest.js';
import { StateStore } from '../../src/state/state-store.js';
import { closedPort, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
let servers: TestSmtpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const FEED = path.join(REPO_ROOT, 'feeds/world-news.rss.xml');
const day = (n: number) => () => new Date(`2026-11-${String(27 + n).padStart(2, '0')}T07:00:05Z`);

function config(recipients: string[], smtpUrl: string) {
  tmp.write('digest.config.yaml', JSON.stringify({ feeds: [FEED], recipients, state: 'state.sqlite', out: 'out', delivery: { rateLimit: 0, attempts: 1 } }));
  return loadConfig({ cwd: tmp.dir(), env: { SMTP_URL: smtpUrl } });
}

async function smtp(behaviour: Parameters<typeof startSmtpServer>[0] = {}) {
  const server = await startSmtpServer(behaviour);
  servers.push(server);
  return server;
}

describe('runDigest and the ledger', () => {
  it('offers the items of a digest that reached nobody again in the next run', async () => {
    const refusing = await smtp({ rejectRecipient: () => ({ code: 550, message: 'No such user' }) });
    const first = await runDigest(config(['gone@example.com'], refusing.url), { now: day(0) });
    expect(first).toMatchObject({ status: 'sent', slot: '2026-11-27T07:00:00.000Z', delivery: { sent: 0, failedPermanent: 1 } });
    expect(first.items).toBeGreaterThan(0);

    const accepting = await smtp();
    const second = await runDigest(config(['reader@example.com'], accepting.url), { now: day(1) });
    expect(second).toMatchObject({ status: 'sent', slot: '2026-11-28T07:00:00.000Z', items: first.items, delivery: { sent: 1 } });
    expect(second.digest!.items.map((i) => i.id)).toEqual(first.digest!.items.map((i) => i.id));

    // Delivered now: the day after there is nothing new.
    const third = await runDigest(config(['reader@example.com'], accepting.url), { now: day(2) });
    expect(third.status).toBe('nothing-new');
  });

  it('finishes a run an outage left pending before building the next slot’s digest', async () => {
    const down = `smtp://127.0.0.1:${await closedPort()}`;
    const first = await runDigest(config(['a@example.com', 'b@example.com'], down), { now: day(0), retryDelayMs: 1 });
    expect(first.delivery).toMatchObject({ sent: 0, pending: 2 });

    // Same slot: the rerun only finishes run 1.
    const up = await smtp();
    const again = await runDigest(config(['a@example.com', 'b@example.com'], `smtp://127.0.0.1:${await closedPort()}`), { now: day(0), retryDelayMs: 1 });
    expect(again).toMatchObject({ status: 'resumed', runId: 1, delivery: { pending: 2 } });

    // Next day, server back: run 1 is finished first, then today's digest is built (nothing new).
    const next = await runDigest(config(['a@example.com', 'b@example.com'], up.url), { now: day(1) });
    expect(next).toMatchObject({ status: 'nothing-new', slot: '2026-11-28T07:00:00.000Z', resumed: { runId: 1, slot: '2026-11-27T07:00:00.000Z', delivery: { sent: 2, pending: 0 } } });
    expect(up.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(['a@example.com', 'b@example.com']);
    const store = StateStore.open(path.join(tmp.dir(), 'state.sqlite'));
    expect(store.slotRecord('2026-11-28T07:00:00.000Z')).toMatchObject({ outcome: 'nothing-new' });
    expect(store.getRun(1)).toMatchObject({ status: 'done', slot: '2026-11-27T07:00:00.000Z' });
    store.close();
  });

  it('with onlyUnservedSlot, serves a slot once', async () => {
    const server = await smtp();
    const cfg = config(['a@example.com'], server.url);
    expect((await runDigest(cfg, { now: day(0), onlyUnservedSlot: true })).status).toBe('sent');
    expect((await runDigest(cfg, { now: day(0), onlyUnservedSlot: true })).status).toBe('already-served');
    expect(server.messages).toHaveLength(1);
  });
});
