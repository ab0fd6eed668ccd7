import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { decodeBody } from '../../src/fetch/decode-text.js';
import { fetchResource } from '../../src/fetch/fetch-resource.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { extractArticle } from '../../src/trim/extract-article.js';
import { buildDigest } from '../../src/pipeline/build-digest.js';
import { loadTemplates } from '../../src/render/load-templates.js';
import { renderDigest } from '../../src/render/render-digest.js';
import { renderSettings } from '../../src/pipeline/render-settings.js';
import type { Digest } from '../../src/types.js';
import { feedsDir, hasFeedsCorpus, listFeedFiles, repoRoot } from '../support/corpora.js';
import { startHttpServer, type TestHttpServer } from '../support/http.js';

/**
 * Every feed of the shared corpus through fetch → decode → parse → select → clean → trim →
 * render, served over a local HTTP server with the HTTP headers feedparser's tests name. Each
 * file must yield items or a per-feed error: no crash, no hang, no unhandled rejection.
 */

const BATCH = 60;
const files = hasFeedsCorpus ? listFeedFiles() : [];
const relative = (file: string) => path.relative(feedsDir, file).split(path.sep).join('/');

/** The `Header: Name: value` lines of feedparser's test files (the corpus README's regex). */
function headersOf(bytes: Buffer): Record<string, string> {
  const head = decodeBody(bytes.subarray(0, 4096)).slice(0, 2000);
  const headers: Record<string, string> = {};
  for (const match of head.matchAll(/^Header:\s+([^:]+):(.*)$/gm)) headers[match[1]!.trim().toLowerCase()] = match[2]!.trim();
  return headers;
}

interface Outcome {
  file: string;
  items: number;
  error?: string;
}

let server: TestHttpServer;
const outcomes = new Map<string, Outcome>();
const rendered = new Map<string, string>();
const digests = new Map<string, Digest>();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

describe.skipIf(!hasFeedsCorpus)('the whole feed corpus through the pipeline', () => {
  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startHttpServer();
    for (const file of files) {
      const bytes = readFileSync(file);
      const headers = headersOf(bytes);
      server.routes.set(`/${relative(file)}`, (_req, res) => {
        res.writeHead(200, headers);
        res.end(bytes);
      });
    }
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await server?.close();
  });

  it('turns every file into items or a per-feed error, and renders every batch', { timeout: 240_000 }, async () => {
    const templates = loadTemplates(path.join(repoRoot, 'templates/default'));
    const started = Date.now();
    for (let start = 0; start < files.length; start += BATCH) {
      const batch = files.slice(start, start + BATCH);
      const config = resolveConfig(
        validateConfig(
          {
            title: 'Corpus',
            feeds: batch.map((file) => ({ url: `${server.origin}/${encodeURI(relative(file))}`, name: relative(file), fullText: 'never' })),
            // The corpus is years old: no age limit. Its image addresses are real sites': not fetched.
            limits: { perFeed: 2, total: BATCH * 2, firstRun: 2, maxAgeDays: 0 },
            fetch: { timeoutSeconds: 10, concurrency: 8, perHost: 8, measureImages: false },
          },
          { file: 'corpus' },
        ),
        { source: null, baseDir: repoRoot, env: {} },
      );
      const built = await buildDigest(config, { now: new Date('2026-11-27T07:00:00Z'), mode: 'preview', fetch: { retries: 0 } });
      const html = (await renderDigest(built.digest, templates, renderSettings(config), { validation: 'strict' })).html;
      for (const file of batch) {
        const name = relative(file);
        const failure = built.digest.failures.find((f) => f.feed === name);
        const items = built.digest.items.filter((i) => i.feedName === name).length;
        outcomes.set(name, { file: name, items, ...(failure ? { error: `${failure.code}: ${failure.message}` } : {}) });
        rendered.set(name, html);
        digests.set(name, built.digest);
      }
    }
    const failed = [...outcomes.values()].filter((o) => o.error);
    const empty = [...outcomes.values()].filter((o) => !o.error && o.items === 0);
    const codes = new Map<string, number>();
    for (const o of failed) codes.set(o.error!.split(':')[0]!, (codes.get(o.error!.split(':')[0]!) ?? 0) + 1);
    console.log(
      `corpus pipeline: ${files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `${files.length - failed.length - empty.length} gave items, ${empty.length} parsed with no items, ${failed.length} per-feed errors ` +
        `(${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')})`,
    );
    expect(outcomes.size).toBe(files.length);
    // Every error is one of ours, with a stable code, not a crash.
    for (const o of failed) expect(o.error, o.file).toMatch(/^(FETCH|PARSE)_[A-Z_0-9]+: /);
    expect(unhandled).toEqual([]);
  });

  it('lets no script, event handler or javascript: URL from the sanitize files into the email', () => {
    const names = [...outcomes.keys()].filter((name) => name.includes('/sanitize/'));
    expect(names.length).toBeGreaterThan(700);
    for (const name of names) {
      const digest = digests.get(name)!;
      for (const item of digest.items.filter((i) => i.feedName === name)) {
        for (const text of [item.headline, item.lede, item.text, item.quote?.text ?? '']) {
          expect(text, name).not.toMatch(/<script|javascript:/i);
        }
      }
    }
    for (const html of new Set(rendered.values())) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\son[a-z]+\s*=/i);
      expect(html).not.toMatch(/(href|src)\s*=\s*["']?\s*javascript:/i);
      expect(html).not.toMatch(/<(iframe|object|embed|applet|form|link|style[^>]*>[^<]*expression)/i);
    }
  });

  it('decodes the encoding files’ text to the right Unicode', async () => {
    // One file at a time (in a digest, feedparser's files share links and collapse as duplicates):
    // fetched over HTTP with the file's headers, decoded, parsed, cleaned and trimmed.
    let checked = 0;
    for (const name of [...outcomes.keys()].filter((n) => n.startsWith('feedparser/encoding/'))) {
      const source = readFileSync(path.join(feedsDir, name));
      const expectation = /Expect:\s*(.*)/.exec(decodeBody(source.subarray(0, 4096)))?.[1] ?? '';
      const ord = /ord\(entries\[0\]\['description'\]\) == (\d+)/.exec(expectation);
      const match = ord
        ? ['', "entries[0]['description']", String.fromCodePoint(Number(ord[1]))]
        : /(feed\['title'\]|entries\[0\]\['(?:description|title)'\]) == '((?:[^'\\]|\\.)*)'/.exec(expectation);
      if (!match) continue;
      const wanted = ord ? match[2]! : pythonString(match[2]!);
      if (/[<&]/.test(wanted)) continue; // markup expectations are the sanitizer's business
      const fetched = await fetchResource(`${server.origin}/${encodeURI(name)}`, { retries: 0 });
      const feed = await parseFeed(fetched.text ?? '', { url: fetched.url });
      const item = feed.items[0];
      const shown =
        match[1] === "feed['title']"
          ? feed.title
          : extractArticle({ ...(item?.title ? { title: item.title } : {}), html: item?.contentHtml ?? item?.summary ?? '' }).text;
      expect(shown, name).toContain(wanted);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(8); // of the 9 files that name a decoded string
  });
});

/** A Python string literal body ('\u2019', '\xa3') as the string it stands for. */
function pythonString(body: string): string {
  return body.replace(/\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\(.)/g, (_, u: string, x: string, c: string) =>
    u ? String.fromCharCode(parseInt(u, 16)) : x ? String.fromCharCode(parseInt(x, 16)) : c,
  );
}
