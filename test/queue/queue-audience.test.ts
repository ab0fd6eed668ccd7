import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { retryRun } from '../../src/pipeline/retry-run.js';
import { runDigest } from '../../src/pipeline/run-digest.js';
import { runWorker } from '../../src/queue/run-worker.js';
import { StateStore } from '../../src/state/state-store.js';
import { TokenSigner } from '../../src/tokens/tokens.js';
import { useRedisPerFile } from '../support/redis.js';
import { startSmtpServer, type ReceivedMessage, type TestSmtpServer } from '../support/smtp.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

/**
 * A run through the delivery queue reaches readers as a run that sends itself does: suppressed and
 * paused readers are left out, a reader who chose sections gets those, links are signed, and the
 * envelope sender names run and reader for bounces.
 */

const tmp = useTempDir();
const { redis, closeAfterTest } = useRedisPerFile();

const SECRET = 'test-secret-test-secret-test-secret-0123';
const BASE = 'https://digest.example.org';
const FEEDS = [
  { url: path.join(REPO_ROOT, 'feeds/world-news.rss.xml'), name: 'World Desk', section: 'World' },
  { url: path.join(REPO_ROOT, 'feeds/science-notes.atom.xml'), name: 'Science Notes', section: 'Science' },
];
const NOW = () => new Date('2026-11-28T07:00:05Z');

async function smtp(behaviour: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const server = await startSmtpServer(behaviour);
  closeAfterTest(() => server.close());
  return server;
}

function config(smtpUrl: string) {
  tmp.write(
    'digest.config.yaml',
    JSON.stringify({
      feeds: FEEDS,
      recipients: ['ada@example.com', { email: 'bob@example.com', name: 'Bob' }, 'cat@example.com', 'eve@example.com'],
      from: 'Digest <digest@news.example>',
      state: 'state.sqlite',
      out: 'out',
      web: { baseUrl: BASE },
      delivery: { queue: redis().url, rateLimit: 0, attempts: 1, takeoverSeconds: 30, bounceAddress: 'bounces@news.example' },
    }),
  );
  return loadConfig({ cwd: tmp.dir(), env: { SMTP_URL: smtpUrl, DIGEST_SECRET: SECRET } });
}

function startWorker(cfg: ReturnType<typeof config>): void {
  const stop = new AbortController();
  const done = runWorker(cfg, { signal: stop.signal, relayRetryMs: 100, relayRetryMaxMs: 400 });
  closeAfterTest(() => {
    stop.abort();
    return done.catch(() => undefined);
  });
}

const to = (m: ReceivedMessage) => m.envelopeTo[0]!;

describe('a queued run reaches the readers a run that sends itself reaches', { timeout: 120_000 }, () => {
  it('a worker without DIGEST_SECRET refuses to start when the emails carry signed reader links', async () => {
    tmp.write(
      'digest.config.yaml',
      JSON.stringify({ feeds: FEEDS, recipients: ['ada@example.com'], from: 'Digest <digest@news.example>', state: 'state.sqlite', web: { baseUrl: BASE }, delivery: { queue: redis().url } }),
    );
    const cfg = loadConfig({ cwd: tmp.dir(), env: { SMTP_URL: 'smtp://127.0.0.1:2525', DIGEST_SECRET: '' } });
    await expect(runWorker(cfg, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'CONFIG_SECRET_MISSING' });
  });

  it('leaves out the suppressed and the paused, sends chosen sections, signs links and the envelope sender', async () => {
    const server = await smtp();
    const cfg = config(server.url);
    const store = StateStore.open(cfg.statePath);
    const now = NOW().toISOString();
    store.suppress('eve@example.com', 'hard-bounce', 'bounces');
    store.setPreferences('cat@example.com', { pausedUntil: '2026-12-12T00:00:00Z' }, now);
    store.setPreferences('bob@example.com', { sections: ['Science'] }, now);
    store.close();
    startWorker(cfg);

    const result = await runDigest(cfg, { now: NOW });
    expect(result.delivery).toMatchObject({ sent: 2, pending: 0, queue: expect.stringMatching(/^digest@redis:/) });
    expect(server.messages.map(to).sort()).toEqual(['ada@example.com', 'bob@example.com']);
    const bob = server.messages.find((m) => to(m) === 'bob@example.com')!;
    const ada = server.messages.find((m) => to(m) === 'ada@example.com')!;
    // Bob chose Science only: the worker sent him the run's variant with that section, not the full digest.
    expect(String(bob.parsed.html)).toContain('>Science<');
    expect(String(bob.parsed.html)).not.toContain('>World<');
    expect(String(ada.parsed.html)).toContain('>World<');

    const signer = new TokenSigner(SECRET);
    for (const message of server.messages) {
      // The envelope sender names run and reader (VERP), not the reader's address.
      expect(message.envelopeFrom).toMatch(new RegExp(`^bounces\\+${result.runId}-[a-z0-9]+@news\\.example$`));
      expect(message.envelopeFrom).not.toContain(to(message).split('@')[0]!);
      // Signed one-click unsubscribe link for that reader.
      const head = message.raw.toString().split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
      const url = /^List-Unsubscribe: .*?<(https:[^>]+)>/im.exec(head)?.[1];
      expect(url?.startsWith(`${BASE}/unsubscribe?t=`)).toBe(true);
      expect(signer.verify(new URL(url!).searchParams.get('t'), 'unsubscribe')).toMatchObject({ status: 'ok', claims: { email: to(message) } });
    }
  });

  it('honours a suppression recorded after the run started: `digest runs retry` through the queue skips that reader', async () => {
    let busy = true;
    const server = await smtp({ rejectRecipient: (address) => (address === 'ada@example.com' && busy ? { code: 452, message: 'Mailbox full' } : undefined) });
    const cfg = config(server.url);
    startWorker(cfg);
    const first = await runDigest(cfg, { now: NOW });
    expect(first.delivery).toMatchObject({ sent: 3, failedTemporary: 1 });

    busy = false;
    const store = StateStore.open(cfg.statePath);
    store.suppress('ada@example.com', 'complaint', 'bounces');
    store.close();
    const retry = await retryRun(cfg, first.runId!, { now: NOW });
    expect(retry).toMatchObject({ requeued: 1, delivery: { sent: 0, suppressed: 1 } });
    expect(server.messages.filter((m) => to(m) === 'ada@example.com')).toHaveLength(0);
    const reopened = StateStore.open(cfg.statePath);
    expect(reopened.deliveries(first.runId!).find((d) => d.recipient === 'ada@example.com')?.status).toBe('suppressed');
    reopened.close();
  });
});
