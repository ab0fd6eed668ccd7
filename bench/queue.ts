/**
 * Delivery-queue figures (issue 13), run by `npm run bench` in a process of its own:
 *
 *   - throughput with 1, 2 and 4 `digest worker` processes (2 SMTP connections each) against a relay
 *     that answers each message after 20 ms, each ratio against the single worker of the same run of
 *     the bench, with the machine's CPU use while they send (where the 2 cores saturate);
 *   - time to enqueue 100,000 readers, and the Redis memory they take (default settings, and with
 *     hash-max-listpack-value 512);
 *   - the coordinator's memory for a run of 100,000 readers, enqueued and followed to the end (4
 *     workers, a relay that answers at once).
 *
 * Needs Debian's redis-server (apt-get install -y redis-server); started here on a free port.
 * BENCH_QUEUE_MESSAGES (default 4,000) sets the size of the throughput runs, BENCH_QUEUE_READERS
 * (default 100,000) the big run. BENCH_QUEUE_ENQUEUE_ONLY=1000000 measures only enqueueing that many
 * readers (time, Redis memory, the coordinator's memory), without sending them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { loadConfig } from '../src/config/load-config.js';
import { deterministicMessageId } from '../src/deliver/compose-message.js';
import { buildDigest } from '../src/pipeline/build-digest.js';
import { renderSettings } from '../src/pipeline/render-settings.js';
import { coordinateRun } from '../src/queue/coordinate-run.js';
import { loadTemplates } from '../src/render/load-templates.js';
import { renderDigest, type RenderedDigest } from '../src/render/render-digest.js';
import { StateStore, storedRendering } from '../src/state/state-store.js';
import { startRedis, type TestRedis } from '../test/support/redis.js';
import { startSink } from './smtp-sink.js';

const MESSAGES = Number(process.env.BENCH_QUEUE_MESSAGES) || 4000;
const READERS = Number(process.env.BENCH_QUEUE_READERS) || 100_000;
const ENQUEUE_ONLY = Number(process.env.BENCH_QUEUE_ENQUEUE_ONLY) || 0;
const CONNECTIONS = 2;
const RELAY_DELAY_MS = 20;
const ROOT = path.resolve(import.meta.dirname, '..');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const count = (n: number) => n.toLocaleString('en-GB');

/** A folder with a config naming the queue, and a ledger whose run 1 sends to `readers` readers. */
function project(redis: TestRedis, rendered: RenderedDigest, readers: number, queueName: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'digest-bench-queue-'));
  writeFileSync(
    path.join(dir, 'digest.config.yaml'),
    JSON.stringify({
      from: 'Bench Digest <digest@news.example>',
      unsubscribeUrl: 'https://news.example/u?t={{token}}',
      state: 'state.sqlite',
      delivery: { queue: redis.url, queueName, maxConnections: CONNECTIONS, rateLimit: 0, takeoverSeconds: 30 },
    }),
  );
  const store = StateStore.open(path.join(dir, 'state.sqlite'));
  const startedAt = new Date().toISOString();
  store.transaction(() =>
    store.createRun({
      kind: 'run',
      slot: null,
      startedAt,
      ...storedRendering(rendered),
      itemIds: [],
      settings: { from: 'Bench Digest <digest@news.example>', title: 'Bench Digest', unsubscribeUrl: 'https://news.example/u?t={{token}}' },
      recipients: Array.from({ length: readers }, (_, i) => ({
        email: `reader${i}@example.com`,
        name: `Reader ${i}`,
        fields: { token: `t${i}` },
        messageId: deterministicMessageId(`bench.${queueName}`, `reader${i}@example.com`, 'digest@news.example'),
      })),
    }),
  );
  store.close();
  return dir;
}

interface WorkerProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `digest worker` processes, as an operator starts them; resolves once each takes jobs. */
async function startWorkers(dir: string, n: number, smtpUrl: string): Promise<WorkerProcess[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/bin.ts'), 'worker', '--config', path.join(dir, 'digest.config.yaml'), '--name', `w${i + 1}`], {
        cwd: ROOT,
        env: { ...process.env, SMTP_URL: smtpUrl, DIGEST_QUEUE_URL: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let ready = false;
      for await (const line of createInterface({ input: child.stdout! })) {
        if (/taking jobs from/.test(line)) {
          ready = true;
          break;
        }
      }
      if (!ready) throw new Error(`digest worker w${i + 1} exited before taking jobs`);
      child.stdout!.resume();
      return {
        child,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      };
    }),
  );
}

/** Busy and total CPU time of the whole machine (all cores), in clock ticks, from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU time a process has used (user + system), in clock ticks, from /proc/PID/stat. */
function processCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function throughput(redis: TestRedis, rendered: RenderedDigest, relayUrl: string, workers: number) {
  const dir = project(redis, rendered, MESSAGES, `bench-${workers}`);
  const processes = await startWorkers(dir, workers, relayUrl);
  const config = loadConfig({ cwd: dir, env: {} });
  const store = StateStore.open(path.join(dir, 'state.sqlite'));
  const run = store.getRun(1)!;
  const marks: { at: number; done: number; cpu: ReturnType<typeof machineCpu>; workerCpu: number }[] = [];
  const workerCpu = () => processes.reduce((sum, p) => sum + processCpu(p.child.pid!), 0);
  const report = await coordinateRun(config, store, 1, run, run.settings as never, {
    now: () => new Date(),
    retryDelayMs: 1000,
    onProgress: (done) => marks.push({ at: performance.now(), done, cpu: machineCpu(), workerCpu: workerCpu() }),
  });
  store.close();
  await Promise.all(processes.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
  // The steady part: from 10% to 90% of the run, leaving out the start (connections, JIT) and the tail.
  const from = marks.find((m) => m.done >= MESSAGES * 0.1)!;
  const to = marks.find((m) => m.done >= MESSAGES * 0.9)!;
  const seconds = (to.at - from.at) / 1000;
  const messages = to.done - from.done;
  const busy = (to.cpu.busy - from.cpu.busy) / (to.cpu.total - from.cpu.total);
  const workerMsPerMessage = ((to.workerCpu - from.workerCpu) * 10) / messages;
  return { rate: messages / seconds, busy, workerMsPerMessage, sent: report.sent };
}

interface CoordinatorLine {
  enqueued?: number;
  ms?: number;
  rss?: number;
  done?: boolean;
  sent?: number;
  peakRss?: number;
  maxRss?: number;
  liveHeap?: number;
  idleRss?: number;
}

/** The coordinator in a process of its own (bench/queue-coordinator.ts). */
function coordinator(dir: string, mode: 'follow' | 'enqueue'): { enqueued: Promise<CoordinatorLine>; done: Promise<CoordinatorLine> } {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, 'queue-coordinator.ts'), dir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string) as CoordinatorLine;
  const enqueued = next();
  const done = enqueued.then(next);
  return { enqueued, done };
}

/** Enqueueing alone (BENCH_QUEUE_ENQUEUE_ONLY): a list too long to send on the bench machine. */
async function enqueueOnly(redis: TestRedis, rendered: RenderedDigest, readers: number): Promise<void> {
  const client = redis.client();
  await client.flushall();
  const dir = project(redis, rendered, readers, 'bench-enqueue');
  const before = await redis.usedMemory();
  const run = coordinator(dir, 'enqueue');
  const enqueued = await run.enqueued;
  const bytes = (await redis.usedMemory()) - before;
  const done = await run.done;
  console.log(`  enqueue ${count(readers)} readers (not sent)  ${(enqueued.ms! / 1000).toFixed(1)} s (${count(Math.round(readers / (enqueued.ms! / 1000)))} jobs/s)`);
  console.log(`  Redis memory with them queued            ${mb(bytes)} = ${(bytes / readers).toFixed(0)} bytes per job (default hash-max-listpack-value 64)`);
  console.log(`  coordinator memory                       peak RSS ${mb(done.peakRss!)} (${mb(done.idleRss!)} before it started); JS heap in use after a full GC at most ${mb(done.liveHeap!)}`);
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  let redis: TestRedis;
  try {
    redis = await startRedis();
  } catch (error) {
    console.log(`Delivery queue: skipped (${(error as Error).message})`);
    return;
  }
  const client = redis.client();
  const config = loadConfig({ cwd: ROOT, env: {} });
  const built = await buildDigest(config, { now: new Date('2026-11-27T07:00:00Z'), mode: 'preview' });
  const rendered = await renderDigest(built.digest, loadTemplates(config.templateDir), renderSettings(config), { validation: 'strict' });
  const version = /redis_version:(\S+)/.exec(await client.info('server'))![1];
  console.log(
    `Delivery queue (BullMQ on Redis ${version}): ${built.digest.items.length}-item digest (${(Buffer.byteLength(rendered.html) / 1024).toFixed(0)} KB of HTML), ` +
      `\`digest worker\` processes with ${CONNECTIONS} SMTP connections each, no rate limit; load average at start ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} cores\n`,
  );

  if (ENQUEUE_ONLY) {
    await enqueueOnly(redis, rendered, ENQUEUE_ONLY);
    await redis.close();
    return;
  }

  // 1. Throughput against a relay that answers each message after 20 ms.
  const relay = await startSink({ delayMs: RELAY_DELAY_MS });
  console.log(`  ${count(MESSAGES)} readers per run, relay answering each message after ${RELAY_DELAY_MS} ms (ceiling: ${(CONNECTIONS * 1000) / RELAY_DELAY_MS} msg/s per worker)`);
  let single = 0;
  for (const workers of [1, 2, 4]) {
    const result = await throughput(redis, rendered, relay.url, workers);
    if (workers === 1) single = result.rate;
    const ratio = workers === 1 ? '' : `  = ${(result.rate / single).toFixed(2)}× one worker (target ${workers === 2 ? '≥ 1.8×' : '≥ 3×'})`;
    console.log(
      `  ${workers} worker${workers === 1 ? ' ' : 's'}  ${result.rate.toFixed(0).padStart(4)} msg/s${ratio.padEnd(42)}  machine CPU ${(result.busy * 100).toFixed(0)}% busy, workers ${result.workerMsPerMessage.toFixed(2)} ms CPU per message`,
    );
  }
  relay.stop();

  // 2. Enqueueing 100,000 readers, Redis memory, and the coordinator following the whole run.
  const fast = await startSink();
  await client.flushall();
  const dir = project(redis, rendered, READERS, 'bench-big');
  const before = await redis.usedMemory();
  const big = coordinator(dir, 'follow');
  const enqueued = await big.enqueued;
  const queued = (await redis.usedMemory()) - before;
  console.log(`\n  enqueue ${count(READERS)} readers                 ${(enqueued.ms! / 1000).toFixed(1)} s (coordinator process, ${count(Math.round(READERS / (enqueued.ms! / 1000)))} jobs/s)`);
  console.log(`  Redis memory with them queued            ${mb(queued)} = ${(queued / READERS).toFixed(0)} bytes per job, ${mb((queued / READERS) * 100_000)} per 100,000 (jobs and event stream, default hash-max-listpack-value 64)`);
  const workers = await startWorkers(dir, 4, fast.url);
  const started = performance.now();
  const done = await big.done;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(workers.map((w) => w.stop()));
  console.log(`  sent by 4 workers, relay answering at once ${count(done.sent!)} in ${seconds.toFixed(0)} s (${(done.sent! / seconds).toFixed(0)} msg/s); Redis afterwards ${mb((await redis.usedMemory()) - before)} over empty`);
  console.log(
    `  coordinator memory                       peak RSS ${mb(done.peakRss!)} (${mb(done.idleRss!)} before it started, ${mb(enqueued.rss!)} right after enqueueing); JS heap in use after a full GC at most ${mb(done.liveHeap!)}`,
  );
  rmSync(dir, { recursive: true, force: true });
  fast.stop();

  await client.flushall();
  await client.config('SET', 'hash-max-listpack-value', '512');
  const compact = project(redis, rendered, READERS, 'bench-compact');
  const compactBefore = await redis.usedMemory();
  const onlyEnqueue = coordinator(compact, 'enqueue');
  await onlyEnqueue.enqueued;
  const compactBytes = (await redis.usedMemory()) - compactBefore;
  await onlyEnqueue.done;
  console.log(`  … with hash-max-listpack-value 512       ${mb(compactBytes)} = ${(compactBytes / READERS).toFixed(0)} bytes per job, ${mb((compactBytes / READERS) * 100_000)} per 100,000`);
  rmSync(compact, { recursive: true, force: true });
  await redis.close();
}

await main();
