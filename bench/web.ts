/**
 * `digest web` figures (run by `npm run bench` in a process of its own):
 *
 *   - one-click unsubscribe POSTs per second on loopback: distinct readers' signed links, 64
 *     keep-alive connections (BENCH_CONNECTIONS), against `digest web` in a child process on a
 *     state file on disk. Durable: every answer waits for the fdatasync of the write-ahead log holding that reader's
 *     suppression (concurrent requests share one sync). Quoted beside a bare node:http server in
 *     the same child answering the same requests with a short page (the ceiling of this client and
 *     machine), measured in alternating slices so load swings hit both alike. Target ≥ 2,000/s on
 *     2 cores.
 *   - the archive index with 1,000 past issues: rendering it in process (query + page), and a GET
 *     of /archive/ through the server. Target ≤ 50 ms.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { loadConfig } from '../src/config/load-config.js';
import { buildDigest } from '../src/pipeline/build-digest.js';
import { loadTemplates } from '../src/render/load-templates.js';
import { renderDigest } from '../src/render/render-digest.js';
import { renderSettings } from '../src/pipeline/render-settings.js';
import { StateStore, storedRendering } from '../src/state/state-store.js';
import { TokenSigner } from '../src/tokens/tokens.js';
import { archiveIndexPage } from '../src/web/archive.js';
import { siteFrom } from '../src/web/layout.js';

const ISSUES = 1000;
const POSTS = Number(process.env.BENCH_UNSUBSCRIBES) || 20_000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 64;
const SECRET = 'bench-secret-bench-secret-bench-secret-0';
const ROOT = path.resolve(import.meta.dirname, '..');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Sends `paths` as POSTs with the one-click body, CONNECTIONS at a time; the time taken. */
async function postAll(base: string, paths: readonly string[], agent: Agent): Promise<{ ms: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const one = (target: string) =>
    new Promise<void>((resolve, reject) => {
      const body = 'List-Unsubscribe=One-Click';
      const req = request(new URL(target, base), { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length } }, (response) => {
        if (response.statusCode !== 200) failed++;
        response.resume();
        response.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < paths.length) await one(paths[next++]!);
    }),
  );
  return { ms: performance.now() - started, failed };
}

async function get(url: string, agent: Agent): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    request(url, { agent }, (response) => {
      response.resume();
      response.on('end', resolve);
    })
      .on('error', reject)
      .end();
  });
  return performance.now() - started;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'digest-bench-web-'));
  const configFile = path.join(work, 'digest.config.yaml');
  writeFileSync(configFile, JSON.stringify({ title: 'Bench Digest', feeds: ['feeds/world-news.rss.xml', 'feeds/science-notes.atom.xml', 'feeds/city-culture.json'].map((feed) => ({ url: path.join(ROOT, feed) })), state: 'state.sqlite', web: { baseUrl: 'https://digest.example.com' } }));
  const config = loadConfig({ configPath: configFile, env: { DIGEST_SECRET: SECRET } });

  // 1,000 past issues, each with the sample digest's real rendering, as runs record them.
  const built = await buildDigest(config, { now: new Date('2026-11-27T07:00:00Z'), mode: 'preview' });
  const rendered = await renderDigest(built.digest, loadTemplates(config.templateDir), renderSettings(config), { validation: 'strict' });
  const store = StateStore.open(config.statePath);
  store.transaction(() => {
    for (let i = 0; i < ISSUES; i++) {
      const startedAt = new Date(Date.UTC(2024, 0, 1, 7) + i * 86_400_000).toISOString();
      const runId = store.createRun({
        kind: 'run',
        slot: startedAt,
        startedAt,
        ...storedRendering(rendered),
        subject: `${rendered.subject} (${i + 1})`,
        itemIds: [],
        recipients: [{ email: 'reader@example.com', fields: {}, messageId: `<${i}@bench>` }],
      });
      store.updateDelivery(runId, 'reader@example.com', 'sent', startedAt);
    }
  });
  const site = { ...siteFrom(config), baseUrl: config.web.baseUrl };
  const renders: number[] = [];
  const cpuTimes: number[] = [];
  const cpu = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  let bytes = 0;
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    const c = cpu();
    const page = archiveIndexPage(site, store.archivedIssues());
    if (i >= 10) {
      renders.push(performance.now() - t);
      cpuTimes.push(cpu() - c);
    }
    bytes = Buffer.byteLength(page);
  }
  store.close();
  console.log(`digest web: archive index with ${ISSUES} past issues (${(bytes / 1000).toFixed(0)} KB page)`);
  // CPU time beside wall time: on a shared machine the wall clock also counts other jobs' turns.
  console.log(`  query + render in process, median of 50   ${ms(median(renders))} wall (p95 ${ms(percentile(renders, 0.95))}), ${ms(median(cpuTimes))} CPU   (target ≤ 50 ms)`);

  const child = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []), '--import', 'tsx', path.join(import.meta.dirname, 'web-child.ts'), configFile], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, DIGEST_SECRET: SECRET } });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const { web, bare } = JSON.parse((await lines.next()).value as string) as { web: string; bare: string };
  /** The server process's CPU time so far, in µs. */
  const serverCpu = async (): Promise<number> => {
    child.stdin!.write('\n');
    return (JSON.parse((await lines.next()).value as string) as { cpu: number }).cpu;
  };
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    const gets: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t = await get(`${web}archive/`, agent);
      if (i >= 10) gets.push(t);
    }
    console.log(`  GET /archive/ through digest web, median of 50   ${ms(median(gets))} (p95 ${ms(percentile(gets, 0.95))})`);

    // Distinct readers, each with their own signed link, as mailbox providers would post them.
    const signer = new TokenSigner(SECRET);
    const links = Array.from({ length: POSTS + 1000 }, (_, i) => `/unsubscribe?t=${signer.sign('unsubscribe', `reader${i}@example.com`)}`);
    await postAll(web, links.slice(POSTS), agent); // warm-up: JIT, connections
    await postAll(bare, links.slice(POSTS), agent);
    const slices = 10;
    const size = Math.ceil(POSTS / slices);
    let webMs = 0;
    let bareMs = 0;
    let webCpu = 0;
    let bareCpu = 0;
    let failed = 0;
    for (let i = 0; i < slices; i++) {
      const slice = links.slice(i * size, Math.min(POSTS, (i + 1) * size));
      const runWeb = async () => {
        const cpu = await serverCpu();
        const r = await postAll(web, slice, agent);
        webCpu += (await serverCpu()) - cpu;
        webMs += r.ms;
        failed += r.failed;
      };
      const runBare = async () => {
        const cpu = await serverCpu();
        bareMs += (await postAll(bare, slice, agent)).ms;
        bareCpu += (await serverCpu()) - cpu;
      };
      if (i % 2 === 0) {
        await runWeb();
        await runBare();
      } else {
        await runBare();
        await runWeb();
      }
    }
    const check = StateStore.open(config.statePath);
    const recorded = check.listSuppressions().length;
    check.close();
    // What a durable answer waits for: one fdatasync of a small write on this disk.
    const probe = await open(path.join(work, 'sync-probe'), 'w');
    const syncs: number[] = [];
    for (let i = 0; i < 30; i++) {
      await probe.write(Buffer.alloc(4096, i));
      const t = performance.now();
      await probe.datasync();
      syncs.push(performance.now() - t);
    }
    await probe.close();
    const webRate = POSTS / (webMs / 1000);
    const bareRate = POSTS / (bareMs / 1000);
    console.log(`One-click unsubscribe: ${POSTS} POSTs of distinct readers' signed links, ${CONNECTIONS} keep-alive connections on loopback, digest web in a child process`);
    console.log(`  digest web (verify, suppress, fdatasync, answer)   ${webRate.toFixed(0)} POSTs/s, ${(webCpu / POSTS).toFixed(0)} µs of server CPU each   (target ≥ 2,000/s)`);
    console.log(`  bare node:http answering the same requests       ${bareRate.toFixed(0)} POSTs/s, ${(bareCpu / POSTS).toFixed(0)} µs of server CPU each   (digest web = ${((webRate / bareRate) * 100).toFixed(0)}% of its rate)`);
    console.log(`  at that CPU cost alone (no waiting for the disk), one free core would answer ${(1e6 / (webCpu / POSTS)).toFixed(0)} POSTs/s (bare: ${(1e6 / (bareCpu / POSTS)).toFixed(0)})`);
    console.log(`  suppressions on disk afterwards: ${recorded} (${POSTS + 1000} links posted), ${failed} answers other than 200`);
    console.log(`  fdatasync of a 4 KB write on this disk, median of 30: ${ms(median(syncs))} (p95 ${ms(percentile(syncs, 0.95))}); with ${CONNECTIONS} requests in flight a batch cannot be bigger than ${CONNECTIONS}`);
  } finally {
    agent.destroy();
    child.kill('SIGINT');
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
