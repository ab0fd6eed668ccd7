/**
 * `npm run eval`: scores the extractor on ../shared/corpora, on both halves of the fixed split
 * (test/support/corpus-split.ts): the development half, which rules and weights are tuned on,
 * and the test half, which nothing is tuned on and which the targets are judged by. Asserts
 * nothing (the corpus tests hold floors on the test half); `--verbose` also lists the pages and
 * quotes behind each miss; `--rules` adds the rule audit (each line rule of clean and trim
 * switched off on its own, per half: test/support/rule-audit.ts; about a minute more).
 *
 * The scoring lives in test/support/ and is the same code the corpus tests run.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';

import { QUOTE_WEIGHTS } from '../src/trim/select-quote.js';
import { corporaDir } from '../test/support/corpora.js';
import { halves, inHalf, type Half } from '../test/support/corpus-split.js';
import {
  evaluateBodyText,
  evaluateHeadlines,
  evaluateLedes,
  evaluateQuotes,
  evaluateReadabilityPages,
  evaluateSeed,
  headlineSourceLabels,
  headlineSources,
  timeExtraction,
  type BodyTextResult,
  type HeadlineResult,
  type LedeResult,
  type QuoteResult,
  type ReadabilityPagesResult,
} from '../test/support/extraction-eval.js';
import { loadQuoteArticles } from '../test/support/quote-corpus.js';
import { prepareQuoteArticles, weightSpread, type WeightSpread } from '../test/support/quote-weights.js';
import { auditRules, type HalfEffect } from '../test/support/rule-audit.js';

const verbose = process.argv.includes('--verbose');
const audit = process.argv.includes('--rules');

if (!existsSync(corporaDir)) {
  console.error(`The corpora are not at ${corporaDir}; see ../shared/corpora/README.md.`);
  process.exit(1);
}

const pct = (part: number, whole: number): string => (whole === 0 ? '–' : `${((part / whole) * 100).toFixed(1)}%`);
const ms = (value: number): string => `${value.toFixed(0)} ms`;
const short = (id: string): string => id.slice(0, 8);

/** Every figure once per half. */
function perHalf<T>(evaluate: (half: Half) => T): Record<Half, T> {
  return { development: evaluate('development'), test: evaluate('test') };
}

interface Row {
  what: string;
  corpus: string;
  development: string;
  test: string;
  target: string;
  /** Whether the test half meets the target (undefined: no target). */
  met?: boolean;
}
const rows: Row[] = [];

const body = perHalf<BodyTextResult>((half) => evaluateBodyText(half));
rows.push({
  what: 'body text F1 (ScrapingHub metric)',
  corpus: `scrapinghub (${body.development.pages} + ${body.test.pages} pages)`,
  development: `${body.development.f1.toFixed(3)} (P ${body.development.precision.toFixed(3)}, R ${body.development.recall.toFixed(3)})`,
  test: `${body.test.f1.toFixed(3)} (P ${body.test.precision.toFixed(3)}, R ${body.test.recall.toFixed(3)})`,
  target: '≥ 0.96',
  met: body.test.f1 >= 0.96,
});

const headlines = perHalf<HeadlineResult>((half) => evaluateHeadlines(half));
const headlineCell = (result: HeadlineResult): string => `${pct(result.shown.extractor, result.pages)} (${result.shown.extractor}/${result.pages})`;
rows.push({
  what: 'headline is the one the page shows',
  corpus: 'scrapinghub, hand-checked titles',
  development: headlineCell(headlines.development),
  test: headlineCell(headlines.test),
  target: '≥ 90%',
  met: headlines.test.shown.extractor / headlines.test.pages >= 0.9,
});

const quoteRows = (mode: 'gold-text' | 'page'): void => {
  const results = perHalf<QuoteResult>((half) => evaluateQuotes(mode, half));
  const corpus = mode === 'gold-text' ? 'quotes/dev.jsonl, gold text' : 'quotes/dev.jsonl, page.html';
  const row = (what: string, target: string, threshold: number, figure: (result: QuoteResult) => [number, number]): void => {
    const cell = (result: QuoteResult): string => {
      const [part, whole] = figure(result);
      return `${pct(part, whole)} (${part}/${whole})`;
    };
    const [part, whole] = figure(results.test);
    rows.push({ what, corpus, development: cell(results.development), test: cell(results.test), target, met: whole > 0 && part / whole >= threshold });
  };
  row('key quote is a real direct quotation', '≥ 95%', 0.95, ({ scores }) => [scores.correct, scores.returned]);
  row('key quote is one an editor would pick', '≥ 60%', 0.6, ({ scores }) => [scores.keyAgreement, scores.withKey]);
  row('speaker right', '≥ 85%', 0.85, ({ scores }) => [scores.rightSpeaker, scores.returned]);
  row('no quote when the article has none', '≥ 90%', 0.9, ({ scores }) => [scores.withoutQuotes - scores.spurious, scores.withoutQuotes]);
  if (verbose) {
    for (const half of halves) {
      for (const miss of results[half].scores.misses) console.log(`[${mode}, ${half}] not a gold quotation: ${short(miss.id)} ${JSON.stringify(miss.quote)}`);
      for (const wrong of results[half].scores.wrongSpeakers) console.log(`[${mode}, ${half}] wrong speaker: ${short(wrong.id)} ${JSON.stringify(wrong.quote)} gold ${JSON.stringify(wrong.gold.speaker)}`);
    }
  }
};
quoteRows('gold-text');
quoteRows('page');

// The weights were tuned on the development half; the neighbours show whether they sit on a
// plateau or a peak.
const articles = loadQuoteArticles();
const spread = perHalf<WeightSpread>((half) => weightSpread(prepareQuoteArticles(inHalf(articles, (article) => article.id, half)), QUOTE_WEIGHTS));
const spreadCell = (result: WeightSpread): string => `${pct(result.min, result.withKey)} / ${pct(result.median, result.withKey)} / ${pct(result.max, result.withKey)}`;
rows.push({
  what: `key pick over ${spread.test.neighbours} neighbouring weights: min / median / max`,
  corpus: 'quotes/dev.jsonl, gold text',
  development: spreadCell(spread.development),
  test: spreadCell(spread.test),
  target: 'median ≥ 60%',
  met: spread.test.median / spread.test.withKey >= 0.6,
});

const seed = evaluateSeed();
rows.push({ what: 'seed page', corpus: 'seed/expected.json (3 forms)', development: '', test: `${seed.passed}/${seed.checks.length} checks`, target: 'all of it', met: seed.passed === seed.checks.length });

// Every page has been extracted once above, so the timed pass describes a running job rather
// than the JIT's first sight of the code. Time is not a quality figure: all pages, no halves.
const times = timeExtraction();
const timing = `median ${ms(times.wall.median)}, p95 ${ms(times.wall.p95)}, worst ${ms(times.wall.worst)} (CPU: ${ms(times.cpu.median)}, ${ms(times.cpu.p95)}, ${ms(times.cpu.worst)})`;

// For comparison only: agreement with Readability's own titles is not a truth (the extractor
// starts from Readability's title), and the lede figure is a proxy.
const readability = perHalf<ReadabilityPagesResult>((half) => evaluateReadabilityPages(half));
const ledes = perHalf<LedeResult>((half) => evaluateLedes(half));

if (verbose) {
  for (const half of halves) {
    for (const miss of headlines[half].misses) console.log(`[${half}] headline: ${short(miss.id)}\n   shown: ${JSON.stringify(miss.headline)}\n   page:  ${JSON.stringify(miss.truth)}`);
    for (const miss of readability[half].headlineMisses) console.log(`[${half}] differs from Readability's title: ${miss.name}\n   shown: ${JSON.stringify(miss.headline)}\n   Readability: ${JSON.stringify(miss.title)}`);
    for (const page of [...body[half].perPage].sort((a, b) => a.precision + a.recall - b.precision - b.recall).slice(0, 5)) {
      console.log(`[${half}] body text: ${short(page.id)} P ${page.precision.toFixed(3)} R ${page.recall.toFixed(3)}`);
    }
    for (const miss of ledes[half].misses) console.log(`[${half}] lede: ${short(miss.id)} ${JSON.stringify(miss.lede.slice(0, 100))}`);
  }
  for (const check of seed.checks.filter((check) => !check.passed)) console.log(`seed ${check.form}: ${check.name} failed, got ${JSON.stringify(check.got)}`);
  console.log(`slowest page: ${short(times.wall.worstPage)} (wall), ${short(times.cpu.worstPage)} (CPU)\n`);
}

console.log(`Extraction quality, ${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(1)}`);
console.log('Development half: what rules and weights are tuned on. Test half: what they are judged by (test/support/corpus-split.ts).\n');
const header = ['what', 'corpus', 'development half', 'test half', 'target', 'test half'];
const table = [header, ...rows.map((row) => [row.what, row.corpus, row.development, row.test, row.target, row.met === undefined ? '' : row.met ? 'met' : 'NOT MET'])];
const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]?.length ?? 0)));
for (const row of table) console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());

console.log(`\nExtraction time per page (clean + trim), all ${times.wall.pages} ScrapingHub pages: ${timing}; target median ≤ 40 ms, worst ≤ 1 s.`);

console.log('\nHeadlines against the hand-checked titles, by where they come from (each through selectHeadline):');
for (const half of halves) {
  // The sources are gathered as cleanArticle gathers them; a difference means that copy has drifted.
  if (headlines[half].drift.length > 0) console.log(`  (the sources below no longer match cleanArticle's choice on ${headlines[half].drift.map(short).join(', ')}: fix pageTitles in test/support/extraction-eval.ts)`);
}
for (const source of headlineSources) {
  const cell = (half: Half): string => `${pct(headlines[half].shown[source], headlines[half].pages)} (${headlines[half].shown[source]}/${headlines[half].pages})`;
  console.log(`  ${headlineSourceLabels[source].padEnd(76)} development ${cell('development').padEnd(14)} test ${cell('test')}`);
}

console.log('\nFor comparison, not truths:');
const agreement = (half: Half): string => {
  const result = readability[half];
  return `${pct(result.headlines, result.titled)} (${result.headlines}/${result.titled}; <title> alone ${result.documentTitles})`;
};
console.log(`  headline agrees with Readability's own title (readability pages): development ${agreement('development')}, test ${agreement('test')}`);
const textAgreement = (half: Half): string => readability[half].agreement.f1.toFixed(3);
console.log(`  body text agrees with Readability's own output, F1 (readability pages): development ${textAgreement('development')}, test ${textAgreement('test')}`);
const ledeCell = (half: Half): string => `${ledes[half].opening}/${ledes[half].pages} (${pct(ledes[half].opening, ledes[half].pages)}), ${ledes[half].empty} empty`;
console.log(`  lede opens the story (its first 5 words within the gold body's first 40; scrapinghub): development ${ledeCell('development')}, test ${ledeCell('test')}`);

if (audit) {
  console.log('\nRule audit: each line rule switched off on its own (rules that match no page are left out).');
  console.log('F1: what the rule adds to the half’s body text F1; ledes: ledes that open the story thanks to it; pages: matched / changed (+ helped, − hurt).\n');
  const cell = (effect: HalfEffect): string =>
    `${effect.f1 >= 0 ? '+' : ''}${effect.f1.toFixed(4)} F1, ${effect.ledes >= 0 ? '+' : ''}${effect.ledes} ledes, pages ${effect.matched}/${effect.changed} (+${effect.helped} −${effect.hurt})`;
  for (const effect of auditRules()) {
    const { development, test } = effect.halves;
    const helpedPages = development.helped + test.helped;
    const flags = [
      development.hurt + test.hurt > 0 ? 'hurts a page' : '',
      helpedPages === 1 ? 'helps one page only' : '',
      helpedPages > 1 && (development.helped === 0 || test.helped === 0) ? 'helps one half only' : '',
      development.changed + test.changed === 0 ? 'no effect (another rule catches the same lines)' : '',
    ].filter(Boolean);
    console.log(`${effect.family} #${effect.index}: /${effect.pattern.slice(0, 60)}${effect.pattern.length > 60 ? '…' : ''}/`);
    console.log(`    development ${cell(development)}; test ${cell(test)}${flags.length > 0 ? `  [${flags.join('; ')}]` : ''}`);
  }
}
