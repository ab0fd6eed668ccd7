import { CAPTION_CREDIT, WHOLE_LINE } from '../../src/text/is-furniture-text.js';
import { extractArticle } from '../../src/trim/extract-article.js';
import { NOT_A_LEDE } from '../../src/trim/select-lede.js';
import { corpusHalf, halves, type Half } from './corpus-split.js';
import { ledeOpensStory } from './extraction-eval.js';
import { loadScrapinghubPages, scoreCorpus, scorePage, type PageScore, type ScrapinghubPage } from './scrapinghub-metric.js';

/**
 * The rule audit (`npm run eval -- --rules`): each line rule of the clean and trim stages
 * switched off on its own, and what that does on each half of the ScrapingHub pages. The rules
 * were written looking at the whole corpus, so neither half is clean for them; what the split
 * shows is whether a rule's effect is broad (pages in both halves), confined to one or two pages
 * (a rule fitted to the pages it was written for), or harmful somewhere.
 *
 * How: every pattern of the rule lists is wrapped once to note the pages where it matches. Then
 * each pattern that matched anywhere is replaced by one that never matches, those pages are
 * extracted again, and the body text F1 and the lede figure of each half are compared with
 * the rules all on. The lists are restored before this returns.
 */

export interface RuleList {
  family: string;
  /** The live list the stage reads. */
  rules: RegExp[];
}

export const auditedRules: RuleList[] = [
  { family: 'lede: not a lede (select-lede.ts NOT_A_LEDE)', rules: NOT_A_LEDE },
  { family: 'furniture line (is-furniture-text.ts WHOLE_LINE)', rules: WHOLE_LINE },
  { family: 'caption credit (is-furniture-text.ts CAPTION_CREDIT)', rules: CAPTION_CREDIT },
];

export interface HalfEffect {
  /** Pages of this half where the rule matched. */
  matched: number;
  /** Pages whose body text or lede changes without the rule. */
  changed: number;
  /** How much the rule adds to the half's body text F1 (F1 with it minus F1 without). */
  f1: number;
  /** How many more ledes open the story with the rule than without. */
  ledes: number;
  /** Pages the rule makes better / worse (body text F1 of the page, or its lede). */
  helped: number;
  hurt: number;
}

export interface RuleEffect {
  family: string;
  index: number;
  pattern: string;
  halves: Record<Half, HalfEffect>;
}

const NEVER = /(?!)/;

interface PageOutcome {
  score: PageScore;
  opens: boolean;
  text: string;
  lede: string;
}

function outcome(page: ScrapinghubPage): PageOutcome {
  const extracted = extractArticle({ html: page.html, url: page.url });
  return { score: scorePage(extracted.text, page.truth), opens: ledeOpensStory(extracted.lede, page.truth), text: extracted.text, lede: extracted.lede };
}

const f1 = (score: PageScore): number => (score.precision + score.recall === 0 ? 0 : (2 * score.precision * score.recall) / (score.precision + score.recall));

export function auditRules(pages: ScrapinghubPage[] = loadScrapinghubPages()): RuleEffect[] {
  // 1. Which pages each pattern matches on, with every rule on.
  let current = '';
  const matchedOn = new Map<RegExp, Set<string>>();
  const originals = auditedRules.map(({ rules }) => [...rules]);
  auditedRules.forEach(({ rules }) => {
    rules.forEach((pattern, index) => {
      const pages = new Set<string>();
      matchedOn.set(pattern, pages);
      const watched = new RegExp(pattern.source, pattern.flags);
      const test = watched.test.bind(watched);
      watched.test = (text: string): boolean => {
        const matched = test(text);
        if (matched) pages.add(current);
        return matched;
      };
      rules[index] = watched;
    });
  });
  const baseline = new Map<string, PageOutcome>();
  try {
    for (const page of pages) {
      current = page.id;
      baseline.set(page.id, outcome(page));
    }
  } finally {
    auditedRules.forEach(({ rules }, list) => rules.splice(0, rules.length, ...(originals[list] ?? [])));
  }

  // 2. Each pattern off in turn, on the pages it matched.
  const byHalf = (half: Half): ScrapinghubPage[] => pages.filter((page) => corpusHalf(page.id) === half);
  const baseF1 = Object.fromEntries(halves.map((half) => [half, scoreCorpus(byHalf(half).map((page) => baseline.get(page.id)?.score ?? { precision: 0, recall: 0 })).f1])) as Record<Half, number>;
  const effects: RuleEffect[] = [];
  auditedRules.forEach(({ family, rules }) => {
    rules.forEach((pattern, index) => {
      const matched = matchedOn.get(pattern) ?? new Set<string>();
      if (matched.size === 0) return;
      const without = new Map<string, PageOutcome>();
      rules[index] = NEVER;
      try {
        for (const page of pages) if (matched.has(page.id)) without.set(page.id, outcome(page));
      } finally {
        rules[index] = pattern;
      }
      const effect = (half: Half): HalfEffect => {
        const inHalf = byHalf(half);
        const scores = inHalf.map((page) => (without.get(page.id) ?? baseline.get(page.id))?.score ?? { precision: 0, recall: 0 });
        const result: HalfEffect = { matched: 0, changed: 0, f1: baseF1[half] - scoreCorpus(scores).f1, ledes: 0, helped: 0, hurt: 0 };
        for (const page of inHalf) {
          const before = baseline.get(page.id);
          const after = without.get(page.id);
          if (!matched.has(page.id) || !before || !after) continue;
          result.matched += 1;
          if (before.text === after.text && before.lede === after.lede) continue;
          result.changed += 1;
          const gain = f1(before.score) - f1(after.score) + (Number(before.opens) - Number(after.opens));
          result.ledes += Number(before.opens) - Number(after.opens);
          if (gain > 1e-6) result.helped += 1;
          else if (gain < -1e-6) result.hurt += 1;
        }
        return result;
      };
      effects.push({ family, index, pattern: pattern.source, halves: { development: effect('development'), test: effect('test') } });
    });
  });
  return effects;
}
