/**
 * `npm run eval:feeds`: how well real feeds' own content reaches the digest (issue 9), per 100
 * stories, on the development and test halves of the feed corpus (test/support/feed-eval.ts
 * explains the corpus, the split and each figure). Asserts nothing; the corpus test holds the
 * targets. `--verbose` lists every miss.
 */
import { existsSync } from 'node:fs';

import { feedsDir } from '../test/support/corpora.js';
import { evaluateFeeds, feedEvalFiles, per100, storiesOf, type PartFigures } from '../test/support/feed-eval.js';

const verbose = process.argv.includes('--verbose');
const showAt = process.argv.indexOf('--show');

if (showAt > 0) {
  // `--show PART-OF-A-PATH`: the stories of matching files, as the email would show them.
  const pattern = process.argv[showAt + 1] ?? '';
  for (const { file } of feedEvalFiles().filter((entry) => entry.file.includes(pattern) && !entry.file.endsWith('.opml'))) {
    const result = await storiesOf(file);
    console.log(`\n=== ${file}: ${result ? `${result.stories.length} stories` : 'not a feed'}`);
    for (const warning of result?.warnings ?? []) console.log(`  ! ${warning}`);
    for (const story of result?.stories ?? []) {
      console.log(`- ${story.headline}\n  ${story.lede || '(no lede)'}`);
      if (story.quote) console.log(`  “${story.quote.text}” — ${story.quote.speaker}`);
      console.log(`  ${story.url ?? '(no link)'}${story.image ? ` · image ${story.image.width ?? '?'}×${story.image.height ?? '?'} ${story.image.url}` : ''}${story.published ? ` · ${story.published.toISOString().slice(0, 10)}` : ''}`);
    }
  }
  process.exit(0);
}

if (!existsSync(feedsDir)) {
  console.error(`The feed corpus is not at ${feedsDir}; see ../shared/corpora/README.md.`);
  process.exit(1);
}

const { byPart, byGroup } = await evaluateFeeds();

function row(label: string, f: PartFigures): string[] {
  return [
    label,
    `${f.files - f.withoutStories}/${f.files}`,
    String(f.stories),
    per100(f.badHeadlines, f.stories),
    `${per100(f.emptyLedes, f.stories)} (${f.emptyLedes}/${f.withText})`,
    `${per100(f.widerThanDeclared, f.stories)} (${f.widerThanDeclared}/${f.imagesOfKnownWidth})`,
    per100(f.entityLeftovers, f.stories),
    `${f.opmlEntityLeftovers}/${f.opmlNames}`,
  ];
}

const header = ['part', 'files with stories', 'stories', 'bad headlines', 'empty ledes (of items with text)', 'images wider than declared (of known width)', 'entity leftovers', 'OPML names with entities'];
const rows = [
  header,
  ['target', '', '', '0', '≤ 2', '0', '0', '0'],
  row('test half', byPart.test),
  row('development half', byPart.development),
  ...Object.entries(byGroup)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, figures]) => row(`  ${label}`, figures)),
];
const widths = header.map((_, column) => Math.max(...rows.map((r) => (r[column] ?? '').length)));
console.log(`Feed content, per 100 stories (${feedEvalFiles().length} files; figures quoted from the test half):\n`);
for (const r of rows) console.log(r.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
for (const part of ['test', 'development'] as const) {
  const f = byPart[part];
  console.log(`${part}: ${f.images} stories with an image; the story states the width of ${f.imagesSized} (declared or implied by the address), the raw file declares it for ${f.imagesOfKnownWidth}. (A run reads the rest from the image files, fetch.measureImages; this evaluation fetches nothing.)`);
}

if (verbose) {
  for (const part of ['development', 'test'] as const) {
    for (const finding of byPart[part].findings) console.log(`[${part}] ${finding.kind}: ${finding.file}: ${finding.detail}`);
  }
}
