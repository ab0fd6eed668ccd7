import { QUOTE_WEIGHTS, rankQuotes, scoreQuote, type QuoteCandidate, type QuoteWeights } from '../../src/trim/select-quote.js';
import { selectHeadline } from '../../src/trim/select-headline.js';
import { selectLede } from '../../src/trim/select-lede.js';
import type { Quote } from '../../src/types.js';
import { overlaps, type QuoteArticle } from './quote-corpus.js';

/**
 * The key-quote ranking's weights, measured and tuned without the test half: how the figure
 * moves when the weights around the chosen ones change (a peak that neighbouring weights do not
 * share is a weight fitted to the articles it was tuned on), and the tuning procedure itself.
 *
 * The signals of every candidate do not depend on the weights, so each article is ranked once
 * and re-scored for every weight vector: a few hundred weight vectors cost well under a second.
 */

export interface PreparedQuoteArticle {
  article: QuoteArticle;
  /** The qualifying quotations with their signals, in story order. */
  candidates: QuoteCandidate[];
  /** For each candidate: whether it is one of the article's key picks (as scoreQuotes judges it). */
  isKeyPick: boolean[];
}

/** The gold-text form of each article (as evaluateQuotes' `gold-text` mode reads it), ranked once. */
export function prepareQuoteArticles(articles: QuoteArticle[]): PreparedQuoteArticle[] {
  return articles.map((article) => {
    const paragraphs = goldParagraphs(article);
    const headline = selectHeadline(article.title);
    const candidates = rankQuotes(paragraphs, { headline, lede: selectLede(paragraphs) }).sort((a, b) => a.signals.order - b.signals.order);
    const isKeyPick = candidates.map((candidate) => article.key.some((index) => article.quotes[index] !== undefined && overlaps(candidate.text, article.quotes[index].text)));
    return { article, candidates, isKeyPick };
  });
}

/** truth.json's body, one paragraph a line. */
export function goldParagraphs(article: QuoteArticle): string[] {
  return article.body
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The index of the candidate selectQuote would return under `weights`: the highest score, the earliest on a tie. */
function bestIndex(candidates: QuoteCandidate[], weights: Readonly<QuoteWeights>): number {
  let best = -1;
  let bestScore = -Infinity;
  candidates.forEach((candidate, index) => {
    const score = scoreQuote(candidate.signals, weights);
    if (score > bestScore) {
      bestScore = score;
      best = index;
    }
  });
  return best;
}

/** The quote selectQuote would return under `weights`. */
export function pickWith(candidates: QuoteCandidate[], weights: Readonly<QuoteWeights>): Quote | null {
  const best = candidates[bestIndex(candidates, weights)];
  return best ? { text: best.text, speaker: best.speaker } : null;
}

/** Articles with a key pick whose returned quote is one of the picks, under `weights` (scoreQuotes' keyAgreement). */
export function keyAgreementWith(prepared: PreparedQuoteArticle[], weights: Readonly<QuoteWeights>): { agreed: number; withKey: number } {
  let agreed = 0;
  let withKey = 0;
  for (const { article, candidates, isKeyPick } of prepared) {
    if (article.key.length === 0) continue;
    withKey += 1;
    if (isKeyPick[bestIndex(candidates, weights)]) agreed += 1;
  }
  return { agreed, withKey };
}

/** A small deterministic generator (LCG), so every run draws the same neighbours. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface NeighbourhoodOptions {
  /** How many weight vectors to draw. Default 200. */
  count?: number;
  /** Each weight is multiplied by a factor between 1/spread and spread (log-uniform). Default 1.5. */
  spread?: number;
  /** And moved by up to this much either way, so weights at zero move too. Default 0.25. */
  jitter?: number;
  seed?: number;
}

/**
 * Weight vectors around `base`: every weight at once multiplied by a factor in [1/1.5, 1.5] and
 * moved by up to ±0.25, drawn from a fixed seed.
 */
export function neighbourWeights(base: Readonly<QuoteWeights>, options: NeighbourhoodOptions = {}): QuoteWeights[] {
  const { count = 200, spread = 1.5, jitter = 0.25, seed = 20261202 } = options;
  const next = random(seed);
  const names = Object.keys(base) as (keyof QuoteWeights)[];
  return Array.from({ length: count }, () => {
    const weights = { ...base };
    for (const name of names) weights[name] = base[name] * Math.exp((next() * 2 - 1) * Math.log(spread)) + (next() * 2 - 1) * jitter;
    return weights;
  });
}

export interface WeightSpread {
  /** Key-pick agreement at `base` itself. */
  at: number;
  withKey: number;
  /** Over the neighbouring weight vectors. */
  min: number;
  median: number;
  max: number;
  neighbours: number;
}

/** Key-pick agreement at `base` and its spread over the neighbouring weights. */
export function weightSpread(prepared: PreparedQuoteArticle[], base: Readonly<QuoteWeights> = QUOTE_WEIGHTS, neighbours: QuoteWeights[] = neighbourWeights(base)): WeightSpread {
  const counts = neighbours.map((weights) => keyAgreementWith(prepared, weights).agreed).sort((a, b) => a - b);
  const at = keyAgreementWith(prepared, base);
  return {
    at: at.agreed,
    withKey: at.withKey,
    min: counts[0] ?? at.agreed,
    median: counts[Math.floor(counts.length / 2)] ?? at.agreed,
    max: counts[counts.length - 1] ?? at.agreed,
    neighbours: counts.length,
  };
}

/**
 * Whether each signal speaks for a quote (+1) or against it (−1): the design of the ranking,
 * fixed before any tuning. Tuning chooses only the size of each weight.
 */
export const SIGNAL_DIRECTION: Readonly<QuoteWeights> = Object.freeze({
  headlineTerm: 1,
  ledeTerm: 1,
  vocabulary: 1,
  speakerInHeadline: 1,
  speakerInLede: 1,
  completeStart: 1,
  incompleteStart: -1,
  completeEnd: 1,
  incompleteEnd: -1,
  goodLength: 1,
  longLength: 1,
  named: 1,
  role: 1,
  pronoun: 1,
  inherited: 1,
  context: -1,
  continuation: -1,
  unclosed: -1,
  order: -1,
});

/** Sizes a weight may take in tuning. */
const TUNING_GRID = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3];

export interface TuningResult {
  weights: QuoteWeights;
  /** Mean key-pick agreement over the neighbourhood of `weights` (the objective). */
  objective: number;
  passes: number;
}

/**
 * Tunes the weights on the articles given (the development half, and only it). The objective
 * is the mean key-pick agreement over 64 neighbouring weight vectors (`neighbourWeights`, fixed
 * seed) rather than the agreement at the point itself, so a weight vector wins only when the
 * weights around it do well too: a sharp peak on a few articles is not a choice. Coordinate
 * ascent from every weight at ±1 (`SIGNAL_DIRECTION`), each weight tried at 0, 0.25, 0.5, 0.75,
 * 1, 1.5, 2 and 3 in its direction, a change kept only when it strictly improves the objective,
 * until a pass changes nothing.
 */
export function tuneQuoteWeights(prepared: PreparedQuoteArticle[]): TuningResult {
  const names = Object.keys(SIGNAL_DIRECTION) as (keyof QuoteWeights)[];
  const objective = (weights: QuoteWeights): number => {
    const neighbours = neighbourWeights(weights, { count: 64, seed: 7 });
    return neighbours.reduce((total, neighbour) => total + keyAgreementWith(prepared, neighbour).agreed, 0) / neighbours.length;
  };
  let weights: QuoteWeights = { ...SIGNAL_DIRECTION };
  let best = objective(weights);
  let passes = 0;
  for (let changed = true; changed && passes < 10; passes += 1) {
    changed = false;
    for (const name of names) {
      for (const size of TUNING_GRID) {
        const candidate = { ...weights, [name]: SIGNAL_DIRECTION[name] * size };
        const score = objective(candidate);
        if (score > best + 1e-9) {
          best = score;
          weights = candidate;
          changed = true;
        }
      }
    }
  }
  return { weights, objective: best, passes };
}
