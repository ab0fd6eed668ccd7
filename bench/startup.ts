/**
 * Start-up and whole-process figures (issue 11): what a user waits for when cron or a terminal
 * starts `digest`. Every figure is the median of whole processes (spawn → exit), measured here
 * beside rss2email (Debian's `r2e`, installed with apt-get when missing) in the same run, so the
 * ratio holds on a busy machine even when the absolute times do not.
 *
 * 1. `digest --help` and `digest check` on the sample config (median of 7; r2e --help beside them),
 *    and `digest check --no-cache`, which renders every theme again (median of 3).
 * 2. 200 feeds on 200 loopback hosts (127.0.0.1 … 127.0.0.200, as 200 publishers would be), 50
 *    items each, every response delayed 50 ms (bench/feed-server.ts, another process): a first
 *    run with empty state and a second run where every feed answers 304, for `digest run`
 *    (outbox) and `r2e run --no-send`, alternating, 3 rounds, medians.
 */
import { spawn, spawnSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIGEST = path.join(ROOT, 'bin/digest.js');
const FEEDS = 200;
const ROUNDS = 3;
const HAS_TIME = existsSync('/usr/bin/time');

interface ProcessFigure {
  ms: number;
  /** Peak resident memory in MB (GNU time's %M), when /usr/bin/time is there. */
  rssMb: number | null;
  code: number | null;
  output: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs one whole process and times it from spawn to exit. */
function timeProcess(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<ProcessFigure> {
  const rssFile = path.join(tmpdir(), `digest-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [file, argv] = HAS_TIME ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { cwd, env: { ...process.env, NO_COLOR: '1', CI: '1', SMTP_URL: '', DIGEST_CONFIG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      let rssMb: number | null = null;
      if (HAS_TIME) {
        try {
          rssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
          rmSync(rssFile, { force: true });
        } catch {
          rssMb = null;
        }
      }
      resolve({ ms, rssMb, code, output });
    });
  });
}

async function medianOf(times: number, run: () => Promise<ProcessFigure>): Promise<{ ms: number; rssMb: number | null; all: number[] }> {
  const figures: ProcessFigure[] = [];
  for (let i = 0; i < times; i++) {
    const figure = await run();
    if (figure.code !== 0 && figure.code !== 2) throw new Error(`bench: a process failed (exit ${figure.code}):\n${figure.output}`);
    figures.push(figure);
  }
  const rss = figures.flatMap((f) => (f.rssMb === null ? [] : [f.rssMb]));
  return { ms: median(figures.map((f) => f.ms)), rssMb: rss.length ? median(rss) : null, all: figures.map((f) => f.ms) };
}

const show = (figure: { ms: number; rssMb: number | null }) => `${figure.ms.toFixed(0).padStart(6)} ms${figure.rssMb === null ? '' : `  ${figure.rssMb.toFixed(0).padStart(4)} MB`}`;

/** rss2email from Debian's packages; installed when missing (as root), else null. */
function findRss2email(): string | null {
  const which = () => spawnSync('sh', ['-c', 'command -v r2e'], { encoding: 'utf8' }).stdout.trim() || null;
  let r2e = which();
  if (r2e) return r2e;
  console.log('  rss2email is not installed: trying `apt-get install -y rss2email` …');
  const install = spawnSync('sh', ['-c', 'apt-get install -y rss2email >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y rss2email >/dev/null 2>&1)'], { stdio: 'inherit' });
  r2e = install.status === 0 ? which() : null;
  if (!r2e) console.log('  could not install rss2email (needs root and Debian\'s package archive): the side-by-side figures are skipped');
  return r2e;
}

async function benchCommands(r2e: string | null): Promise<void> {
  console.log('Start-up, whole processes, median of 7 (wall time, peak RSS)');
  const help = await medianOf(7, () => timeProcess(process.execPath, [DIGEST, '--help'], ROOT));
  console.log(`  digest --help                     ${show(help)}   (target ≤ 150 ms)`);
  const version = await medianOf(7, () => timeProcess(process.execPath, [DIGEST, '--version'], ROOT));
  console.log(`  digest --version                  ${show(version)}`);
  const bare = await medianOf(7, () => timeProcess(process.execPath, ['-e', '0'], ROOT));
  // Node's own start-up moves with the machine (92–143 ms on the 2-core machine here, from one day
  // or hour to the next); what digest adds to it is the part this code controls.
  console.log(`  node -e 0 (Node's own start-up)   ${show(bare)}   → digest --help adds ${(help.ms - bare.ms).toFixed(0)} ms to it`);
  const cold = await medianOf(3, () => timeProcess(process.execPath, [DIGEST, 'check', '--no-cache'], ROOT));
  console.log(`  digest check --no-cache           ${show(cold)}   (renders both themes: MJML loads)`);
  const check = await medianOf(7, () => timeProcess(process.execPath, [DIGEST, 'check'], ROOT));
  console.log(`  digest check (sample config)      ${show(check)}   (target ≤ 400 ms; themes unchanged since the last check)`);
  if (r2e) {
    const r2eHelp = await medianOf(7, () => timeProcess(r2e, ['--help'], ROOT));
    console.log(`  r2e --help (rss2email)            ${show(r2eHelp)}   → digest --help is ${(help.ms / r2eHelp.ms).toFixed(2)}× its time`);
  }
  console.log('');
}

/** Writes a digest project and an rss2email setup that both read the same 200 feeds. */
function projects(origin: (i: number) => string, r2e: string | null): { digestDir: string; r2eDir: string; cleanup(): void } {
  const work = mkdtempSync(path.join(tmpdir(), 'digest-bench-startup-'));
  const digestDir = path.join(work, 'digest');
  const r2eDir = path.join(work, 'r2e');
  spawnSync('mkdir', ['-p', digestDir, r2eDir]);
  const config = {
    title: 'Side by side',
    feeds: Array.from({ length: FEEDS }, (_, i) => ({ url: origin(i), name: `Feed ${i}` })),
    recipients: ['reader@example.com'],
    delivery: { transport: 'outbox' },
    out: 'out',
    state: '.digest/state.sqlite',
  };
  writeFileSync(path.join(digestDir, 'digest.config.yaml'), `${JSON.stringify(config, null, 2)}\n`);
  if (r2e) {
    const made = spawnSync(r2e, ['-c', 'cfg', '-d', 'data.json', 'new', 'reader@example.com'], { cwd: r2eDir, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`bench: r2e new failed: ${made.stderr}`);
    const sections = Array.from({ length: FEEDS }, (_, i) => `[feed.f${i}]\nurl = ${origin(i)}\n`).join('\n');
    writeFileSync(path.join(r2eDir, 'cfg'), `${readFileSync(path.join(r2eDir, 'cfg'), 'utf8')}\n${sections}`);
    const data = { version: 2, feeds: Array.from({ length: FEEDS }, (_, i) => ({ name: `f${i}`, etag: null, modified: null, seen: {} })) };
    writeFileSync(path.join(r2eDir, 'data.json'), JSON.stringify(data));
  }
  return { digestDir, r2eDir, cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

async function benchSideBySide(r2e: string | null): Promise<void> {
  const server = fork(path.join(import.meta.dirname, 'feed-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, FEEDS: String(FEEDS), HOSTS: String(FEEDS) },
  });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    server.once('message', (reply) => resolve(reply as { port: number }));
    server.once('exit', (code) => reject(new Error(`bench: the feed server exited (${code}); it listens on 127.0.0.1 … 127.0.0.${FEEDS}`)));
  });
  const origin = (i: number) => `http://127.0.0.${i + 1}:${port}/feed${i}.xml`;
  console.log(`Side by side: ${FEEDS} feeds × 50 items on ${FEEDS} loopback hosts, 50 ms per response; whole processes, ${ROUNDS} rounds, medians`);
  const ours = { first: [] as ProcessFigure[], second: [] as ProcessFigure[] };
  const theirs = { first: [] as ProcessFigure[], second: [] as ProcessFigure[] };
  for (let round = 0; round < ROUNDS; round++) {
    const setup = projects(origin, r2e);
    const runOurs = async () => {
      ours.first.push(await timeProcess(process.execPath, [DIGEST, 'run'], setup.digestDir));
      ours.second.push(await timeProcess(process.execPath, [DIGEST, 'run'], setup.digestDir));
    };
    const runTheirs = async () => {
      if (!r2e) return;
      theirs.first.push(await timeProcess(r2e, ['-c', 'cfg', '-d', 'data.json', 'run', '--no-send'], setup.r2eDir));
      theirs.second.push(await timeProcess(r2e, ['-c', 'cfg', '-d', 'data.json', 'run', '--no-send'], setup.r2eDir));
    };
    // Alternate who goes first, so neither always runs on a warmer machine.
    if (round % 2 === 0) {
      await runOurs();
      await runTheirs();
    } else {
      await runTheirs();
      await runOurs();
    }
    for (const figure of [...ours.first, ...ours.second].slice(-2)) {
      if (figure.code !== 0 && figure.code !== 2) throw new Error(`bench: digest run failed (exit ${figure.code}):\n${figure.output}`);
    }
    setup.cleanup();
  }
  if (server.connected) server.send('stop');
  const med = (figures: ProcessFigure[]) => ({ ms: median(figures.map((f) => f.ms)), rssMb: figures[0]?.rssMb === null ? null : median(figures.map((f) => f.rssMb ?? 0)) });
  const items = /(\d+) items? chosen/.exec(ours.first[0]?.output ?? '')?.[1] ?? '?';
  const lines: [string, ProcessFigure[], ProcessFigure[], number][] = [
    ['first run (empty state)', ours.first, theirs.first, 0.12],
    ['second run (all 304)', ours.second, theirs.second, 0.08],
  ];
  for (const [label, mine, other, target] of lines) {
    const a = med(mine);
    if (!r2e) {
      console.log(`  ${label.padEnd(24)} digest ${show(a)}`);
      continue;
    }
    const b = med(other);
    console.log(`  ${label.padEnd(24)} digest ${show(a)}   rss2email ${show(b)}   ratio ${(a.ms / b.ms).toFixed(3)}× (target ≤ ${target}×)`);
  }
  console.log(`  (digest's first run picks ${items} stories for one digest; rss2email builds one message per new item: --no-send builds them without sending)`);
  console.log(`  floor for the 304 run: ${FEEDS} × 50 ms over 32 connections (fetch.concurrency) ≈ ${((FEEDS * 50) / 32 / 1000).toFixed(2)} s`);
}

const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) throw new Error('bench: npm run build failed');
const r2e = findRss2email();
await benchCommands(r2e);
await benchSideBySide(r2e);
