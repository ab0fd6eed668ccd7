import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenSigner } from '../../src/tokens/tokens.js';
import { findBounceTokens, tokenMatches } from '../../src/bounces/verp.js';
import { loadConfig, sampleConfig } from '../../src/config/load-config.js';
import { deliverRun } from '../../src/deliver/deliver-run.js';
import { loadDkimKey } from '../../src/deliver/load-dkim-key.js';
import { createOutboxTransport, createSmtpTransport } from '../../src/deliver/transports.js';
import { ConfigError } from '../../src/errors.js';
import { runDigest } from '../../src/pipeline/run-digest.js';
import { sampleDigest } from '../../src/pipeline/sample-digest.js';
import { loadTemplates } from '../../src/render/load-templates.js';
import { renderDigest } from '../../src/render/render-digest.js';
import { renderSettings } from '../../src/pipeline/render-settings.js';
import { StateStore } from '../../src/state/state-store.js';
import { verifyDkim } from '../support/dkim.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';
import { ledgerRun } from '../support/ledger.js';

const tmp = useTempDir();
const SECRET = 'a secret that is long enough for the test, 1234567890';
const signer = new TokenSigner(SECRET);
const now = () => new Date('2026-12-03T07:00:00Z');
const FROM = 'Morning Digest <digest@news.example.com>';
const settings = { from: FROM, title: 'Morning Digest', bounceAddress: 'bounces@news.example.com' };
const readers = ['alice@example.net', 'Bob@Example.org', 'carol@example.com'];

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function ledger() {
  const config = sampleConfig({ cwd: '/nonexistent', env: {} });
  const content = await renderDigest(sampleDigest(config, now()), loadTemplates(path.join(REPO_ROOT, 'templates/default')), renderSettings(config), { validation: 'strict' });
  const { store, runId } = ledgerRun(content, readers, { from: FROM, startedAt: now().toISOString() });
  return { store, runId, content };
}

describe('the envelope sender names run and reader (VERP)', () => {
  it('over SMTP: MAIL FROM is bounces+RUN-SIGNATURE@domain, one per reader, verifiable; From is unchanged', async () => {
    const { store, runId, content } = await ledger();
    server = await startSmtpServer();
    const transport = createSmtpTransport(server.url, { maxConnections: 2, rateLimit: 0 });
    try {
      const report = await deliverRun({ store, runId, rendered: content, settings, transport, now, signer });
      expect(report.sent).toBe(3);
    } finally {
      transport.close();
    }
    const senders = new Set<string>();
    for (const message of server.messages) {
      const reader = message.envelopeTo[0]!;
      expect(message.envelopeFrom).toMatch(new RegExp(`^bounces\\+${runId}-[a-z2-7]{13}@news\\.example\\.com$`));
      expect(message.envelopeFrom.toLowerCase()).not.toContain(reader.toLowerCase().split('@')[0]);
      const [token] = findBounceTokens(message.envelopeFrom);
      expect(tokenMatches(signer, token!, reader)).toBe(true);
      for (const other of readers.filter((r) => r.toLowerCase() !== reader.toLowerCase())) expect(tokenMatches(signer, token!, other)).toBe(false);
      expect(message.parsed.from?.text).toBe('"Morning Digest" <digest@news.example.com>');
      // The receiving server adds Return-Path; the sender must not.
      expect(message.parsed.headers.has('return-path')).toBe(false);
      senders.add(message.envelopeFrom);
    }
    expect(senders.size).toBe(3);
  });

  it('without a bounce address the envelope sender stays the From address', async () => {
    const { store, runId, content } = await ledger();
    server = await startSmtpServer();
    const transport = createSmtpTransport(server.url, { maxConnections: 1, rateLimit: 0 });
    try {
      await deliverRun({ store, runId, rendered: content, settings: { from: FROM, title: 'Morning Digest' }, transport, now, signer });
    } finally {
      transport.close();
    }
    expect(server.messages.map((m) => m.envelopeFrom)).toEqual(['digest@news.example.com', 'digest@news.example.com', 'digest@news.example.com']);
  });

  it('in the outbox: each .eml starts with the Return-Path a receiver would record, and DKIM still verifies', async () => {
    const { store, runId, content } = await ledger();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = tmp.write('dkim.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const dkim = loadDkimKey({ selector: 'digest', privateKeyFile: keyFile }, FROM);
    const outbox = path.join(tmp.dir(), 'outbox');
    const transport = createOutboxTransport(outbox, `run-${runId}`, { dkim });
    await deliverRun({ store, runId, rendered: content, settings, transport, now, signer });
    transport.close();
    const files = readdirSync(outbox).sort();
    expect(files).toHaveLength(3);
    for (const file of files) {
      const raw = readFileSync(path.join(outbox, file));
      const first = raw.toString('utf8').split('\r\n')[0]!;
      expect(first).toMatch(new RegExp(`^Return-Path: <bounces\\+${runId}-[a-z2-7]{13}@news\\.example\\.com>$`));
      expect(verifyDkim(raw, publicKey).ok).toBe(true);
    }
  });
});

describe('runDigest with delivery.bounceAddress', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    delete process.env.DIGEST_SECRET;
    delete process.env.DIGEST_SECRET_PREVIOUS;
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  function project(): string {
    const feed = tmp.write(
      'feed.xml',
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Town</title><link>https://town.example/</link><description>d</description>
       <item><title>Council approves the new tram line</title><link>https://town.example/tram</link><guid>tram</guid><pubDate>Wed, 02 Dec 2026 18:00:00 GMT</pubDate>
       <description>The council voted on Tuesday to build the tram line through the old town, after years of debate about its cost and route.</description></item>
       </channel></rss>`,
    );
    return tmp.write(
      'digest.config.yaml',
      `title: Morning Digest\nfrom: Morning Digest <digest@news.example.com>\nfeeds:\n  - ${feed}\nrecipients:\n  - alice@example.net\n  - bob@example.org\ndelivery:\n  bounceAddress: bounces@news.example.com\n  transport: outbox\n`,
    );
  }

  it('refuses to run without DIGEST_SECRET, before touching the state or anyone’s inbox', async () => {
    const file = project();
    const config = loadConfig({ configPath: file, env: {} });
    const error = await runDigest(config, { now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/delivery\.bounceAddress is set, but the DIGEST_SECRET environment variable is not/);
    expect((error as ConfigError).hint).toMatch(/openssl rand/);
    expect(() => readdirSync(path.join(tmp.dir(), '.digest'))).toThrow();
  });

  it('writes every reader’s copy with their own envelope sender, stored with the run for a resumed send', async () => {
    process.env.DIGEST_SECRET = SECRET;
    const file = project();
    const config = loadConfig({ configPath: file, env: { DIGEST_SECRET: SECRET } });
    const result = await runDigest(config, { now });
    expect(result.status).toBe('sent');
    const outbox = path.join(tmp.dir(), 'out', 'outbox');
    for (const reader of ['alice@example.net', 'bob@example.org']) {
      const file = readdirSync(outbox).find((f) => f.includes(reader))!;
      const raw = readFileSync(path.join(outbox, file), 'utf8');
      const [token] = findBounceTokens(raw.split('\r\n')[0]!);
      expect(token?.runId).toBe(result.runId);
      expect(tokenMatches(signer, token!, reader)).toBe(true);
    }
    const store = StateStore.open(config.statePath);
    try {
      expect(store.getRun(result.runId!)?.settings.bounceAddress).toBe('bounces@news.example.com');
    } finally {
      store.close();
    }
  });
});
