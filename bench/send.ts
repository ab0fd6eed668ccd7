/**
 * Sending figures (run by `npm run bench` in a process of its own, so its memory figure is its own):
 * N recipients (default 10,000; BENCH_RECIPIENTS to change) through the pooled SMTP transport to a
 * local SMTP server that runs in a child process and discards what it receives.
 *
 *   - personalisation per recipient (tokens filled into the HTML compiled once, with signed
 *     unsubscribe and preferences links as `web.baseUrl` makes them; BENCH_LINKS=plain for the
 *     old unsubscribe template with the address in it, to see what signing costs);
 *   - throughput of `deliverRun` (personalise, compose, ledger writes with one fsync per message)
 *     on one run of N recipients, against raw nodemailer sending one prebuilt message through an
 *     identical pool, in alternating slices of the same process so load swings hit both alike;
 *   - peak RSS while sending.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startSink } from './smtp-sink.js';
import { sampleConfig } from '../src/config/load-config.js';
import { composeMessage, deterministicMessageId } from '../src/deliver/compose-message.js';
import { deliverRun, runLinks } from '../src/deliver/deliver-run.js';
import { TokenSigner } from '../src/tokens/tokens.js';
import { createSmtpTransport } from '../src/deliver/transports.js';
import { buildDigest } from '../src/pipeline/build-digest.js';
import { loadTemplates } from '../src/render/load-templates.js';
import { personalise, personaliseBytes } from '../src/render/personalise.js';
import { renderDigest } from '../src/render/render-digest.js';
import { renderSettings } from '../src/pipeline/render-settings.js';
import { StateStore, storedRendering } from '../src/state/state-store.js';

const N = Number(process.env.BENCH_RECIPIENTS) || 10_000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 2;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'digest-bench-send-'));
  const loaded = sampleConfig({ cwd: work, env: {} });
  // As a real setup sends: signed unsubscribe and preferences links, one-click List-Unsubscribe.
  const config = { ...loaded, web: { ...loaded.web, baseUrl: 'https://digest.example.com' } };
  const signer = new TokenSigner('bench-secret-bench-secret-bench-secret-0');
  const built = await buildDigest(config, { now: new Date('2026-11-27T07:00:00Z'), mode: 'preview' });
  const rendered = await renderDigest(built.digest, loadTemplates(config.templateDir), renderSettings(config), { validation: 'strict' });
  const recipients = Array.from({ length: N }, (_, i) => ({ email: `reader${i}@example.com`, name: `Reader ${i}`, fields: { token: `t${i}` } }));
  const settings = { from: config.from, title: config.title, baseUrl: config.web.baseUrl, unsubscribeMailto: 'unsubscribe@example.com' };
  // BENCH_LINKS=plain: the old way, an unsubscribe URL template with the address in it (to see what signing costs).
  const plain = process.env.BENCH_LINKS === 'plain';
  if (plain) Object.assign(settings, { baseUrl: undefined, unsubscribeUrl: 'https://example.com/unsubscribe?email={{email}}' });
  const links = runLinks(settings, 1, signer);
  console.log(`Sending: ${N} recipients, ${built.digest.items.length}-item digest (${(Buffer.byteLength(rendered.html) / 1024).toFixed(0)} KB of HTML), ${CONNECTIONS} pooled SMTP connections, no rate limit, to smtp-server in a child process\n`);

  // Personalisation alone: as strings (previews, test sends) and as UTF-8 bodies (what deliverRun sends).
  const perRecipient = (fill: typeof personalise | typeof personaliseBytes) => {
    const started = performance.now();
    for (const r of recipients) fill(rendered, r, links);
    return ((performance.now() - started) / N) * 1000;
  };
  const asStrings = perRecipient(personalise);
  const asBytes = perRecipient(personaliseBytes);
  console.log(`  personalise per recipient, mean of ${N}   ${asBytes.toFixed(1)} µs as UTF-8 bodies for sending, ${asStrings.toFixed(1)} µs as strings   (target ≤ 50 µs)`);

  const sink = await startSink();
  const transportOptions = { maxConnections: CONNECTIONS, rateLimit: 0 };
  // The same bytes deliverRun hands to nodemailer, built once.
  const prebuilt = composeMessage(recipients[0]!, personaliseBytes(rendered, recipients[0]!, links), { ...settings, date: new Date(), messageId: '<bench@example.com>' });

  /** Raw nodemailer: one prebuilt message, only the address changing, as many in flight as connections. */
  const raw = async (from: number, count: number): Promise<number> => {
    const transport = createSmtpTransport(sink.url, transportOptions);
    let next = from;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < from + count) {
          const r = recipients[next++]!;
          await transport.send({ ...prebuilt, to: { name: r.name, address: r.email } });
        }
      }),
    );
    const ms = performance.now() - t;
    transport.close();
    return ms;
  };

  // One run of N recipients in a ledger on disk, every recipient personalised, composed and
  // recorded (one fsync per message).
  const store = StateStore.open(path.join(work, 'state.sqlite'));
  const runId = store.transaction(() =>
    store.createRun({
      kind: 'run',
      slot: null,
      startedAt: new Date().toISOString(),
      ...storedRendering(rendered),
      itemIds: built.digest.items.map((i) => i.id),
      recipients: recipients.map((r) => ({ ...r, messageId: deterministicMessageId('bench', r.email, config.from) })),
    }),
  );
  /** Sends the next `count` of the run (stopping it there with its signal, as SIGTERM would). */
  const ledger = async (count: number): Promise<{ ms: number; sent: number }> => {
    const transport = createSmtpTransport(sink.url, transportOptions);
    const stop = new AbortController();
    const t = performance.now();
    const report = await deliverRun({ store, runId, rendered, settings, signer, transport, now: () => new Date(), signal: stop.signal, onProgress: (done) => done >= count && stop.abort() });
    const ms = performance.now() - t;
    transport.close();
    return { ms, sent: report.sent };
  };

  // The machines this runs on are shared and their load swings by the minute, so the two are
  // measured in alternating slices (raw, ledger, ledger, raw, …) and the times summed.
  await raw(0, Math.min(500, N)); // warm-up: JIT, connections, the sink
  const before = await sink.received();
  const slices = 10;
  const slice = Math.ceil(N / slices);
  let rawMs = 0;
  let rawSent = 0;
  let ledgerMs = 0;
  let ledgerSent = 0;
  globalThis.gc?.();
  const idleRss = process.memoryUsage.rss();
  let peak = idleRss;
  let sampling = false;
  const sampler = setInterval(() => sampling && (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  for (let i = 0; i < slices && ledgerSent < N; i++) {
    const doRaw = async () => {
      const count = Math.min(slice, N - rawSent);
      rawMs += await raw(rawSent, count);
      rawSent += count;
    };
    const doLedger = async () => {
      sampling = true;
      const result = await ledger(Math.min(slice, N - ledgerSent));
      sampling = false;
      ledgerMs += result.ms;
      ledgerSent += result.sent;
    };
    if (i % 2 === 0) {
      await doRaw();
      await doLedger();
    } else {
      await doLedger();
      await doRaw();
    }
  }
  clearInterval(sampler);
  const received = (await sink.received()) - before;
  sink.stop();
  const counts = store.deliveryCounts(runId);
  store.close();
  const rawRate = rawSent / (rawMs / 1000);
  const ledgerRate = ledgerSent / (ledgerMs / 1000);
  console.log(`  raw nodemailer, prebuilt message          ${rawRate.toFixed(0)} msg/s   (${rawSent} messages)`);
  console.log(`  deliverRun, one run of ${N} in the ledger  ${ledgerRate.toFixed(0)} msg/s = ${((ledgerRate / rawRate) * 100).toFixed(0)}% of raw   (target ≥ 80%)`);
  console.log(`  peak RSS while sending the run            ${mb(peak)} (the process held ${mb(idleRss)} before sending)   (target ≤ 300 MB)`);
  console.log(`  the run's ledger                          ${counts.sent} sent, ${counts.pending} pending; the server received ${received} messages (${rawSent + ledgerSent} sent)`);
  rmSync(work, { recursive: true, force: true });
}

await main();
