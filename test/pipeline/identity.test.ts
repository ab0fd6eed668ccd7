/**
 * Issue 10, item 3: item and feed identity do not depend on where the project lives. A moved or
 * copied project, and a state file written before this was so, send nothing a second time.
 */
import { copyFileSync, cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { runDigest } from '../../src/pipeline/run-digest.js';
import { StateStore } from '../../src/state/state-store.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/legacy-state');
/** Where the fixture's project lived when version 0.1.0 wrote its state. */
const LEGACY_HOME = '/tmp/newsletter-digest-legacy-fixture/project';
const day = (n: number) => () => new Date(Date.UTC(2026, 10, 27 + n, 7, 0, 5));

afterEach(() => rmSync(path.dirname(LEGACY_HOME), { recursive: true, force: true }));

function run(dir: string, n: number) {
  return runDigest(loadConfig({ configPath: path.join(dir, 'digest.config.yaml'), cwd: dir, env: {} }), { now: day(n) });
}

/** The fixture project at `dir`, with version 0.1.0's state file; feed files get a new mtime, so they are read in full. */
function legacyProject(dir: string): void {
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(path.join(FIXTURE, 'project'), dir, { recursive: true });
  mkdirSync(path.join(dir, '.digest'));
  copyFileSync(path.join(FIXTURE, 'state-0.1.0.sqlite'), path.join(dir, '.digest/state.sqlite'));
}

describe('a moved or copied project', () => {
  it('sends nothing again after the folder is moved, or copied with its state', async () => {
    const first = path.join(tmp.dir(), 'first');
    cpSync(path.join(FIXTURE, 'project'), first, { recursive: true });
    const sent = await run(first, 0);
    expect(sent).toMatchObject({ status: 'sent', items: 9 });

    const moved = path.join(tmp.dir(), 'elsewhere/moved');
    mkdirSync(path.dirname(moved));
    renameSync(first, moved);
    for (const feed of ['world-news.rss.xml', 'city-culture.json', 'plain.rss.xml']) {
      // A new modification time: the files are read and every item judged again.
      writeFileSync(path.join(moved, 'feeds', feed), readFileSync(path.join(moved, 'feeds', feed)));
    }
    const afterMove = await run(moved, 1);
    expect(afterMove.status).toBe('nothing-new');
    expect(new Set(afterMove.decisions.map((d) => d.verdict))).toEqual(new Set(['seen']));

    const copy = path.join(tmp.dir(), 'copy');
    cpSync(moved, copy, { recursive: true });
    expect((await run(copy, 2)).status).toBe('nothing-new');
  });

  it('keys local feeds by their path relative to the config file, in the state', async () => {
    const dir = path.join(tmp.dir(), 'p');
    cpSync(path.join(FIXTURE, 'project'), dir, { recursive: true });
    await run(dir, 0);
    const store = StateStore.open(path.join(dir, '.digest/state.sqlite'));
    try {
      expect(store.listFeeds().map((f) => f.url).sort()).toEqual(['feeds/city-culture.json', 'feeds/plain.rss.xml', 'feeds/world-news.rss.xml']);
    } finally {
      store.close();
    }
  });
});

describe('a state file written before identity was relative (version 0.1.0)', () => {
  it('upgrading in place sends nothing again, and neither does moving the project afterwards', async () => {
    legacyProject(LEGACY_HOME);
    const upgraded = await run(LEGACY_HOME, 1);
    expect(upgraded.status).toBe('nothing-new');
    expect(new Set(upgraded.decisions.map((d) => d.verdict))).toEqual(new Set(['seen']));
    // The run recorded them under their new ids, as they were: delivered, in run 1.
    const store = StateStore.open(path.join(LEGACY_HOME, '.digest/state.sqlite'));
    try {
      for (const decision of upgraded.decisions) expect(store.itemStatus(decision.id), decision.title).toEqual({ status: 'delivered', runId: 1 });
      expect(store.getFeed('feeds/world-news.rss.xml')?.title).toBe('World Desk');
    } finally {
      store.close();
    }

    const moved = path.join(tmp.dir(), 'moved');
    cpSync(LEGACY_HOME, moved, { recursive: true });
    rmSync(path.dirname(LEGACY_HOME), { recursive: true, force: true });
    const afterMove = await run(moved, 2);
    expect(afterMove.status).toBe('nothing-new');
  });

  it('upgrading and moving at once sends nothing again, and still sends what is really new', async () => {
    const dir = path.join(tmp.dir(), 'somewhere/else');
    legacyProject(dir);
    const feed = path.join(dir, 'feeds/plain.rss.xml');
    writeFileSync(
      feed,
      readFileSync(feed, 'utf8').replace(
        '</channel>',
        '<item><title>Notice three</title><description>A third notice, new since the upgrade, long enough to be a lede of its own.</description><pubDate>Thu, 26 Nov 2026 09:00:00 GMT</pubDate></item></channel>',
      ),
    );
    const result = await run(dir, 1);
    expect(result.status).toBe('sent');
    expect(result.digest!.items.map((i) => i.headline)).toEqual(['Notice three']);
    expect((await run(dir, 2)).status).toBe('nothing-new');
  });
});
