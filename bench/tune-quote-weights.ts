/**
 * Tunes the key-quote ranking's weights on the development half of quotes/dev.jsonl, and only
 * on it (test/support/quote-weights.ts describes the procedure). Prints the weights to put in
 * QUOTE_WEIGHTS (src/trim/select-quote.ts) and their development figures; the test half is
 * never read here: `npm run eval` reports it.
 *
 *   node --import tsx bench/tune-quote-weights.ts
 */
import { inHalf } from '../test/support/corpus-split.js';
import { loadQuoteArticles } from '../test/support/quote-corpus.js';
import { prepareQuoteArticles, tuneQuoteWeights, weightSpread } from '../test/support/quote-weights.js';

const development = prepareQuoteArticles(inHalf(loadQuoteArticles(), (article) => article.id, 'development'));
if (development.length === 0) {
  console.error('quotes/dev.jsonl is not in ../shared/corpora; see ../shared/corpora/README.md.');
  process.exit(1);
}
const started = Date.now();
const { weights, objective, passes } = tuneQuoteWeights(development);
const spread = weightSpread(development, weights);
console.log(`Tuned on the development half: ${development.length} articles, ${spread.withKey} with a key pick (${passes} passes, ${((Date.now() - started) / 1000).toFixed(1)} s).`);
console.log(`Key pick agreement: ${spread.at}/${spread.withKey} at these weights; over ${spread.neighbours} neighbouring weights min ${spread.min}, median ${spread.median}, max ${spread.max} (objective, mean of 64: ${objective.toFixed(2)}).\n`);
console.log('QUOTE_WEIGHTS = {');
for (const [name, value] of Object.entries(weights)) console.log(`  ${name}: ${value},`);
console.log('}');
