import { describe, expect, it } from 'vitest';
import { sampleConfig } from '../../src/config/load-config.js';
import { previewDigest } from '../../src/pipeline/run-digest.js';
import { hasSeed, isExpectedQuote, loadSeedExpectation } from '../support/seed.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();

/**
 * The seed page ships inside the bundled RSS sample as a WordPress-style content:encoded item with
 * its page furniture left in. Through the whole pipeline it must come out as
 * ../shared/corpora/seed/expected.json says.
 */
describe.skipIf(!hasSeed)('the seed story in the bundled sample feed', () => {
  it('comes out of the pipeline with the expected headline, lede and key quote, and no furniture', async () => {
    const expected = loadSeedExpectation();
    const config = sampleConfig({ cwd: tmp.dir(), env: {} });
    const result = await previewDigest(config, { outDir: tmp.dir(), now: () => new Date('2026-11-27T07:00:00Z') });
    const item = result.digest.items.find((i) => i.headline === expected.headline);
    expect(item, 'the NO DEAL item').toBeDefined();
    expect(item!.lede.startsWith(expected.lede_starts_with)).toBe(true);
    expect(item!.lede.split(/\s+/).length).toBeLessThanOrEqual(expected.lede_max_words);
    expect(isExpectedQuote(item!.quote?.text, expected), `quote ${JSON.stringify(item!.quote?.text)}`).toBe(true);
    expect(item!.quote?.speaker).toBe(expected.key_quote_speaker);
    for (const junk of expected.must_not_appear_anywhere) {
      for (const text of [item!.headline, item!.lede, item!.quote?.text ?? '', item!.text, result.rendered.html, result.rendered.text]) {
        expect(text).not.toContain(junk);
      }
    }
  });
});
