/**
 * `npm run eval`: scores the extractor on ../shared/corpora and prints every figure of issue 3's
 * table with its target. Asserts nothing (the corpus tests hold the floors); `--verbose` also
 * lists the pages and quotes behind each miss.
 *
 * The scoring lives in test/support/ and is the same code the corpus tests run.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';

import { corporaDir } from '../test/support/corpora.js';
import { evaluateBodyText, evaluateLedes, evaluateQuotes, evaluateReadabilityPages, evaluateSeed, timeExtraction } from '../test/support/extraction-eval.js';

const verbose = process.argv.includes('--verbose');

if (!existsSync(corporaDir)) {
  console.error(`The corpora are not at ${corporaDir}; see ../shared/corpora/README.md.`);
  process.exit(1);
}

const rows: [what: string, corpus: string, figure: string, target: string, met: boolean][] = [];
const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
const ms = (value: number): string => `${value.toFixed(0)} ms`;

const body = evaluateBodyText();
rows.push([
  'body text F1 (ScrapingHub metric)',
  `scrapinghub (${body.pages} pages)`,
  `F1 ${body.f1.toFixed(3)} (P ${body.precision.toFixed(3)}, R ${body.recall.toFixed(3)})`,
  '≥ 0.96',
  body.f1 >= 0.96,
]);

// evaluateBodyText has just extracted every page once, so the timed pass describes a running
// job rather than the JIT's first sight of the code.
const times = timeExtraction();
rows.push([
  'extraction time per page (clean + trim)',
  `scrapinghub (${times.wall.pages} pages)`,
  `median ${ms(times.wall.median)}, p95 ${ms(times.wall.p95)}, worst ${ms(times.wall.worst)} (CPU: ${ms(times.cpu.median)}, ${ms(times.cpu.p95)}, ${ms(times.cpu.worst)})`,
  'median ≤ 40 ms, worst ≤ 1 s',
  times.wall.median <= 40 && times.wall.worst <= 1000,
]);

const readability = evaluateReadabilityPages();
rows.push([
  'headline equals the title a reader sees',
  `readability (${readability.titled} titled pages)`,
  `${pct(readability.headlines / readability.titled)} (${readability.headlines}/${readability.titled}; exact title ${readability.exactHeadlines})`,
  '≥ 90%',
  readability.headlines / readability.titled >= 0.9,
]);

for (const mode of ['gold-text', 'page'] as const) {
  const { scores, figures } = evaluateQuotes(mode);
  const corpus = mode === 'gold-text' ? 'quotes/dev.jsonl, gold text' : 'quotes/dev.jsonl, page.html';
  rows.push(['key quote is a real direct quotation', corpus, `${pct(figures.precision)} (${scores.correct}/${scores.returned} returned)`, '≥ 95%', figures.precision >= 0.95]);
  rows.push(['key quote is one an editor would pick', corpus, `${pct(figures.keyAgreement)} (${scores.keyAgreement}/${scores.withKey} articles with a pick)`, '≥ 60%', figures.keyAgreement >= 0.6]);
  rows.push(['speaker right', corpus, `${pct(figures.speaker)} (${scores.rightSpeaker}/${scores.returned} returned)`, '≥ 85%', figures.speaker >= 0.85]);
  rows.push([
    'no quote when the article has none',
    corpus,
    `${pct(figures.noneWhenNone)} (${scores.withoutQuotes - scores.spurious}/${scores.withoutQuotes})`,
    '≥ 90%',
    figures.noneWhenNone >= 0.9,
  ]);
  if (verbose) {
    for (const miss of scores.misses) console.log(`[${mode}] not a gold quotation: ${miss.id.slice(0, 8)} ${JSON.stringify(miss.quote)}`);
    for (const wrong of scores.wrongSpeakers) console.log(`[${mode}] wrong speaker: ${wrong.id.slice(0, 8)} ${JSON.stringify(wrong.quote)} gold ${JSON.stringify(wrong.gold.speaker)}`);
  }
}

const seed = evaluateSeed();
rows.push(['seed page', 'seed/expected.json (3 forms)', `${seed.passed}/${seed.checks.length} checks`, 'all of it', seed.passed === seed.checks.length]);

// Not in the table: the corpus has no gold ledes, so this is a proxy.
const ledes = evaluateLedes();
const supplementary: [string, string, string][] = [
  ['lede opens the story (first 5 words within the gold body’s first 40)', `scrapinghub (${ledes.pages} pages)`, `${ledes.opening}/${ledes.pages} (${pct(ledes.opening / ledes.pages)})`],
  ['empty lede', `scrapinghub (${ledes.pages} pages)`, `${ledes.empty}/${ledes.pages}`],
];

if (verbose) {
  for (const miss of readability.headlineMisses) console.log(`headline: ${miss.name}\n   shown: ${JSON.stringify(miss.headline)}\n   title: ${JSON.stringify(miss.title)}`);
  for (const page of [...body.perPage].sort((a, b) => a.precision + a.recall - b.precision - b.recall).slice(0, 10)) {
    console.log(`body text: ${page.id.slice(0, 8)} P ${page.precision.toFixed(3)} R ${page.recall.toFixed(3)}`);
  }
  for (const check of seed.checks.filter((check) => !check.passed)) console.log(`seed ${check.form}: ${check.name} failed, got ${JSON.stringify(check.got)}`);
  for (const miss of ledes.misses) console.log(`lede: ${miss.id.slice(0, 8)} ${JSON.stringify(miss.lede.slice(0, 100))}`);
  console.log(`slowest page: ${times.wall.worstPage.slice(0, 8)} (wall), ${times.cpu.worstPage.slice(0, 8)} (CPU)\n`);
}

console.log(`Extraction quality, ${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(1)}\n`);
const header = ['what', 'corpus', 'measured', 'target', ''];
const table = [header, ...rows.map(([what, corpus, figure, target, met]) => [what, corpus, figure, target, met ? 'met' : 'NOT MET'])];
const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]?.length ?? 0)));
for (const row of table) console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());

console.log('\nNot in the issue’s table:');
for (const [what, corpus, figure] of supplementary) console.log(`  ${what}: ${figure}, ${corpus}`);
