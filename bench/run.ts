/**
 * `npm run bench`: wall time and memory of the whole job on a large local digest, the cost of
 * the render stages, and extraction time per page on the ScrapingHub corpus. Prints figures;
 * asserts nothing (these machines are shared and noisy).
 */
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
import { StateStore } from '../src/state/state-store.js';
import { extractArticle } from '../src/trim/extract-article.js';
import { badInputs } from '../test/support/bad-input.js';
import { hasCorpus } from '../test/support/corpora.js';
import { timeExtraction, type TimingSummary } from '../test/support/extraction-eval.js';
import { loadScrapinghubPages } from '../test/support/scrapinghub-metric.js';

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

/**
 * Ingestion at scale: 200 feeds × 50 items, each response delayed 50 ms, with ETags. First run:
 * fetch, parse, select (and clean/trim the 30 items a default digest takes). Second run: every
 * feed answers 304, so nothing is parsed.
 */
async function benchIngestion(): Promise<void> {
  const feeds = 200;
  const bodies = Array.from({ length: feeds }, (_, i) => feedXml(i));
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    const index = Number(/\/feed(\d+)\.xml/.exec(request.url ?? '')?.[1]);
    const etag = `"v-${index}"`;
    setTimeout(() => {
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, { etag });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag });
      response.end(bodies[index]);
    }, 50);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const work = mkdtempSync(path.join(tmpdir(), 'digest-bench-'));
  const config = resolveConfig(
    validateConfig(
      {
        title: 'Ingestion',
        feeds: Array.from({ length: feeds }, (_, i) => ({ url: `${origin}/feed${i}.xml`, name: `Feed ${i}` })),
        recipients: ['reader@example.com'],
        out: path.join(work, 'out'),
        state: path.join(work, 'state.sqlite'),
        // One local server stands in for 200 publishers: let it take the global limit.
        fetch: { concurrency: 16, perHost: 16 },
      },
      { file: 'bench' },
    ),
    { source: null, baseDir: work, env: {} },
  );
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  let t = performance.now();
  const store = StateStore.open(config.statePath);
  const first = await buildDigest(config, { store, now: new Date(), mode: 'run' });
  const firstMs = performance.now() - t;
  clearInterval(sampler);
  const stamp = new Date().toISOString();
  store.transaction(() => {
    for (const outcome of first.feedOutcomes) store.recordFeedOutcome(outcome, stamp);
  });
  const firstRequests = requests;
  t = performance.now();
  const second = await buildDigest(config, { store, now: new Date(), mode: 'run' });
  const secondMs = performance.now() - t;
  store.close();
  const notModified = second.feedOutcomes.filter((o) => o.status === 'not-modified').length;
  console.log(`Ingestion: ${feeds} feeds × ${ITEMS} items, 50 ms latency per response, concurrency 16`);
  console.log(`  first run (fetch, parse, select; clean+trim ${first.digest.items.length} chosen)   ${ms(firstMs)}  (${firstRequests} requests, ${first.decisions.length} items considered)`);
  console.log(`  peak RSS during the first run                                ${mb(peak)}  (+${mb(peak - before)})`);
  console.log(`  second run, answered 304                                     ${ms(secondMs)}  (${notModified}/${feeds} not modified)\n`);
  server.close();
  rmSync(work, { recursive: true, force: true });
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
        out: path.join(work, 'out'),
        state: path.join(work, 'state.sqlite'),
      },
      { file: 'bench' },
    ),
    { source: null, baseDir: work, env: {} },
  );

  console.log(`Whole job: ${FEEDS} feeds × ${ITEMS} items (${(bodies.reduce((n, b) => n + b.length, 0) / 1024 / 1024).toFixed(1)} MB of XML) served on 127.0.0.1, default limits (5 per feed, 30 per digest), ${recipients.length} recipients to the outbox`);

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
  console.log(`  build stage alone (fetch → trim), median of 3   ${ms(median(buildTimes))}\n`);

  // 3. Rendering a typical 20-item digest: Handlebars + MJML once, then per-recipient tokens.
  const defaults = loadConfig({ cwd: work, env: {} });
  const built = await buildDigest(config, { now: new Date(), mode: 'preview' });
  const twenty = assembleDigest(defaults, built.digest.items.slice(0, 20), [], new Date());
  if (twenty.items.length < 20) throw new Error('bench: expected at least 20 items');
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
}

/**
 * Extraction (clean + trim) per page on the 121 real pages of ../shared/corpora/scrapinghub:
 * the first pass (cold: the JIT has not seen the code yet), then a second pass. CPU time is
 * shown beside wall time because a busy machine inflates the latter. Targets (issue 3):
 * median ≤ 40 ms, worst ≤ 1 s.
 */
function benchExtraction(): void {
  if (!hasCorpus('scrapinghub')) {
    console.log('Extraction: skipped, ../shared/corpora/scrapinghub is missing');
    return;
  }
  const pages = loadScrapinghubPages();
  const megabytes = pages.reduce((sum, page) => sum + page.html.length, 0) / 1024 / 1024;
  const line = (label: string, wall: TimingSummary, cpu: TimingSummary): string =>
    `  ${label.padEnd(12)} median ${ms(wall.median)}, p95 ${ms(wall.p95)}, worst ${ms(wall.worst)}   (CPU median ${ms(cpu.median)}, p95 ${ms(cpu.p95)}, worst ${ms(cpu.worst)})`;
  console.log(`Extraction per page: ${pages.length} ScrapingHub pages (${megabytes.toFixed(1)} MB of HTML), clean + trim`);
  const cold = timeExtraction(pages);
  console.log(line('first pass', cold.wall, cold.cpu));
  const warm = timeExtraction(pages);
  console.log(line('second pass', warm.wall, warm.cpu));
  console.log(`  slowest page  ${warm.wall.worstPage.slice(0, 12)}`);
}

/**
 * Bad input (issue 3): time and memory of extractArticle on each hostile input the tests check
 * (empty bodies, binary garbage, 10 MB pages, deep nesting, floods of quotation marks). One run
 * each, after one warm-up extraction.
 */
function benchBadInput(): void {
  console.log('Bad input: extractArticle once per input (RSS growth of the process, after a GC)');
  extractArticle(badInputs['a thousand quotation paragraphs']());
  for (const [name, build] of Object.entries(badInputs)) {
    const input = build();
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const result = extractArticle(input);
    const elapsed = performance.now() - started;
    const grown = process.memoryUsage().rss - before;
    const shown = `lede ${result.lede.length} chars, ${result.quote ? 'a quote' : 'no quote'}, text ${result.text.length} chars`;
    console.log(`  ${name.padEnd(40)} ${ms(elapsed).padStart(10)}  ${`+${mb(Math.max(0, grown))}`.padStart(7)}  ${shown}`);
  }
}

await benchIngestion();
await main();
// Last, so the corpus held in memory does not count in the job's RSS figures above.
console.log('');
benchExtraction();
console.log('');
benchBadInput();
