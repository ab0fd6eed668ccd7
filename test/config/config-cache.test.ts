import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { loadConfigCached } from '../../src/config/load-config-cached.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/resolve-config.js';
import { runCliProcess } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const temp = useTempDir();

const CONFIG = `title: Cached
feeds:
  - url: https://news.example/feed.xml
    name: News
recipients:
  - reader@example.com
  - ${'x'.repeat(70)}@example.com
delivery:
  transport: outbox
`;

/** A project and a cache folder of its own; loads go through the cache with a fixed build id. */
function project(text = CONFIG) {
  const dir = temp.dir();
  const file = temp.write('project/digest.config.yaml', text);
  const cacheHome = path.join(dir, 'cache');
  const env = { XDG_CACHE_HOME: cacheHome };
  const load = (extra: { env?: NodeJS.ProcessEnv; buildId?: string; noCache?: boolean } = {}) =>
    loadConfigCached({ cwd: path.dirname(file), env: { ...env, ...extra.env }, buildId: extra.buildId ?? 'build-a', ...(extra.noCache ? { noCache: true } : {}) });
  const entries = () => (existsSync(path.join(cacheHome, 'newsletter-digest')) ? readdirSync(path.join(cacheHome, 'newsletter-digest')).map((name) => path.join(cacheHome, 'newsletter-digest', name)) : []);
  return { file, cacheHome, env, load, entries };
}

/** A resolved config as data (the token signer is a class holding a secret). */
const plain = (config: ResolvedConfig) => JSON.parse(JSON.stringify({ ...config, readerTokens: config.readerTokens ? 'set' : 'unset' })) as unknown;

describe('config cache', () => {
  it('gives the same config from the cache as from the file, warnings and their lines included', async () => {
    const p = project();
    const fresh = loadConfig({ cwd: path.dirname(p.file), env: p.env });
    const first = await p.load();
    expect(p.entries()).toHaveLength(1);
    const second = await p.load();
    expect(plain(first)).toEqual(plain(fresh));
    expect(plain(second)).toEqual(plain(fresh));
    // The over-long address is reported with its line on a cache hit too.
    expect(second.warnings.join('\n')).toMatch(/digest\.config\.yaml:7: recipients\[1\]/);
  });

  it('is used when the text is unchanged: an entry with the same key is what loads', async () => {
    const p = project();
    await p.load();
    const [entryFile] = p.entries();
    const entry = deserialize(readFileSync(entryFile!)) as { parsed: { title: string } };
    entry.parsed.title = 'From the cache';
    writeFileSync(entryFile!, serialize(entry));
    expect((await p.load()).title).toBe('From the cache');
    // --no-cache reads the file, and puts the right entry back.
    expect((await p.load({ noCache: true })).title).toBe('Cached');
    expect((await p.load()).title).toBe('Cached');
  });

  it('reads the file again when its text changes, and reports a new mistake instead of the old settings', async () => {
    const p = project();
    await p.load();
    writeFileSync(p.file, CONFIG.replace('title: Cached', 'title: Changed'));
    expect((await p.load()).title).toBe('Changed');
    writeFileSync(p.file, CONFIG.replace('transport: outbox', 'transport: pigeon'));
    await expect(p.load()).rejects.toThrow(/digest\.config\.yaml:\d+: delivery\.transport/);
    writeFileSync(p.file, CONFIG.replace('title: Cached', 'title: [unclosed'));
    await expect(p.load()).rejects.toMatchObject({ code: 'CONFIG_SYNTAX' });
  });

  it('does not take an entry written by another build of the tool', async () => {
    const p = project();
    await p.load({ buildId: 'build-a' });
    const [entryFile] = p.entries();
    const entry = deserialize(readFileSync(entryFile!)) as { parsed: { title: string } };
    entry.parsed.title = 'Stale';
    writeFileSync(entryFile!, serialize(entry));
    expect((await p.load({ buildId: 'build-b' })).title).toBe('Cached');
  });

  it('works out the environment and the files the config names on every load', async () => {
    const list = temp.write('project/more-feeds.yaml', '- url: https://one.example/feed.xml\n  name: One\n');
    const p = project(CONFIG.replace('feeds:\n', `feeds:\n  - ${path.basename(list)}\n`));
    const first = await p.load();
    expect(first.transport).toBe('outbox');
    expect(first.feeds.map((f) => f.name)).toEqual(['One', 'News']);
    writeFileSync(list, '- url: https://two.example/feed.xml\n  name: Two\n- https://three.example/feed.xml\n');
    const second = await p.load({ env: { SMTP_URL: 'smtp://127.0.0.1:2525' } });
    expect(second.feeds.map((f) => f.url)).toEqual(['https://two.example/feed.xml', 'https://three.example/feed.xml', 'https://news.example/feed.xml']);
    expect(second.smtpUrl).toBe('smtp://127.0.0.1:2525');
    // A broken list is reported on a cache hit as it is without the cache.
    writeFileSync(list, '- url: https://two.example/feed.xml\n  limit: many\n');
    await expect(p.load()).rejects.toMatchObject({ code: 'CONFIG_FEED_LIST' });
  });

  it('treats a corrupt entry as missing and rewrites it', async () => {
    const p = project();
    await p.load();
    const [entryFile] = p.entries();
    writeFileSync(entryFile!, 'not a cache entry');
    expect((await p.load()).title).toBe('Cached');
    expect((deserialize(readFileSync(entryFile!)) as { parsed: { title: string } }).parsed.title).toBe('Cached');
  });

  it('loads the config when the cache cannot be written', async () => {
    const p = project();
    writeFileSync(path.join(p.cacheHome), 'a file where the cache folder would be');
    expect((await p.load()).title).toBe('Cached');
    expect(p.entries()).toEqual([]);
  });

  it('keeps nothing without a build id (running from the sources)', async () => {
    const p = project();
    const config = await loadConfigCached({ cwd: path.dirname(p.file), env: p.env, buildId: undefined });
    expect(config.title).toBe('Cached');
    expect(p.entries()).toEqual([]);
  });

  it('is used by the built digest command, which still reports a config broken since', async () => {
    const p = project();
    const cwd = path.dirname(p.file);
    const first = await runCliProcess(['check', '--json'], { cwd, env: p.env });
    expect(p.entries()).toHaveLength(1);
    const entryFile = p.entries()[0]!;
    const written = readFileSync(entryFile);
    const second = await runCliProcess(['check', '--json'], { cwd, env: p.env });
    expect(second.code).toBe(first.code);
    const report = (out: string) => (JSON.parse(out) as { items: { what: string; ok: boolean; detail: string }[] }).items.map(({ what, ok, detail }) => ({ what, ok, detail: detail.replace(/; unchanged since checked at .*/, "") }));
    expect(report(second.stdout)).toEqual(report(first.stdout));
    // A hit reads the entry and leaves it as it was.
    expect(readFileSync(entryFile).equals(written)).toBe(true);
    writeFileSync(p.file, CONFIG.replace('transport: outbox', 'transport: pigeon'));
    const broken = await runCliProcess(['check'], { cwd, env: p.env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/digest\.config\.yaml:\d+: delivery\.transport/);
  }, 120_000);
});
