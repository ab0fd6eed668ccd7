import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { retryRun } from '../../src/pipeline/retry-run.js';
import { runDigest, sendTestDigest } from '../../src/pipeline/run-digest.js';
import { StateStore } from '../../src/state/state-store.js';
import { TokenSigner } from '../../src/tokens/tokens.js';
import { startSmtpServer, type ReceivedMessage, type TestSmtpServer } from '../support/smtp.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
let servers: TestSmtpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const SECRET = 'test-secret-test-secret-test-secret-0123';
const BASE = 'https://digest.example.org';
const FEEDS = [
  { url: path.join(REPO_ROOT, 'feeds/world-news.rss.xml'), name: 'World Desk', section: 'World' },
  { url: path.join(REPO_ROOT, 'feeds/science-notes.atom.xml'), name: 'Science Notes', section: 'Science' },
  { url: path.join(REPO_ROOT, 'feeds/city-culture.json'), name: 'City & Culture', section: 'Culture' },
];
const NOW = () => new Date('2026-11-28T07:00:05Z');

async function smtp(behaviour: Parameters<typeof startSmtpServer>[0] = {}) {
  const server = await startSmtpServer(behaviour);
  servers.push(server);
  return server;
}

function config(smtpUrl: string, extra: Record<string, unknown> = {}, env: Record<string, string> = { DIGEST_SECRET: SECRET }) {
  tmp.write(
    'digest.config.yaml',
    JSON.stringify({
      feeds: FEEDS,
      recipients: ['ada@example.com', { email: 'bob@example.com', name: 'Bob' }, 'cat@example.com'],
      state: 'state.sqlite',
      out: 'out',
      web: { baseUrl: BASE },
      delivery: { rateLimit: 0, attempts: 1 },
      ...extra,
    }),
  );
  return loadConfig({ cwd: tmp.dir(), env: { SMTP_URL: smtpUrl, ...env } });
}

function byRecipient(messages: ReceivedMessage[]): Map<string, ReceivedMessage> {
  return new Map(messages.map((m) => [m.envelopeTo[0]!, m]));
}

/** A header as it is on the wire (unfolded). */
function header(message: ReceivedMessage, name: string): string {
  const unfolded = message.raw.toString().split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: (.+?)\\r?$`, 'im').exec(unfolded)?.[1] ?? '';
}

describe('a run reaches readers = recipients ∪ confirmed subscribers − suppressed − paused', () => {
  it('skips the suppressed and the paused, adds confirmed subscribers, and gives each reader their sections, rendered once per choice', async () => {
    const server = await smtp();
    const cfg = config(server.url);
    const store = StateStore.open(cfg.statePath);
    const now = NOW().toISOString();
    store.upsertSubscriber({ email: 'dan@example.com', name: 'Dan', status: 'confirmed', source: 'web' }, now);
    store.upsertSubscriber({ email: 'pending@example.com', status: 'pending', source: 'web' }, now);
    store.upsertSubscriber({ email: 'eve@example.com', status: 'confirmed', source: 'web' }, now);
    store.upsertSubscriber({ email: 'fay@example.com', status: 'confirmed', source: 'import' }, now);
    store.upsertSubscriber({ email: 'gus@example.com', status: 'confirmed', source: 'import' }, now);
    store.suppress('eve@example.com', 'hard-bounce', 'bounces');
    store.setPreferences('bob@example.com', { sections: ['World'] }, now);
    store.setPreferences('fay@example.com', { sections: ['Science', 'World'] }, now);
    store.setPreferences('gus@example.com', { sections: ['World'] }, now);
    store.setPreferences('cat@example.com', { pausedUntil: '2026-12-12T00:00:00Z' }, now);
    // A choice of sections that are all in the digest is the full digest.
    store.setPreferences('dan@example.com', { sections: ['World', 'Science', 'Culture'] }, now);
    store.close();

    const result = await runDigest(cfg, { now: NOW });
    expect(result.status).toBe('sent');
    expect(result.readers).toEqual({ count: 5, variants: 2, excluded: { 'hard-bounce': 1, paused: 1 } });
    const received = byRecipient(server.messages);
    expect([...received.keys()].sort()).toEqual(['ada@example.com', 'bob@example.com', 'dan@example.com', 'fay@example.com', 'gus@example.com']);

    const sectionsOf = (to: string) => ['World', 'Science', 'Culture'].filter((name) => received.get(to)!.parsed.text!.includes(`${name.toUpperCase()}`) || received.get(to)!.parsed.html!.toString().includes(`>${name}<`));
    expect(sectionsOf('ada@example.com')).toEqual(['World', 'Science', 'Culture']);
    expect(sectionsOf('dan@example.com')).toEqual(['World', 'Science', 'Culture']);
    expect(sectionsOf('bob@example.com')).toEqual(['World']);
    expect(sectionsOf('gus@example.com')).toEqual(['World']);
    expect(sectionsOf('fay@example.com')).toEqual(['World', 'Science']);
    // bob and gus share one rendering: the same HTML but for their own links and addresses.
    const bare = (to: string) => String(received.get(to)!.parsed.html).replace(/t=[\w-]+/g, 't=').replaceAll(to, 'X').replace(/Bob|Gus/g, 'N');
    expect(bare('bob@example.com')).toBe(bare('gus@example.com'));

    const reopened = StateStore.open(cfg.statePath);
    expect(reopened.deliveries(result.runId!).map((d) => [d.recipient, d.variant])).toEqual([
      ['ada@example.com', null],
      ['bob@example.com', '["World"]'],
      ['dan@example.com', null],
      ['fay@example.com', '["Science","World"]'],
      ['gus@example.com', '["World"]'],
    ]);
    reopened.close();
  });

  it('a reader’s copy of their sections keeps the lead first: the preheader names their own stories, and the counts include the lead', async () => {
    const server = await smtp();
    const cfg = config(server.url);
    const store = StateStore.open(cfg.statePath);
    store.setPreferences('bob@example.com', { sections: ['World'] }, NOW().toISOString());
    store.close();
    const result = await runDigest(cfg, { now: NOW });
    const digest = result.digest!;
    const world = digest.sections.find((section) => section.name === 'World')!.items;
    expect(digest.lead).not.toBeNull();
    expect(world.length).toBeGreaterThan(1);
    const bob = byRecipient(server.messages).get('bob@example.com')!;
    // The preheader lists the headlines after the lead: for bob, the World stories.
    const preheader = /<div[^>]*display:none[^>]*>([^<]*)/.exec(String(bob.parsed.html))?.[1] ?? '';
    expect(preheader).toContain(world[0]!.headline.slice(0, 20));
    expect(String(bob.parsed.html)).toContain(digest.lead!.headline.slice(0, 20));
    const reopened = StateStore.open(cfg.statePath);
    try {
      expect(reopened.runVariant(result.runId!, '["World"]')!.itemCount).toBe(1 + world.length);
    } finally {
      reopened.close();
    }
  });

  it('a reader’s copy of their sections names only their sections’ left-out stories under "More from"', async () => {
    const server = await smtp();
    // Two stories a feed: every feed has more, listed under "More from <feed>".
    const cfg = config(server.url, { limits: { perFeed: 2 } });
    const store = StateStore.open(cfg.statePath);
    store.setPreferences('bob@example.com', { sections: ['World'] }, NOW().toISOString());
    store.close();
    const result = await runDigest(cfg, { now: NOW });
    const listed = new Set(result.digest!.leftOut.filter((story) => story.listed).map((story) => story.feed));
    expect([...listed].sort()).toEqual(['City & Culture', 'Science Notes', 'World Desk']);
    const received = byRecipient(server.messages);
    const moreFrom = (to: string) => [...String(received.get(to)!.parsed.html).matchAll(/More from ([^:<]+):/g)].map((m) => m[1]!.replace(/&amp;/g, '&')).sort();
    expect(moreFrom('ada@example.com')).toEqual(['City & Culture', 'Science Notes', 'World Desk']);
    expect(moreFrom('bob@example.com')).toEqual(['World Desk']);
  });

  it('carries signed one-click unsubscribe and preferences links, never the address, and links the issue’s archive page', async () => {
    const server = await smtp();
    const cfg = config(server.url, { unsubscribeMailto: 'leave@example.org' });
    const result = await runDigest(cfg, { now: NOW });
    const signer = new TokenSigner(SECRET);
    for (const message of server.messages) {
      const to = message.envelopeTo[0]!;
      const listUnsubscribe = header(message, 'list-unsubscribe');
      const url = /<(https:[^>]+)>/.exec(listUnsubscribe)![1]!;
      expect(url.startsWith(`${BASE}/unsubscribe?t=`)).toBe(true);
      expect(listUnsubscribe).toContain('<mailto:leave@example.org>');
      expect(header(message, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const token = new URL(url).searchParams.get('t');
      expect(signer.verify(token, 'unsubscribe')).toMatchObject({ status: 'ok', claims: { email: to } });
      // The address is in no link of the message.
      const html = String(message.parsed.html);
      const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
      for (const link of links) expect(decodeURIComponent(link)).not.toContain(to);
      expect(message.parsed.text).not.toMatch(new RegExp(`https?://\\S*${to.replace('.', '\\.')}`));
      const preferences = links.find((l) => l.startsWith(`${BASE}/preferences?t=`))!;
      expect(signer.verify(new URL(preferences.replace(/&amp;/g, '&')).searchParams.get('t'), 'preferences')).toMatchObject({ status: 'ok', claims: { email: to } });
      expect(links).toContain(`${BASE}/archive/${result.runId}/`);
      expect(message.parsed.text).toContain(`${BASE}/archive/${result.runId}/`);
    }
    expect(server.messages).toHaveLength(3);
  });

  it('links "N more stories" to the issue’s archive page, which has all of them', async () => {
    const server = await smtp();
    const cfg = config(server.url, { maxHtmlKilobytes: 14 });
    const result = await runDigest(cfg, { now: NOW });
    // result.digest is the email as sent; the stories the size budget left out are in its leftOut.
    const leftOut = result.digest!.leftOut.filter((story) => story.reason === 'size-budget');
    expect(leftOut.length).toBeGreaterThan(0);
    for (const item of leftOut) expect(String(server.messages[0]!.parsed.html)).not.toContain(item.headline.slice(0, 30));
    const html = String(server.messages[0]!.parsed.html);
    expect(html).toContain('did not fit in this email');
    expect(html).toContain(`href="${BASE}/archive/${result.runId}/"`);
    const store = StateStore.open(cfg.statePath);
    try {
      expect(store.runVariant(result.runId!, 'web')!.itemCount).toBe(result.digest!.items.length + leftOut.length);
      const { archiveIssuePage } = await import('../../src/web/archive.js');
      const { siteFrom } = await import('../../src/web/layout.js');
      const page = archiveIssuePage(siteFrom(cfg), store, result.runId!)!;
      for (const item of leftOut) expect(page).toContain(item.headline.slice(0, 30).replace(/&/g, '&amp;').replace(/'/g, '&#39;'));
    } finally {
      store.close();
    }
  });

  it('honours a suppression recorded after the run started: a resumed run and runs retry skip that reader', async () => {
    const server = await smtp({ rejectRecipient: (address, attempt) => (address === 'bob@example.com' && attempt === 1 ? { code: 451, message: 'try later' } : undefined) });
    const cfg = config(server.url);
    const first = await runDigest(cfg, { now: NOW });
    expect(first.delivery).toMatchObject({ sent: 2, failedTemporary: 1 });
    const store = StateStore.open(cfg.statePath);
    store.suppress('bob@example.com', 'unsubscribed', 'one-click');
    store.close();
    const retry = await retryRun(cfg, first.runId!, { now: NOW });
    expect(retry).toMatchObject({ requeued: 1, status: 'done', delivery: { sent: 0, suppressed: 1 } });
    expect(server.messages.map((m) => m.envelopeTo[0])).not.toContain('bob@example.com');
    const reopened = StateStore.open(cfg.statePath);
    expect(reopened.deliveries(first.runId!).find((d) => d.recipient === 'bob@example.com')).toMatchObject({ status: 'suppressed', lastError: 'unsubscribed' });
    reopened.close();
  });

  it('refuses to send for real without DIGEST_SECRET, before anything is recorded; the outbox works with a warning', async () => {
    const server = await smtp();
    const cfg = config(server.url, {}, {});
    await expect(runDigest(cfg, { now: NOW })).rejects.toMatchObject({ code: 'CONFIG_SECRET_MISSING', message: expect.stringMatching(/DIGEST_SECRET is not set: nothing was sent/) });
    expect(server.messages).toHaveLength(0);
    const store = StateStore.open(cfg.statePath);
    expect(store.listRuns()).toEqual([]);
    store.close();
    await expect(sendTestDigest(cfg, 'ada@example.com', { now: NOW })).rejects.toMatchObject({ code: 'CONFIG_SECRET_MISSING' });

    const outbox = loadConfig({ cwd: tmp.dir(), env: {} });
    expect(outbox.transport).toBe('outbox');
    const result = await runDigest(outbox, { now: NOW });
    // Written to the outbox, not sent: nobody was emailed.
    expect(result.delivery).toMatchObject({ kind: 'outbox', sent: 0, written: 3 });
    expect(result.warnings.join('\n')).toMatch(/DIGEST_SECRET is not set: the unsubscribe and preferences links in these messages are signed with a throwaway key/);
  });

  it('test sends honour suppression and pause, and give a reader their sections', async () => {
    const server = await smtp();
    const cfg = config(server.url);
    const store = StateStore.open(cfg.statePath);
    store.suppress('ada@example.com', 'complaint', 'webhook');
    store.setPreferences('cat@example.com', { pausedUntil: '2026-12-12T00:00:00Z' }, NOW().toISOString());
    store.setPreferences('bob@example.com', { sections: ['Science'] }, NOW().toISOString());
    store.close();
    await expect(sendTestDigest(cfg, 'ADA@example.com', { now: NOW })).rejects.toMatchObject({ code: 'RECIPIENT_SUPPRESSED', message: 'ADA@example.com is suppressed (complaint): no test digest was sent' });
    await expect(sendTestDigest(cfg, 'cat@example.com', { now: NOW })).rejects.toMatchObject({ message: expect.stringMatching(/cat@example.com paused the digest until 2026-12-12/) });
    await sendTestDigest(cfg, 'bob@example.com', { now: NOW });
    expect(server.messages).toHaveLength(1);
    const html = String(server.messages[0]!.parsed.html);
    expect(html).toContain('>Science<');
    expect(html).not.toContain('>World<');
  });
});
