import { describe, expect, it } from 'vitest';
import { sampleConfig } from '../../src/config/load-config.js';
import { buildDigest } from '../../src/pipeline/build-digest.js';
import { runDigest } from '../../src/pipeline/run-digest.js';
import { StateStore } from '../../src/state/state-store.js';
import { readFileSync } from 'node:fs';
import { startHttpServer, serve } from '../support/http.js';
import { useTempDir } from '../support/temp-dir.js';

const temp = useTempDir();

// buildDigest tells its caller, once, when a feed brings an item not seen before, so the stages
// that clean and render stories load while the other feeds are fetched; a run with nothing new
// loads none of them.
describe('the news signal that starts loading the rendering stages', () => {
  it('comes once when there are new items, and not at all when everything was seen', async () => {
    // The sample feeds from a server that sends them whole every time (no ETag, no Last-Modified).
    const sample = sampleConfig({ cwd: temp.dir(), env: {} });
    const server = await startHttpServer(Object.fromEntries(sample.feeds.map((feed, i) => [`/feed${i}`, serve(readFileSync(feed.url), feed.url.endsWith('.json') ? 'application/feed+json' : 'application/xml')])));
    const config = { ...sample, feeds: sample.feeds.map((feed, i) => ({ ...feed, url: `${server.origin}/feed${i}` })) };
    const store = StateStore.open(config.statePath);
    try {
      let calls = 0;
      const first = await buildDigest(config, { store, now: new Date('2026-11-20T08:00:00Z'), mode: 'run', onNews: () => calls++ });
      expect(first.digest.items.length).toBeGreaterThan(0);
      expect(calls).toBe(1);
    } finally {
      store.close();
    }
    // The sample run records every item it chose or skipped.
    await runDigest(config, { now: () => new Date('2026-11-20T08:00:00Z') });
    const again = StateStore.open(config.statePath);
    try {
      let calls = 0;
      // Every feed sends its body again, and nothing in it is new.
      const second = await buildDigest(config, { store: again, now: new Date('2026-11-20T09:00:00Z'), mode: 'run', onNews: () => calls++ });
      expect(second.digest.items).toEqual([]);
      expect(second.feedOutcomes.map((outcome) => outcome.status)).toEqual(['ok', 'ok', 'ok']);
      expect(calls).toBe(0);
    } finally {
      again.close();
      await server.close();
    }
  });
});
