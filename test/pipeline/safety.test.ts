/**
 * Issue 10, "A cron job that can never silently do the wrong thing": the pipeline-level cases,
 * each reproduced with real files, a real SMTP server and the real state file.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { listRuns } from '../../src/pipeline/list-runs.js';
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

async function smtp(behaviour: Parameters<typeof startSmtpServer>[0] = {}) {
  const server = await startSmtpServer(behaviour);
  servers.push(server);
  return server;
}

const now = () => new Date('2026-11-27T07:00:05Z');

/** Writes a config (as JSON, which is YAML) in the temp folder and loads it. */
function project(settings: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const file = tmp.write('digest.config.yaml', JSON.stringify({ state: 'state.sqlite', out: 'out', delivery: { rateLimit: 0, attempts: 1 }, ...settings }));
  return loadConfig({ configPath: file, cwd: tmp.dir(), env });
}

function jsonFeed(title: string, items: Record<string, unknown>[]): string {
  return JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title, home_page_url: 'https://news.example/', items });
}

/** The warnings other than the one-time note that `delivery.transport: auto` was decided. */
const problems = (warnings: string[]) => warnings.filter((w) => !w.startsWith('delivery.transport is auto, and this first run decided'));

/** C0 controls other than tab and line breaks, DEL, C1 controls, and the bidi embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('control characters and bidi overrides from feeds never reach the email', () => {
  it('strips ESC sequences, BEL and U+202E from titles, text and the feed name in every part of the message', async () => {
    const story = 'The council voted on Tuesday to reopen the harbour bridge after a year of repairs, the mayor said. '.repeat(3);
    tmp.write(
      'evil.json',
      jsonFeed('Evil\u001b]0;pwned\u0007 News\u001b[2J', [
        { id: '1', url: 'https://news.example/1', title: 'Invoice \u202egnp.exe', content_text: story, date_published: '2026-11-27T05:00:00Z' },
        {
          id: '2',
          url: 'https://news.example/2',
          title: 'Click \u001b]8;;https://evil.example/\u001b\\here\u001b]8;;\u001b\\ now\u0007',
          content_html: `<p>${story}\u001b[31m red \u001b[0m \u0085 \u2066isolated\u2069</p>`,
          date_published: '2026-11-27T04:00:00Z',
        },
      ]),
    );
    const server = await smtp();
    const config = project({ feeds: [{ url: 'evil.json', fullText: 'never' }], recipients: ['reader@example.com'], template: 'default' }, { SMTP_URL: server.url });
    const result = await runDigest(config, { now });
    expect(result.status).toBe('sent');
    const headlines = result.digest!.items.map((item) => item.headline);
    expect(headlines).toContain('Invoice gnp.exe');
    expect(headlines.some((h) => h.startsWith('Click ') && h.includes('here'))).toBe(true);
    for (const item of result.digest!.items) {
      for (const value of [item.headline, item.lede, item.text, item.feedName, item.section]) expect(value).not.toMatch(UNSAFE);
    }
    expect(server.messages).toHaveLength(1);
    const mail = server.messages[0]!.parsed;
    expect(mail.subject).not.toMatch(UNSAFE);
    expect(mail.html).not.toMatch(UNSAFE);
    expect(mail.text).not.toMatch(UNSAFE);
    expect(mail.text).toContain('Evil]0;pwned News');
  });
});

describe('one story can never silence the digest', () => {
  const story = (n: number) => `Paragraph ${n} of a story long enough to stand on its own in the digest, with a lede worth reading and nothing odd about it.`;
  function feedWithHugeLink(extra: Record<string, unknown>[] = []): void {
    tmp.write(
      'feed.json',
      jsonFeed('Wire', [
        { id: 'huge', url: `https://news.example/${'a'.repeat(120_000)}`, title: 'The story with a 120 KB link', content_text: story(1), date_published: '2026-11-27T06:00:00Z' },
        ...extra,
      ]),
    );
  }

  it('an item whose link alone is over the size budget is left out with a warning naming it, and not retried', async () => {
    feedWithHugeLink([{ id: 'fine', url: 'https://news.example/fine', title: 'An ordinary story', content_text: story(2), date_published: '2026-11-27T05:00:00Z' }]);
    const server = await smtp();
    const config = project({ feeds: [{ url: 'feed.json', fullText: 'never' }], recipients: ['reader@example.com'] }, { SMTP_URL: server.url });
    const first = await runDigest(config, { now });
    expect(first.status).toBe('sent');
    expect(first.items).toBe(1);
    expect(first.digest!.items.map((i) => i.headline)).toEqual(['An ordinary story']);
    expect(problems(first.warnings)).toEqual([expect.stringMatching(/^Wire: "The story with a 120 KB link" \(https:\/\/news\.example\/a+…, 120,021 characters\) is left out: /)]);
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]!.parsed.html).toContain('An ordinary story');
    expect(server.messages[0]!.parsed.html).not.toMatch(/did not fit/);

    const second = await runDigest(config, { now: () => new Date('2026-11-28T07:00:05Z') });
    expect(second.status).toBe('nothing-new');
    expect(second.warnings).toEqual([]);
    expect(server.messages).toHaveLength(1);
  });

  it('with only that item, no email is sent at all (whenNothingNew: skip), today or on any later day', async () => {
    feedWithHugeLink();
    const server = await smtp();
    const config = project({ feeds: [{ url: 'feed.json', fullText: 'never' }], recipients: ['reader@example.com'] }, { SMTP_URL: server.url });
    const first = await runDigest(config, { now });
    expect(first.status).toBe('nothing-new');
    expect(problems(first.warnings)).toEqual([expect.stringMatching(/^Wire: "The story with a 120 KB link" .* is left out: /)]);
    const second = await runDigest(config, { now: () => new Date('2026-11-28T07:00:05Z') });
    expect(second.status).toBe('nothing-new');
    expect(second.warnings).toEqual([]);
    expect(server.messages).toHaveLength(0);
  });

  /**
   * A feed whose newest story is too big for any email under a 14 KB budget (under the link cap,
   * but the link is in the email twice), followed by short ones.
   */
  function feedWithOversizedStory(others: string[]): void {
    tmp.write(
      'feed.json',
      jsonFeed('Wire', [
        { id: 'big', url: `https://news.example/${'b'.repeat(3900)}`, title: 'The big one', content_text: story(1), date_published: '2026-11-27T06:00:00Z' },
        ...others.map((title, n) => ({ id: `s${n + 2}`, url: `https://news.example/${n + 2}`, title, content_text: 'Short.', date_published: `2026-11-27T0${5 - n}:00:00Z` })),
      ]),
    );
  }

  it('a story too big for any email under the budget is dropped for good and named; the others go out', async () => {
    feedWithOversizedStory(['Second', 'Third']);
    const server = await smtp();
    const config = project({ feeds: [{ url: 'feed.json', fullText: 'never' }], recipients: ['reader@example.com'], maxHtmlKilobytes: 14 }, { SMTP_URL: server.url });
    const first = await runDigest(config, { now });
    expect(first).toMatchObject({ status: 'sent', items: 2 });
    expect(problems(first.warnings)).toEqual([expect.stringMatching(/^Wire: "The big one" \(https:\/\/news\.example\/b+…, 3,921 characters\) is left out: an email with only this story is \d+(\.\d)? KB, over the 14 KB size budget \(maxHtmlKilobytes\), so it can never be sent; it will not be offered again$/)]);
    expect(first.decisions.find((d) => d.id === first.decisions.find((x) => x.title === 'The big one')!.id)!.verdict).toBe('oversized');
    const html = server.messages[0]!.parsed.html as string;
    expect(html).toContain('Second');
    expect(html).toContain('Third');
    expect(html).not.toMatch(/The big one|did not fit/);

    const second = await runDigest(config, { now: () => new Date('2026-11-28T07:00:05Z') });
    expect(second).toMatchObject({ status: 'nothing-new', warnings: [] });
    expect(server.messages).toHaveLength(1);
  });

  it('with the web archive on, the issue’s web page still has the story too big for any email', async () => {
    feedWithOversizedStory(['Second']);
    const server = await smtp();
    const config = project(
      { feeds: [{ url: 'feed.json', fullText: 'never' }], recipients: ['reader@example.com'], maxHtmlKilobytes: 14, web: { baseUrl: 'https://digest.example.org' } },
      { SMTP_URL: server.url, DIGEST_SECRET: 'test-secret-test-secret-test-secret-0123' },
    );
    const first = await runDigest(config, { now });
    expect(first).toMatchObject({ status: 'sent', items: 1 });
    expect(String(server.messages[0]!.parsed.html)).not.toContain('The big one');
    const store = StateStore.open(config.statePath);
    try {
      // Only the oversized story was left out (nothing carried over): the web copy is made for it.
      const web = store.runVariant(first.runId!, 'web');
      expect(web?.itemCount).toBe(2);
      expect(web?.html).toContain('The big one');
      expect(web?.html).toContain('Second');
    } finally {
      store.close();
    }
  });

  it('with whenNothingNew: send, the email goes out saying there is nothing new, without the story', async () => {
    feedWithHugeLink();
    const server = await smtp();
    const config = project({ feeds: [{ url: 'feed.json', fullText: 'never' }], recipients: ['reader@example.com'], delivery: { whenNothingNew: 'send', rateLimit: 0 } }, { SMTP_URL: server.url });
    const first = await runDigest(config, { now });
    expect(first).toMatchObject({ status: 'sent', items: 0 });
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]!.parsed.text).toContain('Nothing new today');
    expect(server.messages[0]!.parsed.text).not.toMatch(/did not fit|120 KB link/);
  });
});

describe('the transport is a decision recorded with the run, never a silent fallback to the outbox', () => {
  /** Real-looking readers: not at a reserved example domain. */
  const READERS = ['ada@readers.news', 'bob@readers.news'];
  const story = 'The council voted on Tuesday to reopen the harbour bridge after a year of repairs, the mayor said, to applause from the gallery.';
  function feed(ids: string[]): void {
    tmp.write('feed.json', jsonFeed('Wire', ids.map((id, n) => ({ id, url: `https://news.example/${id}`, title: `Story ${id}`, content_text: story, date_published: `2026-11-26T0${n}:00:00Z` }))));
  }
  const at = (day: number) => () => new Date(Date.UTC(2026, 10, 27 + day, 7, 0, 5));
  const cfg = (env: NodeJS.ProcessEnv, extra: Record<string, unknown> = {}) => project({ feeds: [{ url: 'feed.json', fullText: 'never' }], recipients: READERS, ...extra }, env);
  const outbox = () => path.join(tmp.dir(), 'out/outbox');

  it('auto with SMTP_URL lost after the first run (decided SMTP) refuses before fetching anything', async () => {
    feed(['a']);
    const server = await smtp();
    const first = await runDigest(cfg({ SMTP_URL: server.url }), { now: at(0) });
    expect(first.delivery).toMatchObject({ kind: 'smtp', sent: 2, written: 0 });
    expect(first.warnings).toEqual([expect.stringMatching(/^delivery\.transport is auto, and this first run decided: SMTP_URL is set, so this project sends over SMTP from now on/)]);

    feed(['a', 'b']);
    for (const env of [{}, { SMTP_URL: '' }, { SMTP_URL: '  ' }]) {
      await expect(runDigest(cfg(env), { now: at(1) })).rejects.toMatchObject({
        code: 'CONFIG_SMTP_MISSING',
        message: expect.stringMatching(/^SMTP_URL is not set, but this project sends over SMTP \(delivery\.transport: auto, decided on its first run, 2026-11-27\): nothing was fetched or sent$/),
      });
    }
    expect(existsSync(outbox())).toBe(false);
    const store = StateStore.open(path.join(tmp.dir(), 'state.sqlite'));
    try {
      // Story b was never fetched: the next run with SMTP_URL still finds it new.
      expect(store.listRuns()).toHaveLength(1);
      expect(store.getFeed('feed.json')?.lastAttemptAt).toBe(at(0)().toISOString());
    } finally {
      store.close();
    }
    const later = await runDigest(cfg({ SMTP_URL: server.url }), { now: at(1) });
    expect(later).toMatchObject({ status: 'sent', items: 1, warnings: [] });
  });

  it('a run left pending by an SMTP outage is only ever finished over SMTP', async () => {
    feed(['a']);
    const down = `smtp://127.0.0.1:${await closedPort()}`;
    const first = await runDigest(cfg({ SMTP_URL: down }), { now: at(0), retryDelayMs: 1 });
    expect(first.delivery).toMatchObject({ sent: 0, pending: 2 });

    await expect(runDigest(cfg({ SMTP_URL: '' }, { delivery: { transport: 'outbox' } }), { now: at(0) })).rejects.toMatchObject({
      code: 'CONFIG_SMTP_MISSING',
      message: 'run 1 is unfinished (2 recipients still to send to) and was created to be sent over SMTP, but SMTP_URL is not set: it is only ever finished over SMTP; nothing was fetched or sent',
    });
    expect(existsSync(outbox())).toBe(false);
    expect(listRuns(cfg({}))).toEqual([expect.objectContaining({ id: 1, transport: 'smtp', status: 'sending', sent: 0, written: 0, deferred: 2 })]);

    const server = await smtp();
    const finished = await runDigest(cfg({ SMTP_URL: server.url }), { now: at(0) });
    expect(finished).toMatchObject({ status: 'resumed', delivery: { kind: 'smtp', sent: 2 } });
    expect(server.messages).toHaveLength(2);
  });

  it('transport: smtp without SMTP_URL refuses before fetching; so does auto on a first run with real readers', async () => {
    feed(['a']);
    await expect(runDigest(cfg({}, { delivery: { transport: 'smtp' } }), { now: at(0) })).rejects.toMatchObject({
      code: 'CONFIG_SMTP_MISSING',
      message: 'delivery.transport is smtp, but SMTP_URL is not set: nothing was fetched or sent',
    });
    await expect(runDigest(cfg({}), { now: at(0) })).rejects.toMatchObject({
      code: 'TRANSPORT_UNDECIDED',
      message: 'delivery.transport is auto, SMTP_URL is not set, and the config has real readers (ada@readers.news and 1 more): refusing to guess whether to send them email or write the outbox; nothing was fetched or sent',
    });
    expect(existsSync(path.join(tmp.dir(), 'state.sqlite'))).toBe(true);
    expect(listRuns(cfg({}))).toEqual([]);
    expect(existsSync(outbox())).toBe(false);
  });

  it('auto decided outbox (example readers, no SMTP_URL) refuses when SMTP_URL appears, instead of switching silently', async () => {
    feed(['a']);
    const examples = { recipients: ['reader@example.com'] };
    const first = await runDigest(cfg({}, examples), { now: at(0) });
    expect(first.warnings).toEqual([expect.stringMatching(/^delivery\.transport is auto, and this first run decided: SMTP_URL is not set and every reader is an example address, so this project writes \.eml files to the outbox from now on/)]);
    await expect(runDigest(cfg({ SMTP_URL: 'smtp://127.0.0.1:25' }, examples), { now: at(1) })).rejects.toMatchObject({ code: 'TRANSPORT_CHANGED' });
    // Written explicitly, the config decides.
    const server = await smtp();
    feed(['a', 'b']);
    const explicit = await runDigest(cfg({ SMTP_URL: server.url }, { ...examples, delivery: { transport: 'smtp' } }), { now: at(1) });
    expect(explicit.delivery).toMatchObject({ kind: 'smtp', sent: 1 });
  });

  it('outbox deliveries are "written", never "sent", in the result, the ledger and the run list', async () => {
    feed(['a']);
    const result = await runDigest(cfg({}, { delivery: { transport: 'outbox' } }), { now: at(0) });
    expect(result.delivery).toMatchObject({ kind: 'outbox', sent: 0, written: 2, pending: 0 });
    expect(readdirSync(outbox())).toHaveLength(2);
    const store = StateStore.open(path.join(tmp.dir(), 'state.sqlite'));
    try {
      expect(store.deliveries(1).map((d) => d.status)).toEqual(['written', 'written']);
      expect(store.getRun(1)).toMatchObject({ transport: 'outbox', status: 'done' });
    } finally {
      store.close();
    }
    expect(listRuns(cfg({}))).toEqual([expect.objectContaining({ transport: 'outbox', sent: 0, written: 2 })]);
    // Written counts as delivered: the stories are not offered again.
    expect((await runDigest(cfg({}, { delivery: { transport: 'outbox' } }), { now: at(1) })).status).toBe('nothing-new');
  });

  it('a state file from 0.1.0 keeps working: its runs have no recorded transport, and an unfinished one is never guessed into the outbox', async () => {
    const dir = tmp.dir();
    cpSync(path.join(REPO_ROOT, 'test/fixtures/legacy-state/project'), dir, { recursive: true });
    mkdirSync(path.join(dir, '.digest'));
    const state = path.join(dir, '.digest/state.sqlite');
    copyFileSync(path.join(REPO_ROOT, 'test/fixtures/legacy-state/state-0.1.0.sqlite'), state);
    // As an old version would leave it after a crash: the run unfinished, its reader pending.
    const old = new Database(state);
    old.exec(`UPDATE runs SET status = 'sending', finished_at = NULL; UPDATE deliveries SET status = 'pending'`);
    old.close();
    const load = (env: NodeJS.ProcessEnv, extra = '') => {
      writeFileSync(path.join(dir, 'digest.config.yaml'), readFileSync(path.join(REPO_ROOT, 'test/fixtures/legacy-state/project/digest.config.yaml'), 'utf8').replace('delivery:\n  transport: outbox\n', extra));
      return loadConfig({ configPath: path.join(dir, 'digest.config.yaml'), cwd: dir, env });
    };

    expect(listRuns(load({}))).toEqual([expect.objectContaining({ id: 1, transport: null, status: 'sending', sent: 0, deferred: 1 })]);
    await expect(runDigest(load({}), { now: at(1) })).rejects.toMatchObject({ code: 'TRANSPORT_UNKNOWN', message: expect.stringMatching(/^run 1 is unfinished \(1 recipient still to send to\) and was recorded by an older version/) });
    expect(existsSync(path.join(dir, 'out'))).toBe(false);

    // Said in the config: the outbox. It is finished there, as written, not sent.
    const finished = await runDigest(load({}, 'delivery:\n  transport: outbox\n'), { now: at(0) });
    expect(finished).toMatchObject({ status: 'resumed', delivery: { kind: 'outbox', written: 1, sent: 0 } });
  });
});
