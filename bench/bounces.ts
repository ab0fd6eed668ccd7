/**
 * `digest bounces` over N delivery-status notifications (default 10,000; BENCH_BOUNCES to
 * change), run by `npm run bench` in a process of its own. The notices are the Postfix, Exchange
 * Online, Gmail, Exim and qmail samples of test/fixtures/bounces, one per reader of a 10,000-reader
 * run, each with that reader's signed VERP token and its own Message-ID, in a plain folder. What
 * is timed is what the command does after loading its config: readBounces (read each file,
 * parse, classify, verify the token, record, suppress, fsync, move the file to Processed/).
 *
 * The peer, measured in the same process on the same files before and after, is the floor any
 * MIME-based reader pays: read each file and parse it with mailparser's simpleParser (default
 * options), doing nothing with the result.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { simpleParser } from 'mailparser';
import { TokenSigner } from '../src/tokens/tokens.js';
import { readBounces } from '../src/bounces/process-bounces.js';
import { envelopeSender } from '../src/bounces/verp.js';
import { loadConfig } from '../src/config/load-config.js';
import { deterministicMessageId } from '../src/deliver/compose-message.js';
import { StateStore } from '../src/state/state-store.js';
import { renderBounceFixture } from '../test/support/bounces.js';

const N = Number(process.env.BENCH_BOUNCES) || 10_000;
const SECRET = 'bench secret, long enough to be accepted 0123456789';
const FROM = 'Morning Digest <digest@news.example.com>';
const BOUNCE_ADDRESS = 'bounces@news.example.com';

/** Sample, the reader it names, and its share of the notices. */
const MIX: [string, string, number][] = [
  ['postfix-user-unknown.eml', 'alice@example.net', 0.4],
  ['postfix-mailbox-full.eml', 'bob@example.org', 0.2],
  ['postfix-delayed.eml', 'bob@example.org', 0.1],
  ['office365-recipient-not-found.eml', 'grace@contoso.example', 0.1],
  ['gmail-address-not-found.eml', 'henry@example.org', 0.1],
  ['exim-user-unknown.eml', 'carol@example.com', 0.05],
  ['qmail-user-unknown.eml', 'frank@example.net', 0.05],
];

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

async function parseOnly(dir: string): Promise<number> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  const started = performance.now();
  for (const file of files) await simpleParser(readFileSync(path.join(dir, file)));
  return files.length / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'digest-bench-bounces-'));
  try {
    const configFile = path.join(work, 'digest.config.yaml');
    writeFileSync(configFile, `title: Morning Digest\nfrom: ${FROM}\ndelivery:\n  bounceAddress: ${BOUNCE_ADDRESS}\n  transport: outbox\n`);
    const config = loadConfig({ configPath: configFile, env: { DIGEST_SECRET: SECRET } });
    const readers = Array.from({ length: N }, (_, i) => `reader${String(i).padStart(5, '0')}@example.com`);
    const store = StateStore.open(config.statePath);
    const runId = store.createRun({
      kind: 'run', slot: null, startedAt: '2026-12-03T07:00:11.000Z', digestHash: 'bench', subject: 'Morning Digest', preheader: '', html: '', text: '', marker: 'm',
      itemIds: [], settings: { from: FROM, title: 'Morning Digest', bounceAddress: BOUNCE_ADDRESS },
      recipients: readers.map((email) => ({ email, fields: {}, messageId: deterministicMessageId('bench', email, FROM) })),
    });
    store.close();

    const signer = new TokenSigner(SECRET);
    const inbox = path.join(work, 'bounces');
    mkdirSync(inbox);
    let bytes = 0;
    let next = 0;
    const counts = new Map<string, number>();
    for (const [name, sampleReader, share] of MIX) {
      const count = name === MIX.at(-1)![0] ? N - next : Math.round(N * share);
      counts.set(name, count);
      for (let k = 0; k < count; k++, next++) {
        const reader = readers[next]!;
        const raw = renderBounceFixture(name, {
          verp: () => envelopeSender(BOUNCE_ADDRESS, signer, runId, reader)!,
          messageId: () => deterministicMessageId('bench', reader, FROM),
        })
          .toString('utf8')
          .replaceAll(sampleReader, reader)
          .replace(/^(Message-I[dD]: <)([^>]+)>/m, `$1bench-${next}.$2>`);
        bytes += raw.length;
        writeFileSync(path.join(inbox, `${String(next).padStart(5, '0')}.eml`), raw);
      }
    }
    console.log(
      `digest bounces: ${N.toLocaleString('en')} delivery-status notices (${mb(bytes)}) in a folder, one per reader of a ${N.toLocaleString('en')}-reader run: ${MIX.map(([name]) => `${counts.get(name)} ${name.replace('.eml', '')}`).join(', ')}`,
    );

    globalThis.gc?.();
    const peerBefore = await parseOnly(inbox);
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const started = performance.now();
    const report = await readBounces(config, { mailboxes: [inbox] }, { env: {} });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    globalThis.gc?.();
    const peerAfter = await parseOnly(path.join(inbox, 'Processed'));
    const peer = (peerBefore + peerAfter) / 2;
    const rate = report.counts.read / seconds;
    const { counts: c } = report;
    console.log(
      `  readBounces (parse, classify, verify token, record, suppress, fsync, move): ${seconds.toFixed(1)} s, ${Math.round(rate)} notices/s; peak RSS ${mb(peak)} (+${mb(peak - rssBefore)})`,
    );
    console.log(`    ${c.hard} hard (suppressed ${c.suppressed}), ${c.soft} soft counted, ${c.delayed} delayed, ${c.left} left, ${c.moved} moved to Processed/`);
    console.log(
      `  peer, read + mailparser simpleParser only, same files: ${Math.round(peerBefore)} and ${Math.round(peerAfter)} notices/s (before, after); digest bounces runs at ${(rate / peer).toFixed(2)}× its mean`,
    );
    console.log('  (2-core machine shared with other jobs while measured: figures are noisy; compare the ratio, not the absolute rate)');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
