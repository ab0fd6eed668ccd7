import { evaluateHeadlines, evaluateReadabilityPages } from './test/support/extraction-eval.js';
for (const half of ['development', 'test'] as const) {
  const r = evaluateHeadlines(half);
  console.log(half, r.pages, JSON.stringify(r.shown), 'drift', r.drift.length);
  for (const m of r.misses) console.log('  ', m.id.slice(0, 8), JSON.stringify(m.headline), '≠', JSON.stringify(m.truth));
  const rd = evaluateReadabilityPages(half);
  console.log(' readability', rd.pages, rd.titled, rd.headlines, rd.documentTitles, rd.agreement.f1.toFixed(3));
}
