import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { sampleConfig } from '../../src/config/load-config.js';
import { deterministicMessageId } from '../../src/deliver/compose-message.js';
import { deliverRun } from '../../src/deliver/deliver-run.js';
import { createOutboxTransport, createSmtpTransport, type MessageTransport } from '../../src/deliver/transports.js';
import { loadTemplates } from '../../src/render/load-templates.js';
import { personalise, personaliseBytes, type RecipientValues } from '../../src/render/personalise.js';
import { renderDigest, type RenderedDigest } from '../../src/render/render-digest.js';
import { renderSettings } from '../../src/pipeline/render-settings.js';
import { sampleDigest } from '../../src/pipeline/sample-digest.js';
import { StateStore } from '../../src/state/state-store.js';
import { ConfigError } from '../../src/errors.js';
import { loadDkimKey } from '../../src/deliver/load-dkim-key.js';
import { verifyDkim } from '../support/dkim.js';
import { closedPort, startSilentServer, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';
import { ledgerRun } from '../support/ledger.js';

const tmp = useTempDir();
const now = () => new Date('2026-11-27T07:00:00Z');
const config = sampleConfig({ cwd: '/nonexistent', env: {} });
const FROM = 'Morning Digest <digest@news.example>';
const settings = { from: FROM, title: 'Morning Digest — Ünïcode', unsubscribeUrl: 'https://news.example/u?e={{email}}', unsubscribeMailto: 'unsubscribe@news.example' };

let servers: Pick<TestSmtpServer, 'close'>[] = [];
let transports: MessageTransport[] = [];
afterEach(async () => {
  for (const t of transports) t.close();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  transports = [];
});

async function rendered(): Promise<RenderedDigest> {
  const digest = { ...sampleDigest(config, now()), title: 'Morning Digest — Ünïcode' };
  return renderDigest(digest, loadTemplates(path.join(REPO_ROOT, 'templates/default')), renderSettings(config), { validation: 'strict' });
}

function ledger(recipients: string[], content: RenderedDigest): { store: StateStore; runId: number } {
  return ledgerRun(content, recipients, { from: FROM, startedAt: now().toISOString(), itemIds: ['a', 'b'], names: true });
}

async function smtp(behaviour: Parameters<typeof startSmtpServer>[0] = {}) {
  const server = await startSmtpServer(behaviour);
  servers.push(server);
  const transport = createSmtpTransport(server.url, { maxConnections: 2, rateLimit: 0 });
  transports.push(transport);
  return { server, transport };
}

const addresses = (n: number) => Array.from({ length: n }, (_, i) => `reader${i}@example.com`);

describe('deliverRun over SMTP', () => {
  it('sends each recipient exactly one message, with the right parts and headers', async () => {
    const content = await rendered();
    const { store, runId } = ledger(addresses(5), content);
    const { server, transport } = await smtp();
    const report = await deliverRun({ store, runId, rendered: content, settings, transport, now });

    expect(report).toMatchObject({ sent: 5, failedTemporary: 0, failedPermanent: 0, pending: 0 });
    expect(server.messages).toHaveLength(5);
    expect(server.messages.map((m) => m.envelopeTo).sort()).toEqual(addresses(5).map((a) => [a]).sort());
    for (const message of server.messages) {
      const to = message.envelopeTo[0]!;
      const mail = message.parsed;
      expect(mail.to && 'value' in mail.to ? mail.to.value.map((v) => v.address) : []).toEqual([to]);
      expect(mail.subject).toBe(content.subject);
      expect(mail.messageId).toBe(deterministicMessageId('run1', to, FROM));
      expect(mail.html).toContain('Harbour bridge reopens after a year of repairs');
      expect(mail.html).toContain(`${to} subscribed`);
      expect(mail.text).toContain('Harbour bridge reopens');
      expect(message.raw.toString()).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
      const listUnsubscribe = message.raw.toString().replace(/\r?\n[ \t]+/g, ' ').match(/^List-Unsubscribe: (.+?)\r?$/m)?.[1];
      expect(listUnsubscribe).toBe(`<https://news.example/u?e=${encodeURIComponent(to)}>, <mailto:unsubscribe@news.example>`);
      expect(message.raw.toString().replace(/\r?\n[ \t]+/g, ' ')).toMatch(/^List-ID: .*<morning-digest-unicode\.news\.example>\r?$/m);
      const raw = message.raw.toString();
      expect(raw).toMatch(/^Subject: =\?UTF-8\?/m);
      expect(mail.date?.toISOString()).toBe(now().toISOString());
      expect(raw).toMatch(/^MIME-Version: 1\.0\r?$/m);
      expect(raw).toMatch(/Content-Type: text\/plain; charset=utf-8\r?\nContent-Transfer-Encoding: (quoted-printable|base64)/);
      expect(raw).toMatch(/Content-Type: text\/html; charset=utf-8\r?\nContent-Transfer-Encoding: (quoted-printable|base64)/);
      expect(raw).toMatch(/Content-Type: multipart\/alternative/);
      expect(raw.indexOf('Content-Type: text/plain')).toBeLessThan(raw.indexOf('Content-Type: text/html'));
      expect(raw.split(/\r?\n/).every((line) => Buffer.byteLength(line) <= 998)).toBe(true);
    }
    expect(store.deliveryCounts(runId)).toMatchObject({ sent: 5, pending: 0 });
    expect(store.finishRun(runId, now().toISOString())).toBe('done');
  });

  it('marks every message as bulk and auto-generated, so auto-replies (vacation notices) stay quiet', async () => {
    const content = await rendered();
    const { store, runId } = ledger(addresses(2), content);
    const { server, transport } = await smtp();
    await deliverRun({ store, runId, rendered: content, settings, transport, now });
    expect(server.messages).toHaveLength(2);
    for (const message of server.messages) {
      // RFC 3834 section 5 (Auto-Submitted) and the Precedence header auto-responders still read.
      expect(message.parsed.headers.get('auto-submitted')).toBe('auto-generated');
      expect(message.parsed.headers.get('precedence')).toBe('bulk');
    }
  });

  it('records 550 as permanent without retrying, and retries 451 until it succeeds', async () => {
    const content = await rendered();
    const { store, runId } = ledger(['ok@example.com', 'gone@example.com', 'busy@example.com'], content);
    const { server, transport } = await smtp({
      rejectRecipient: (address, attempt) =>
        address === 'gone@example.com' ? { code: 550, message: 'No such user' } : address === 'busy@example.com' && attempt < 3 ? { code: 451, message: 'Try again later' } : undefined,
    });
    const report = await deliverRun({ store, runId, rendered: content, settings, transport, now, retryDelayMs: 5 });
    expect(report).toMatchObject({ sent: 2, failedPermanent: 1, failedTemporary: 0, pending: 0 });
    expect(server.attempts.get('gone@example.com')).toBe(1);
    expect(server.attempts.get('busy@example.com')).toBe(3);
    const rows = Object.fromEntries(store.deliveries(runId).map((d) => [d.recipient, d]));
    expect(rows['gone@example.com']).toMatchObject({ status: 'failed-permanent', attempts: 1 });
    expect(rows['gone@example.com']!.lastError).toMatch(/550.*No such user/);
    expect(rows['busy@example.com']).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(store.finishRun(runId, now().toISOString())).toBe('partial');
  });

  it('gives up on a recipient that keeps answering 4xx and records it as temporary', async () => {
    const content = await rendered();
    const { store, runId } = ledger(['busy@example.com'], content);
    const { transport } = await smtp({ rejectRecipient: () => ({ code: 452, message: 'Mailbox full' }) });
    const report = await deliverRun({ store, runId, rendered: content, settings, transport, now, retryDelayMs: 5, attempts: 2 });
    expect(report).toMatchObject({ sent: 0, failedTemporary: 1 });
    expect(store.requeueTemporaryFailures(runId, now().toISOString())).toBe(1);
    expect(store.deliveries(runId)[0]!.status).toBe('pending');
  });

  it('retries after a dropped connection and delivers once', async () => {
    const content = await rendered();
    const { store, runId } = ledger(['a@example.com', 'b@example.com'], content);
    const { server, transport } = await smtp({ onMessage: (count) => (count === 1 ? 'drop' : undefined) });
    const report = await deliverRun({ store, runId, rendered: content, settings, transport, now, retryDelayMs: 5 });
    expect(report).toMatchObject({ sent: 2, pending: 0 });
    expect(server.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(['a@example.com', 'b@example.com']);
  });

  it('leaves everyone pending when the server cannot be reached, and the next attempt delivers them', async () => {
    const content = await rendered();
    const { store, runId } = ledger(addresses(3), content);
    // A port with nothing listening.
    const closed = await closedPort();
    const dead = createSmtpTransport(`smtp://127.0.0.1:${closed}`, { maxConnections: 1, rateLimit: 0, connectionTimeoutMs: 2000 });
    transports.push(dead);
    const failed = await deliverRun({ store, runId, rendered: content, settings, transport: dead, now, retryDelayMs: 5 });
    expect(failed).toMatchObject({ sent: 0, pending: 3, failedTemporary: 0, failedPermanent: 0 });
    expect(failed.aborted).toMatch(/ECONNREFUSED|connect/i);
    expect(store.finishRun(runId, now().toISOString())).toBe('sending');

    const { server, transport } = await smtp();
    const retried = await deliverRun({ store, runId, rendered: content, settings, transport, now });
    expect(retried).toMatchObject({ sent: 3, pending: 0 });
    expect(server.messages).toHaveLength(3);
  });

  it('authenticates with the credentials in SMTP_URL', async () => {
    const content = await rendered();
    const { store, runId } = ledger(['a@example.com'], content);
    const server = await startSmtpServer({ auth: { user: 'digest', pass: 'p@ss word' } });
    servers.push(server);
    const good = createSmtpTransport(`smtp://digest:${encodeURIComponent('p@ss word')}@127.0.0.1:${server.port}`, { maxConnections: 1, rateLimit: 0 });
    transports.push(good);
    expect(await deliverRun({ store, runId, rendered: content, settings, transport: good, now })).toMatchObject({ sent: 1 });
  });

  it('stops at once on a refused login, naming the credentials, and leaves everyone pending', async () => {
    const content = await rendered();
    const { store, runId } = ledger(addresses(4), content);
    const server = await startSmtpServer({ auth: { user: 'digest', pass: 'right' } });
    servers.push(server);
    const wrong = createSmtpTransport(`smtp://digest:wrong@127.0.0.1:${server.port}`, { maxConnections: 2, rateLimit: 0 });
    transports.push(wrong);
    const started = performance.now();
    const report = await deliverRun({ store, runId, rendered: content, settings, transport: wrong, now, retryDelayMs: 2000 });
    // No retry (and no retry delay) for a refused login.
    expect(performance.now() - started).toBeLessThan(1500);
    expect(report).toMatchObject({ sent: 0, pending: 4, failedTemporary: 0, failedPermanent: 0 });
    expect(report.aborted).toMatch(/535|Invalid/);
    expect(report.abortHint).toMatch(/user name or password.*SMTP_URL/);
    expect(server.messages).toHaveLength(0);
  });

  it('gives up on a server that accepts connections and never answers, within the connection timeout', async () => {
    const content = await rendered();
    const { store, runId } = ledger(addresses(3), content);
    const silent = await startSilentServer();
    servers.push(silent);
    const hung = createSmtpTransport(silent.url, { maxConnections: 1, rateLimit: 0, connectionTimeoutMs: 300 });
    transports.push(hung);
    const started = performance.now();
    const report = await deliverRun({ store, runId, rendered: content, settings, transport: hung, now, retryDelayMs: 5, attempts: 2 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(report).toMatchObject({ sent: 0, pending: 3 });
    expect(report.abortHint).toMatch(/did not answer in time.*connectionTimeoutSeconds/);
    expect(store.deliveries(runId).map((d) => d.status)).toEqual(['pending', 'pending', 'pending']);
  });

  it('keeps to the configured number of connections', async () => {
    const content = await rendered();
    const { store, runId } = ledger(addresses(12), content);
    const server = await startSmtpServer({ beforeReply: () => new Promise((resolve) => setTimeout(resolve, 30)) });
    servers.push(server);
    const transport = createSmtpTransport(server.url, { maxConnections: 3, rateLimit: 0 });
    transports.push(transport);
    expect(await deliverRun({ store, runId, rendered: content, settings, transport, now })).toMatchObject({ sent: 12 });
    expect(server.connections.most).toBe(3);
    expect(server.messages).toHaveLength(12);
  });

  it('keeps to the configured rate in messages per second', async () => {
    const content = await rendered();
    const { store, runId } = ledger(addresses(12), content);
    const server = await startSmtpServer();
    servers.push(server);
    const transport = createSmtpTransport(server.url, { maxConnections: 2, rateLimit: 5 });
    transports.push(transport);
    const started = performance.now();
    expect(await deliverRun({ store, runId, rendered: content, settings, transport, now })).toMatchObject({ sent: 12 });
    // nodemailer counts 5 messages per 1-second window from the first one it starts: messages
    // 1–5 go in the first window, 6–10 in the second, 11–12 in the third (≥ 2 s after the first).
    expect(performance.now() - started).toBeGreaterThan(1900);
    const times = server.messages.map((m) => m.receivedAt).sort((a, b) => a - b);
    expect(times[10]! - times[0]!).toBeGreaterThan(1400);
  });

  it('stops starting messages when asked to, leaving the rest pending for the next run', async () => {
    const content = await rendered();
    const { store, runId } = ledger(addresses(10), content);
    const stop = new AbortController();
    const server = await startSmtpServer({ afterAccept: (count) => count === 3 && stop.abort() });
    servers.push(server);
    const transport = createSmtpTransport(server.url, { maxConnections: 1, rateLimit: 0 });
    transports.push(transport);
    const report = await deliverRun({ store, runId, rendered: content, settings, transport, now, signal: stop.signal });
    expect(report.interrupted).toBe(true);
    expect(report.sent).toBeGreaterThanOrEqual(3);
    expect(report.sent + report.pending).toBe(10);
    expect(server.messages).toHaveLength(report.sent);
  });

  it('signs every message with the configured DKIM key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = tmp.write('dkim/private.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const key = loadDkimKey({ selector: 'mail2026', privateKeyFile: keyFile }, FROM);
    expect(key).toMatchObject({ domainName: 'news.example', keySelector: 'mail2026' });
    const content = await rendered();
    const { store, runId } = ledger(addresses(2), content);
    const server = await startSmtpServer();
    servers.push(server);
    const transport = createSmtpTransport(server.url, { maxConnections: 1, rateLimit: 0, dkim: key });
    transports.push(transport);
    expect(await deliverRun({ store, runId, rendered: content, settings, transport, now })).toMatchObject({ sent: 2 });
    for (const message of server.messages) {
      const result = verifyDkim(message.raw, publicKey);
      expect(result.tags).toMatchObject({ d: 'news.example', s: 'mail2026', c: 'relaxed/relaxed', a: 'rsa-sha256' });
      expect(result.tags.h?.toLowerCase().split(':')).toEqual(expect.arrayContaining(['from', 'subject', 'date', 'message-id', 'to', 'list-unsubscribe', 'list-unsubscribe-post']));
      expect(result.bodyHashOk).toBe(true);
      expect(result.ok).toBe(true);
    }
  });

  it('refuses a DKIM key path that does not exist, or a file that is not a key, naming it', () => {
    const missing = (() => {
      try {
        loadDkimKey({ selector: 's', privateKeyFile: '/nonexistent/dkim.pem' }, FROM);
      } catch (error) {
        return error as ConfigError;
      }
    })();
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing!.message).toBe('delivery.dkim.privateKeyFile: cannot read the DKIM key /nonexistent/dkim.pem (ENOENT)');
    const notKey = tmp.write('notkey.pem', 'hello');
    expect(() => loadDkimKey({ selector: 's', privateKeyFile: notKey }, FROM)).toThrow(/is not an RSA private key in PEM form/);
    const ed = tmp.write('ed.pem', generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    expect(() => loadDkimKey({ selector: 's', privateKeyFile: ed }, FROM)).toThrow(/ed25519 key/);
  });
});

describe('personaliseBytes (what deliverRun sends)', () => {
  it('gives the very bytes personalise gives as strings, for awkward values too', async () => {
    const content = await rendered();
    const recipients: RecipientValues[] = [{ email: 'ö@example.com', name: 'O’Brien <&> "x"', fields: { token: '“q&r”' } }, { email: 'plain@example.com', fields: {} }];
    for (const recipient of recipients) {
      for (const template of [settings.unsubscribeUrl, undefined, 'https://news.example/u?t={{token}}']) {
        const strings = personalise(content, recipient, template);
        const bytes = personaliseBytes(content, recipient, template);
        expect(bytes.subject).toBe(strings.subject);
        expect(bytes.html.equals(Buffer.from(strings.html))).toBe(true);
        expect(bytes.text.equals(Buffer.from(strings.text))).toBe(true);
        expect(bytes.unsubscribeUrl).toBe(strings.unsubscribeUrl);
      }
    }
  });
});

describe('deliverRun to the outbox', () => {
  it('writes one complete .eml per recipient that parses back to the same message', async () => {
    const content = await rendered();
    const { store, runId } = ledger(addresses(3), content);
    const dir = path.join(tmp.dir(), 'outbox');
    const transport = createOutboxTransport(dir, 'run-1');
    transports.push(transport);
    const report = await deliverRun({ store, runId, rendered: content, settings, transport, now });
    // Files in a folder are not mail: written, never sent.
    expect(report).toMatchObject({ kind: 'outbox', sent: 0, written: 3 });
    expect(store.deliveries(runId).map((d) => d.status)).toEqual(['written', 'written', 'written']);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['run-1-reader0@example.com.eml', 'run-1-reader1@example.com.eml', 'run-1-reader2@example.com.eml']);
    const mail = await simpleParser(readFileSync(path.join(dir, files[0]!)));
    expect(mail.subject).toBe(content.subject);
    expect(mail.messageId).toBe(deterministicMessageId('run1', 'reader0@example.com', FROM));
    expect(mail.html).toContain('reader0@example.com subscribed');
  });
});
