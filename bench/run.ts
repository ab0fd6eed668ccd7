/**
 * `npm run bench`: start-up and whole processes beside rss2email (bench/startup.ts), wall time and
 * memory of ingestion (bench/ingest.ts) and of the whole job on a
 * local digest, the cost of the render stages, extraction time per page on the ScrapingHub
 * corpus, (bench/send.ts) sending to 10,000 recipients through the SMTP pool, (bench/filters.ts)
 * per-feed filters on the feed corpus, (bench/bounces.ts) `digest bounces` over 10,000
 * delivery-status notices, (bench/web.ts) `digest web`, and (bench/queue.ts) sending through the
 * delivery queue with 1, 2 and 4 worker processes. Prints figures;
 * asserts nothing (these machines are shared and noisy).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sampleConfig } from '../src/config/load-config.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import { validateConfig } from '../src/config/load-config.js';
import { runDigest } from '../src/pipeline/run-digest.js';
import { buildDigest } from '../src/pipeline/build-digest.js';
import { loadTemplates } from '../src/render/load-templates.js';
import { renderDigest } from '../src/render/render-digest.js';
import { renderSettings } from '../src/pipeline/render-settings.js';
import { personalise } from '../src/render/personalise.js';
import { assembleDigest } from '../src/pipeline/assemble-digest.js';
import { checkEmail } from '../src/render/check-email.js';
import { loadTheme } from '../src/render/load-theme.js';
import { startPreviewServer } from '../src/preview/preview-server.js';

import { extractArticle } from '../src/trim/extract-article.js';
import { badInputs } from '../test/support/bad-input.js';
import { hasCorpus } from '../test/support/corpora.js';
import { timeExtraction, type TimingSummary } from '../test/support/extraction-eval.js';
import { loadScrapinghubPages } from '../test/support/scrapinghub-metric.js';

import { feedXml, ITEMS } from './feeds.js';

const FEEDS = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
const ms = (n: number) => `${n.toFixed(1)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

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
  const defaults = sampleConfig({ cwd: work, env: {} });
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
  console.log(`  HTML size                                 ${(Buffer.byteLength(rendered.html) / 1000).toFixed(1)} KB${rendered.size.steps.length ? ` (shortened to fit the budget: ${rendered.size.steps.join(', ')})` : ''}\n`);

  globalThis.gc?.();
  // 4. What `digest serve` does after a template save: read the theme again, render (soft
  //    validation), fill in the preview reader, run the email checks. Target: median ≤ 150 ms.
  console.log('Re-render after a template save (digest serve), 20-item digest, median of 15');
  for (const theme of ['default', 'compact']) {
    const themed = { ...defaults, templateDir: path.join(path.dirname(defaults.templateDir), theme) };
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 17; i++) {
      const t = performance.now();
      const again = await renderDigest(twenty, loadTheme(themed), settings, { validation: 'soft' });
      const mine = personalise(again, { email: 'subscriber@example.com' }, defaults.unsubscribeUrl);
      checkEmail(mine.html, { unsubscribeUrl: mine.unsubscribeUrl, preheader: again.preheader, maxBytes: settings.maxHtmlBytes ?? null });
      if (i >= 2) times.push(performance.now() - t); // the first two warm up V8, as digest serve does at start
      bytes = Buffer.byteLength(mine.html);
    }
    console.log(`  ${theme.padEnd(8)} ${ms(median(times)).padStart(9)}  (min ${ms(Math.min(...times))}, max ${ms(Math.max(...times))}), ${(bytes / 1000).toFixed(1)} KB of HTML`);
    globalThis.gc?.();
  }

  // 5. The same through the preview server: save a partial, wait for the server's update event.
  const project = path.join(work, 'serve');
  cpSync(path.dirname(defaults.templateDir), path.join(project, 'templates'), { recursive: true });
  const item = path.join(project, 'templates/default/partials/item.hbs');
  const original = readFileSync(item, 'utf8');
  const serveConfig = resolveConfig(
    validateConfig(
      {
        template: './templates/default',
        feeds: Array.from({ length: FEEDS }, (_, i) => ({ url: `${origin}/feed${i}.xml`, name: `Feed ${i}` })),
        limits: { perFeed: 1, total: 20 },
        state: path.join(project, 'state.sqlite'),
        unsubscribeUrl: 'https://example.com/u?e={{email}}',
      },
      { file: 'bench' },
    ),
    { source: null, baseDir: project, env: {} },
  );
  const preview = await startPreviewServer({ port: 0, loadConfig: () => serveConfig });
  await preview.ready;
  const saves: number[] = [];
  for (let i = 0; i < 10; i++) {
    const saved = performance.now();
    const updated = new Promise<void>((resolve) => {
      const stop = preview.session.onUpdate(() => {
        stop();
        resolve();
      });
    });
    writeFileSync(item, original.replace('{{lede}}', `Save ${i}: {{lede}}`));
    await updated;
    saves.push(performance.now() - saved);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const served = preview.session.state().render!;
  console.log(`  through digest serve (20 stories from 20 feeds, ${(served.htmlBytes / 1000).toFixed(1)} KB${served.size.steps.length ? `, shortened: ${served.size.steps.join(', ')}` : ''}): file saved → update event sent, median of 10: ${ms(median(saves))} (includes the 60 ms quiet period; the page then reloads its frames)`);
  await preview.close();

  server.close();
  rmSync(work, { recursive: true, force: true });

  // 4. Sending, in a process of its own so its memory figure is its own (bench/send.ts).
  console.log('');
  await child('send.ts');
  // 5. digest web: one-click unsubscribes per second, the archive index (bench/web.ts).
  console.log('');
  await child('web.ts');

  // 6. Sending through the delivery queue: worker processes, enqueueing, Redis (bench/queue.ts).
  console.log('');
  await child('queue.ts');
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

/** Runs a bench script in a process of its own, so its memory figures are its own. */
function child(script: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, script)], { stdio: 'inherit' })
      .on('error', reject)
      .on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench/${script} exited with ${code}`))));
  });
}

await child('startup.ts');
console.log('');
await child('ingest.ts');
await main();
console.log('');
await child('bounces.ts');
// Last, so the corpus held in memory does not count in the job's RSS figures above.
console.log('');
benchExtraction();
console.log('');
benchBadInput();
console.log('');
await child('filters.ts');
