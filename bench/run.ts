/**
 * `npm run bench`: wall time and memory of the whole job on a large local digest, the cost of the
 * render stages, and (bench/send.ts) sending to 10,000 recipients through the SMTP pool. Prints
 * figures; asserts nothing (these machines are shared and noisy).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/load-config.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import { validateConfig } from '../src/config/load-config.js';
import { runDigest } from '../src/pipeline/run-digest.js';
import { buildDigest } from '../src/pipeline/build-digest.js';
import { loadTemplates } from '../src/render/load-templates.js';
import { renderDigest } from '../src/render/render-digest.js';
import { renderSettings } from '../src/render/render-settings.js';
import { personalise } from '../src/render/personalise.js';
import { assembleDigest } from '../src/pipeline/assemble-digest.js';

const FEEDS = 20;
const ITEMS = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
const ms = (n: number) => `${n.toFixed(1)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

const WORDS = 'the council said on tuesday that the new bridge would open in spring after two years of work and a budget that grew by a third'.split(' ');
function paragraph(seed: number, words = 60): string {
  return Array.from({ length: words }, (_, i) => WORDS[(seed * 7 + i * 13) % WORDS.length]).join(' ');
}

/** An RSS 2.0 feed with `ITEMS` full-text items (about 400 words each) and some furniture. */
function feedXml(feed: number): string {
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const body = [
      `<p>${paragraph(i, 45)}.</p>`,
      `<p>“${paragraph(i + 1, 14)},” said Jane Doe${i}, the project's director.</p>`,
      ...Array.from({ length: 5 }, (_, p) => `<p>${paragraph(i + p + 2)}.</p>`),
      '<div class="share">Share this: <a href="#">Twitter</a></div><p>— Advertisement —</p>',
    ].join('\n');
    const date = new Date(Date.UTC(2026, 10, 27, 6) - (feed * ITEMS + i) * 60_000).toUTCString();
    return `<item><title>Story ${i} from feed ${feed}: ${paragraph(i, 8)}</title><link>https://bench${feed}.example/story/${i}</link><guid>bench-${feed}-${i}</guid><pubDate>${date}</pubDate><content:encoded><![CDATA[${body}]]></content:encoded></item>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Bench feed ${feed}</title><link>https://bench${feed}.example/</link>${items}</channel></rss>`;
}

async function main(): Promise<void> {
  const bodies = Array.from({ length: FEEDS }, (_, i) => feedXml(i));
  const server = createServer((request, response) => {
    const index = Number(/\/feed(\d+)\.xml/.exec(request.url ?? '')?.[1]);
    response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
    response.end(bodies[index]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const work = mkdtempSync(path.join(tmpdir(), 'digest-bench-'));
  const recipients = Array.from({ length: 100 }, (_, i) => `reader${i}@example.com`);
  const config = resolveConfig(
    validateConfig(
      {
        title: 'Bench Digest',
        feeds: Array.from({ length: FEEDS }, (_, i) => ({ url: `${origin}/feed${i}.xml`, name: `Feed ${i}` })),
        recipients,
        limits: { perFeed: ITEMS, total: FEEDS * ITEMS, firstRun: ITEMS },
        out: path.join(work, 'out'),
        state: path.join(work, 'state.sqlite'),
      },
      { file: 'bench' },
    ),
    { source: null, baseDir: work, env: {} },
  );

  console.log(`Node ${process.version}, ${FEEDS} feeds × ${ITEMS} items (${(bodies.reduce((n, b) => n + b.length, 0) / 1024 / 1024).toFixed(1)} MB of XML) served on 127.0.0.1, ${recipients.length} recipients to the outbox\n`);

  // 1. The whole job, end to end.
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const result = await runDigest(config);
  const wall = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log('Whole job (digest run: fetch, parse, select, clean, trim, render, 100 .eml files)');
  console.log(`  wall time          ${ms(wall)}  (${result.items} items, ${result.delivery?.sent} messages)`);
  console.log(`  peak RSS           ${mb(peak)}  (+${mb(peak - rssBefore)} over the idle process)`);
  console.log(`  max RSS (kernel)   ${mb(process.resourceUsage().maxRSS * 1024)}\n`);

  // 2. Build only (no render, no delivery), to separate ingestion from rendering.
  const buildTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await buildDigest(config, { now: new Date(), mode: 'preview' });
    buildTimes.push(performance.now() - t);
  }
  console.log(`Build stage (fetch → trim, ${FEEDS * ITEMS} items), median of 3: ${ms(median(buildTimes))}\n`);

  // 3. Rendering a typical 20-item digest: Handlebars + MJML once, then per-recipient tokens.
  const defaults = loadConfig({ cwd: work, env: {} });
  const built = await buildDigest(config, { now: new Date(), mode: 'preview' });
  const twenty = assembleDigest(defaults, built.digest.items.slice(0, 20), [], new Date());
  const templates = loadTemplates(defaults.templateDir);
  const settings = renderSettings(defaults);
  const renderTimes: number[] = [];
  let rendered = await renderDigest(twenty, templates, settings, { validation: 'strict' });
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    rendered = await renderDigest(twenty, templates, settings, { validation: 'strict' });
    renderTimes.push(performance.now() - t);
  }
  const personaliseStart = performance.now();
  const N = 2000;
  for (let i = 0; i < N; i++) personalise(rendered, { email: `r${i}@example.com`, name: 'R' }, defaults.unsubscribeUrl);
  const perRecipient = ((performance.now() - personaliseStart) / N) * 1000;
  console.log('Render, 20-item digest');
  console.log(`  Handlebars + MJML compile, median of 15   ${ms(median(renderTimes))} (min ${ms(Math.min(...renderTimes))}, max ${ms(Math.max(...renderTimes))})`);
  console.log(`  personalise per recipient, mean of ${N}    ${perRecipient.toFixed(1)} µs`);
  console.log(`  HTML size                                 ${(Buffer.byteLength(rendered.html) / 1024).toFixed(1)} KB`);

  server.close();
  rmSync(work, { recursive: true, force: true });

  // 4. Sending, in a process of its own so its memory figure is its own (bench/send.ts).
  console.log('');
  await new Promise<void>((resolve, reject) => {
    spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, 'send.ts')], { stdio: 'inherit' })
      .on('error', reject)
      .on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench/send.ts exited with ${code}`))));
  });
}

await main();
