import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import Parser from 'rss-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/resolve-config.js';
import { runDigest } from '../../src/pipeline/run-digest.js';
import { StateStore } from '../../src/state/state-store.js';
import { TokenSigner } from '../../src/tokens/tokens.js';
import { startWebServer, type WebServer } from '../../src/web/web-server.js';
import { startSmtpServer, type ReceivedMessage, type TestSmtpServer } from '../support/smtp.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
const SECRET = 'web-test-secret-web-test-secret-0123456';
const HOOK = 'hook-secret-hook-secret-hook-secret';
const BASE = 'https://digest.example.org';
const NOW = () => new Date('2026-11-28T07:00:05Z');
const signer = new TokenSigner(SECRET);

let smtp: TestSmtpServer;
let web: WebServer | undefined;
let config: ResolvedConfig;
let log: string[];

function writeConfig(extra: Record<string, unknown> = {}, env: Record<string, string> = {}): ResolvedConfig {
  tmp.write(
    'digest.config.yaml',
    JSON.stringify({
      title: 'The <Morning> & Co',
      tagline: 'Stories worth your time',
      feeds: [
        { url: path.join(REPO_ROOT, 'feeds/world-news.rss.xml'), name: 'World Desk', section: 'World' },
        { url: path.join(REPO_ROOT, 'feeds/science-notes.atom.xml'), name: 'Science Notes', section: 'Science' },
        { url: path.join(REPO_ROOT, 'feeds/city-culture.json'), name: 'City & Culture', section: 'Culture' },
      ],
      recipients: [{ email: 'ada@example.com', name: 'Ada Lovelace' }, "o'neil&co@example.com"],
      state: 'state.sqlite',
      out: 'out',
      web: { baseUrl: BASE, requestsPerClient: 6, confirmationsPerAddress: 2, ...((extra.web as object) ?? {}) },
      delivery: { rateLimit: 0, attempts: 1 },
      ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'web')),
    }),
  );
  return loadConfig({ cwd: tmp.dir(), env: { SMTP_URL: smtp.url, DIGEST_SECRET: SECRET, DIGEST_WEBHOOK_SECRET: HOOK, ...env } });
}

async function startWeb(cfg: ResolvedConfig = config): Promise<WebServer> {
  web = await startWebServer(cfg, { port: 0, now: NOW, onLog: (line) => log.push(line) });
  return web;
}

/** A link from an email, pointed at the test server instead of the public address. */
function local(link: string): string {
  return link.replace(BASE, web!.url.replace(/\/$/, ''));
}

function get(pathOrUrl: string, init: RequestInit = {}): Promise<Response> {
  return fetch(pathOrUrl.startsWith('http') ? pathOrUrl : new URL(pathOrUrl, web!.url), { redirect: 'manual', ...init });
}

/** A GET with the path exactly as given (fetch would resolve dot segments first). */
function rawGet(target: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(web!.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: target, method: 'GET' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

function post(pathOrUrl: string, body: string | URLSearchParams, init: RequestInit = {}): Promise<Response> {
  return get(pathOrUrl, {
    method: 'POST',
    body,
    ...init,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(init.headers as Record<string, string> | undefined) },
  });
}

function state<T>(read: (store: StateStore) => T): T {
  const store = StateStore.open(config.statePath);
  try {
    return read(store);
  } finally {
    store.close();
  }
}

/** Everything GETs could change, to compare before and after. */
function snapshot() {
  return state((store) => ({
    suppressions: store.listSuppressions(),
    subscribers: store.listSubscribers({ all: true }),
    preferences: [...store.allPreferences()],
  }));
}

function linksIn(message: ReceivedMessage): string[] {
  return [...String(message.parsed.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

async function waitForMail(count: number): Promise<void> {
  await web!.idle();
  for (let i = 0; i < 100 && smtp.messages.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(smtp.messages).toHaveLength(count);
}

beforeEach(async () => {
  smtp = await startSmtpServer();
  log = [];
  config = writeConfig();
});
afterEach(async () => {
  await web?.close();
  web = undefined;
  await smtp.close();
});

describe('digest web: unsubscribe', () => {
  it('GET shows a confirmation and changes nothing; the one-click POST unsubscribes at once; the next run leaves the reader out', async () => {
    const run = await runDigest(config, { now: NOW });
    expect(run.delivery?.sent).toBe(2);
    const mail = smtp.messages.find((m) => m.envelopeTo[0] === 'ada@example.com')!;
    const unsubscribe = /<(https:[^>]+)>/.exec(mail.raw.toString().replace(/\r?\n[ \t]+/g, ' ').match(/^List-Unsubscribe: (.+)$/m)![1]!)![1]!;
    await startWeb();

    const before = snapshot();
    for (let i = 0; i < 3; i++) {
      const page = await get(local(unsubscribe));
      expect(page.status).toBe(200);
      const body = await page.text();
      expect(body).toContain('<strong>ada@example.com</strong> will get no more emails');
      expect(body).toContain('name="List-Unsubscribe" value="One-Click"');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
    expect((await get(local(unsubscribe), { method: 'HEAD' })).status).toBe(200);
    expect(snapshot()).toEqual(before);

    // RFC 8058: what a mailbox provider sends. No cookie, no second step.
    const oneClick = await post(local(unsubscribe), 'List-Unsubscribe=One-Click');
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain('<p>Unsubscribed.</p>');
    expect(state((s) => s.suppression('ada@example.com'))).toMatchObject({ reason: 'unsubscribed', source: 'one-click' });
    expect(log).toContain('unsubscribed: ada@example.com (one-click)');
    // Again: idempotent, same answer.
    expect((await post(local(unsubscribe), 'List-Unsubscribe=One-Click')).status).toBe(200);
    expect(state((s) => s.listSuppressions())).toHaveLength(1);

    // multipart/form-data is allowed by RFC 8058 too.
    const other = `${BASE}/unsubscribe?t=${signer.sign('unsubscribe', "o'neil&co@example.com")}`;
    const boundary = '----x7';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const viaMultipart = await post(local(other), multipart, { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(viaMultipart.status).toBe(200);
    expect(state((s) => s.suppression("o'neil&co@example.com"))).toMatchObject({ reason: 'unsubscribed', source: 'one-click' });
    // The page says so, the address escaped.
    expect(await (await get(local(other))).text()).toContain('<strong>o&#39;neil&amp;co@example.com</strong> gets no more emails');

    // The next run has nobody left to send to, and says why.
    smtp.messages.length = 0;
    tmp.write('feeds/extra.json', JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Extra', items: [{ id: 'x1', url: 'https://extra.example/1', title: 'A brand new story', content_text: 'Something happened today in the town.', date_published: '2026-11-28T06:00:00Z' }] }));
    const next = writeConfig({ feeds: [{ url: path.join(tmp.dir(), 'feeds/extra.json') }] });
    const second = await runDigest(next, { now: () => new Date('2026-11-29T07:00:05Z') });
    expect(second.readers).toMatchObject({ count: 0, excluded: { unsubscribed: 2 } });
    expect(smtp.messages).toHaveLength(0);
  });

  it('the page’s button unsubscribes the same way; a POST without the one-click field changes nothing', async () => {
    await startWeb();
    const link = `/unsubscribe?t=${signer.sign('unsubscribe', 'ada@example.com')}`;
    const form = await (await get(link)).text();
    const action = /<form method="post" action="([^"]+)"/.exec(form)![1]!.replace(/&amp;/g, '&');
    expect((await post(action, 'nothing=here')).status).toBe(400);
    expect(state((s) => s.isSuppressed('ada@example.com'))).toBe(false);
    const fields = new URLSearchParams([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]+)">/g)].map((m) => [m[1]!, m[2]!]));
    const done = await post(`/${action}`, fields);
    expect(done.status).toBe(200);
    expect(state((s) => s.suppression('ada@example.com'))).toMatchObject({ reason: 'unsubscribed', source: 'web' });
    // Straight after, the same GET says so.
    expect(await (await get(link)).text()).toContain('You are unsubscribed');
  });

  it('forged, altered, truncated, expired-purpose and missing tokens: 4xx, the same page, nothing changed', async () => {
    await startWeb();
    const real = signer.sign('unsubscribe', 'ada@example.com');
    const raw = Buffer.from(real, 'base64url');
    const flipped = Buffer.from(raw);
    flipped[20]! ^= 4;
    const forged = [
      new TokenSigner('another-secret-another-secret-another').sign('unsubscribe', 'ada@example.com'),
      flipped.toString('base64url'),
      real.slice(0, -4),
      `${real}AAAA`,
      signer.sign('preferences', 'ada@example.com'),
      signer.sign('confirm', 'ada@example.com'),
      Buffer.from('ada@example.com').toString('base64url'),
      'ada%40example.com',
      '<script>alert(1)</script>',
      'x'.repeat(4000),
    ];
    const bodies = new Set<string>();
    for (const token of forged) {
      const url = `/unsubscribe?t=${encodeURIComponent(token)}`;
      const shown = await get(url);
      const posted = await post(url, 'List-Unsubscribe=One-Click');
      expect(shown.status).toBe(400);
      expect(posted.status).toBe(400);
      bodies.add(await shown.text());
      bodies.add(await posted.text());
    }
    // One answer for every kind of bad token: nothing says which part was wrong.
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).not.toContain('script');
    expect((await post('/preferences?t=bad', 'action=leave')).status).toBe(400);
    expect((await post('/confirm?t=bad', '')).status).toBe(400);
    expect(state((s) => s.listSuppressions())).toEqual([]);
    // No token at all: a page saying where the personal link is.
    const bare = await get('/unsubscribe');
    expect(bare.status).toBe(200);
    expect(await bare.text()).toContain('at the bottom of every email');
    expect((await post('/unsubscribe', 'List-Unsubscribe=One-Click')).status).toBe(400);
  });
});

describe('digest web: subscribe with double opt-in', () => {
  it('sends a confirmation email through the configured transport; GET on the link changes nothing, POST joins; the next run includes the subscriber', async () => {
    await startWeb();
    const form = await get('/subscribe');
    expect(await form.text()).toContain('<form method="post" action="subscribe">');
    const reply = await post('/subscribe', new URLSearchParams({ email: 'new.reader@example.net', name: 'New <Reader>' }));
    expect(reply.status).toBe(200);
    const replyText = await reply.text();
    expect(replyText).toContain('If <strong>new.reader@example.net</strong> can get The &lt;Morning&gt; &amp; Co, an email is on its way');
    await waitForMail(1);
    const confirmation = smtp.messages[0]!;
    expect(confirmation.envelopeTo).toEqual(['new.reader@example.net']);
    expect(confirmation.parsed.subject).toBe('Confirm your subscription to The <Morning> & Co');
    const link = linksIn(confirmation).find((l) => l.startsWith(`${BASE}/confirm?t=`))!;
    expect(confirmation.parsed.text).toContain(link);
    expect(decodeURIComponent(link)).not.toContain('new.reader');
    expect(state((s) => s.subscriber('new.reader@example.net'))).toMatchObject({ status: 'pending', name: 'New <Reader>' });

    const before = snapshot();
    const page = await get(local(link));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Send The &lt;Morning&gt; &amp; Co to <strong>new.reader@example.net</strong>?');
    expect(snapshot()).toEqual(before);

    const joined = await post(local(link), '');
    expect(joined.status).toBe(200);
    expect(await joined.text()).toContain('You are subscribed');
    expect(state((s) => s.subscriber('new.reader@example.net'))).toMatchObject({ status: 'confirmed', source: 'web', name: 'New <Reader>' });

    smtp.messages.length = 0;
    await runDigest(config, { now: NOW });
    expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(['ada@example.com', 'new.reader@example.net', "o'neil&co@example.com"]);
  });

  it('answers the same whether the address is new, on the list, or blocked, and only the owner hears the difference', async () => {
    state((s) => s.suppress('blocked@example.com', 'complaint', 'webhook'));
    await startWeb();
    const page = async (email: string) => (await (await post('/subscribe', new URLSearchParams({ email }))).text()).replaceAll(email, 'EMAIL');
    const pages = [await page('fresh@example.com'), await page('ada@example.com'), await page('blocked@example.com')];
    expect(new Set(pages).size).toBe(1);
    await waitForMail(2);
    const byTo = new Map(smtp.messages.map((m) => [m.envelopeTo[0], m]));
    expect(byTo.get('fresh@example.com')!.parsed.subject).toMatch(/^Confirm your subscription/);
    expect(byTo.get('ada@example.com')!.parsed.subject).toMatch(/^You already get/);
    const preferences = linksIn(byTo.get('ada@example.com')!).find((l) => l.startsWith(`${BASE}/preferences?t=`))!;
    expect((await get(local(preferences))).status).toBe(200);
    expect(byTo.has('blocked@example.com')).toBe(false);
    // Someone else's request never turned the blocked address into a subscriber.
    expect(state((s) => s.subscriber('blocked@example.com'))).toBeUndefined();
  });

  it('expired confirmation links get 410 and join nobody; a confirmation cannot lift a complaint', async () => {
    await startWeb();
    const expired = signer.sign('confirm', 'late@example.com', { expiresAt: new Date(NOW().getTime() - 1000) });
    const shown = await get(`/confirm?t=${expired}`);
    expect(shown.status).toBe(410);
    expect(await shown.text()).toContain('This link has expired');
    expect((await post(`/confirm?t=${expired}`, '')).status).toBe(410);
    expect(state((s) => s.subscriber('late@example.com'))).toBeUndefined();

    state((s) => s.suppress('angry@example.com', 'complaint', 'webhook'));
    const valid = signer.sign('confirm', 'angry@example.com', { expiresAt: new Date(NOW().getTime() + 3600_000) });
    expect((await post(`/confirm?t=${valid}`, '')).status).toBe(403);
    expect(state((s) => s.subscriber('angry@example.com'))).toBeUndefined();

    // An unsubscribed reader who confirms again is back.
    state((s) => s.suppress('back@example.com', 'unsubscribed', 'web'));
    const back = signer.sign('confirm', 'back@example.com', { expiresAt: new Date(NOW().getTime() + 3600_000) });
    expect((await post(`/confirm?t=${back}`, '')).status).toBe(200);
    expect(state((s) => [s.isSuppressed('back@example.com'), s.subscriber('back@example.com')?.status])).toEqual([false, 'confirmed']);
  });

  it('rate-limits per address (emails) and per client (requests), and rejects bad addresses and bots', async () => {
    await startWeb();
    for (let i = 0; i < 3; i++) expect((await post('/subscribe', new URLSearchParams({ email: 'target@example.com' }))).status).toBe(200);
    await waitForMail(2);
    expect(log).toContain('subscribe: target@example.com asked again too often today; no email sent');

    const bad = await post('/subscribe', new URLSearchParams({ email: 'not an address<b>' }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('value="not an address&lt;b&gt;"');
    // The honeypot: same answer, nothing sent, nothing stored.
    expect((await post('/subscribe', new URLSearchParams({ email: 'bot@example.com', website: 'http://spam' }))).status).toBe(200);
    await web!.idle();
    expect(state((s) => s.subscriber('bot@example.com'))).toBeUndefined();
    // Six requests per client per hour in this config: the next ones are refused.
    expect((await post('/subscribe', new URLSearchParams({ email: 'z1@example.com' }))).status).toBe(200);
    const limited = await post('/subscribe', new URLSearchParams({ email: 'z2@example.com' }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3600');
  });
});

describe('digest web: preferences', () => {
  it('saves sections, pauses and resumes, leaves and comes back; GET changes nothing', async () => {
    await startWeb();
    const link = `/preferences?t=${signer.sign('preferences', 'ada@example.com')}`;
    const before = snapshot();
    const page = await (await get(link)).text();
    expect(snapshot()).toEqual(before);
    for (const section of ['World', 'Science', 'Culture']) expect(page).toContain(`value="${section}" checked`);

    const saved = await post(link, 'action=save&section=World&section=Culture');
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toMatch(/^preferences\?t=.+&done=save$/);
    expect(state((s) => s.preferences('ada@example.com')?.sections)).toEqual(['World', 'Culture']);
    const after = await (await get(`/${saved.headers.get('location')!}`)).text();
    expect(after).toContain('Saved: you get the sections ticked below.');
    expect(after).toContain('value="Science">');
    expect((await post(link, 'action=save')).status).toBe(400);
    // Sections nobody configured are ignored; ticking all of them is "everything".
    await post(link, 'action=save&section=World&section=Science&section=Culture&section=Hacked');
    expect(state((s) => s.preferences('ada@example.com')?.sections)).toBeNull();

    await post(link, 'action=pause&weeks=2');
    expect(state((s) => s.preferences('ada@example.com')?.pausedUntil)).toBe('2026-12-12T07:00:05.000Z');
    expect(await (await get(link)).text()).toContain('gets no The &lt;Morning&gt; &amp; Co until 12 December 2026');
    expect((await post(link, 'action=pause&weeks=1000')).status).toBe(400);
    await post(link, 'action=resume');
    expect(state((s) => s.preferences('ada@example.com')?.pausedUntil)).toBeNull();

    await post(link, 'action=leave');
    expect(state((s) => s.suppression('ada@example.com'))).toMatchObject({ reason: 'unsubscribed', source: 'preferences' });
    expect(await (await get(link)).text()).toContain('value="rejoin"');
    await post(link, 'action=rejoin');
    expect(state((s) => s.isSuppressed('ada@example.com'))).toBe(false);
    expect((await post(link, 'action=explode')).status).toBe(400);
  });
});

describe('digest web: the archive', () => {
  it('lists sent digests newest first, shows each without any reader’s parts, and offers an RSS feed', async () => {
    const first = await runDigest(config, { now: NOW });
    await startWeb();
    const index = await get('/archive/');
    expect(index.status).toBe(200);
    const indexHtml = await index.text();
    expect(indexHtml).toContain(`<a href="${first.runId}/">`);
    expect(indexHtml).toContain('28 November 2026');
    expect(indexHtml).toContain('The &lt;Morning&gt; &amp; Co');
    expect((await get('/archive')).headers.get('location')).toBe('archive/');
    expect((await get(`/archive/${first.runId}`)).headers.get('location')).toBe(`${first.runId}/`);

    const issue = await get(`/archive/${first.runId}/`);
    expect(issue.status).toBe(200);
    const issueHtml = await issue.text();
    expect(issueHtml).toContain('past issues');
    expect(issueHtml).toContain('Harbour');
    for (const personal of ['ada@example.com', 'Ada Lovelace', 'neil&amp;co', '?t=', '%%']) expect(issueHtml).not.toContain(personal);
    expect(issueHtml).toContain(`href="${BASE}/unsubscribe"`);
    expect(issue.headers.get('content-security-policy')).toContain("form-action 'none'");

    const feed = await get('/archive/feed.xml');
    expect(feed.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const parsed = await new Parser().parseString(await feed.text());
    expect(parsed.title).toBe('The <Morning> & Co');
    expect(parsed.items).toHaveLength(1);
    expect(parsed.items[0]!.link).toBe(`${BASE}/archive/${first.runId}/`);
    expect(parsed.items[0]!.content).toContain('<a href="https://');

    expect((await get('/archive/999/')).status).toBe(404);
    expect((await get('/archive/abc/')).status).toBe(404);
  });
});

describe('digest web: the bounce webhook', () => {
  it('needs the shared secret, suppresses hard bounces and complaints at once and soft ones at the limit', async () => {
    await startWeb();
    const hook = (body: string, secret = HOOK) => post('/webhooks/bounce', body, { headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` } });
    expect((await hook(JSON.stringify({ address: 'a@example.com', kind: 'hard' }), 'wrong-secret')).status).toBe(401);
    expect((await post('/webhooks/bounce', JSON.stringify({ address: 'a@example.com', kind: 'hard' }), { headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect(state((s) => s.listSuppressions())).toEqual([]);
    expect((await get('/webhooks/bounce')).status).toBe(405);

    const hard = await hook(JSON.stringify({ address: 'a@example.com', kind: 'hard', detail: '550 5.1.1 no such user' }));
    expect(hard.status).toBe(200);
    expect(await hard.json()).toEqual({ results: [{ address: 'a@example.com', kind: 'hard', suppressed: true }] });
    const batch = await hook(JSON.stringify([{ address: 'b@example.com', kind: 'complaint' }, { address: 'c@example.com', kind: 'soft' }, { address: 'c@example.com', kind: 'soft' }]));
    expect((await batch.json()).results.map((r: { suppressed: boolean }) => r.suppressed)).toEqual([true, false, false]);
    const third = await hook(JSON.stringify({ address: 'c@example.com', kind: 'soft', detail: 'mailbox full' }));
    expect(await third.json()).toEqual({ results: [{ address: 'c@example.com', kind: 'soft', suppressed: true, softBounces: 3 }] });
    expect(state((s) => s.listSuppressions().map((r) => [r.email, r.reason, r.source]))).toEqual([
      ['a@example.com', 'hard-bounce', 'webhook'],
      ['b@example.com', 'complaint', 'webhook'],
      ['c@example.com', 'soft-bounce', 'webhook'],
    ]);

    // Bad bodies change nothing, even when the bad event comes after good ones.
    expect((await hook('{not json')).status).toBe(400);
    const mixed = await hook(JSON.stringify([{ address: 'd@example.com', kind: 'hard' }, { address: 'e@example.com', kind: 'bounced' }]));
    expect(mixed.status).toBe(400);
    expect((await mixed.json()).error).toMatch(/event 1: "kind" must be/);
    expect(state((s) => s.isSuppressed('d@example.com'))).toBe(false);
  });

  it('is off (404) without DIGEST_WEBHOOK_SECRET', async () => {
    const cfg = loadConfig({ cwd: tmp.dir(), env: { SMTP_URL: smtp.url, DIGEST_SECRET: SECRET } });
    await startWeb(cfg);
    expect((await post('/webhooks/bounce', JSON.stringify({ address: 'a@example.com', kind: 'hard' }), { headers: { authorization: 'Bearer ' } })).status).toBe(404);
  });
});

describe('digest web: what it never does', () => {
  it('serves no file from disk: not the state file, not the templates, not the config', async () => {
    await runDigest(config, { now: NOW });
    await startWeb();
    const state = readFileSync(config.statePath).subarray(0, 15).toString();
    for (const target of ['/state.sqlite', '/.digest/state.sqlite', '/archive/../state.sqlite', '/archive/%2e%2e/state.sqlite', '/templates/default/layout.mjml.hbs', '/digest.config.yaml', '/archive/1/../../digest.config.yaml', '/out/digest.html', '//etc/passwd']) {
      const { status, body } = await rawGet(target);
      expect([301, 404], target).toContain(status);
      expect(body).not.toContain(state);
      expect(body).not.toContain('<mjml');
      expect(body).not.toContain('feeds:');
    }
  });

  it('caps request bodies (413), refuses methods it does not take (405), and says nothing about its internals', async () => {
    await startWeb();
    const big = 'email=' + 'a'.repeat(20 * 1024);
    expect((await post('/subscribe', big)).status).toBe(413);
    const link = `/unsubscribe?t=${signer.sign('unsubscribe', 'ada@example.com')}`;
    expect((await post(link, `List-Unsubscribe=One-Click&pad=${'x'.repeat(20 * 1024)}`)).status).toBe(413);
    expect(state((s) => s.isSuppressed('ada@example.com'))).toBe(false);
    const hookBig = await post('/webhooks/bounce', JSON.stringify({ address: 'a@example.com', kind: 'hard', detail: 'x'.repeat(300 * 1024) }), { headers: { authorization: `Bearer ${HOOK}` } });
    expect(hookBig.status).toBe(413);
    const put = await get('/unsubscribe', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/nowhere/at/all')).status).toBe(404);
  });

  it('will not start without web.baseUrl or DIGEST_SECRET, saying what to set', async () => {
    const noBase = loadConfig({ cwd: tmp.dir(), env: { DIGEST_SECRET: SECRET } });
    await expect(startWebServer({ ...noBase, web: { ...noBase.web, baseUrl: undefined } }, { port: 0 })).rejects.toMatchObject({ code: 'WEB_NO_BASE_URL' });
    const noSecret = loadConfig({ cwd: tmp.dir(), env: {} });
    await expect(startWebServer(noSecret, { port: 0 })).rejects.toMatchObject({ code: 'CONFIG_SECRET_MISSING', hint: expect.stringContaining('DIGEST_SECRET') });
  });
});
