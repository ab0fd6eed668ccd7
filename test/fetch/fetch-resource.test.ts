import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FetchError } from '../../src/errors.js';
import { fetchResource, parseRetryAfter } from '../../src/fetch/fetch-resource.js';
import type { FetchOptions } from '../../src/fetch/fetch-resource.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hits: number) => void;

const FEED = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café</title></channel></rss>';

const routes = new Map<string, Handler>();
const hits = new Map<string, number>();
const seenHeaders = new Map<string, http.IncomingHttpHeaders>();
let server: http.Server;
let base: string;
let tmp: string;

function route(pathname: string, handler: Handler): string {
  routes.set(pathname, handler);
  return `${base}${pathname}`;
}

/** Fast retries for tests. */
const quick: FetchOptions = { retryDelayMs: 10 };

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FetchError);
    return error as FetchError;
  }
  throw new Error('expected the fetch to fail');
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const count = (hits.get(pathname) ?? 0) + 1;
    hits.set(pathname, count);
    seenHeaders.set(pathname, req.headers);
    const handler = routes.get(pathname);
    if (!handler) {
      res.writeHead(404).end('no route');
      return;
    }
    handler(req, res, count);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'digest-fetch-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(tmp, { recursive: true, force: true });
});

describe('fetchResource over HTTP', () => {
  it('fetches a 200 with validators, content type and a decoded body', async () => {
    const url = route('/ok', (req, res) => {
      res.writeHead(200, {
        'content-type': 'application/rss+xml; charset=utf-8',
        etag: '"v1"',
        'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
      });
      res.end(FEED);
    });
    const result = await fetchResource(url);
    expect(result).toMatchObject({
      status: 'ok',
      url,
      httpStatus: 200,
      contentType: 'application/rss+xml; charset=utf-8',
      validators: { etag: '"v1"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' },
    });
    expect(result.movedTo).toBeUndefined();
    expect(result.text).toContain('<title>Café</title>');
    const headers = seenHeaders.get('/ok')!;
    expect(headers['user-agent']).toMatch(/^newsletter-digest\/\d+\.\d+\.\d+/);
    expect(headers['accept-encoding']).toContain('gzip');
  });

  it('firstBytes: reads only the start of a big body (asking for that range), gzip too, without an error', async () => {
    const body = Buffer.alloc(5 * 1024 * 1024, 7);
    body.write('HEADER', 0);
    const plain = route('/big.bin', (_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body));
    const result = await fetchResource(plain, { firstBytes: 1024, maxBytes: 1024 * 1024 });
    expect(result.bytes?.length).toBe(1024);
    expect(result.bytes?.subarray(0, 6).toString()).toBe('HEADER');
    expect(result.text).toBeUndefined();
    expect(seenHeaders.get('/big.bin')?.range).toBe('bytes=0-1023');
    const gzipped = zlib.gzipSync(body);
    const packed = route('/big.gz', (_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-encoding': 'gzip' }).end(gzipped));
    expect((await fetchResource(packed, { firstBytes: 2048 })).bytes?.subarray(0, 6).toString()).toBe('HEADER');
    const tiny = route('/tiny.bin', (_req, res) => res.writeHead(200, { 'content-type': 'image/gif' }).end('GIF89a'));
    expect((await fetchResource(tiny, { firstBytes: 2048 })).bytes?.toString()).toBe('GIF89a');
  });

  it('sends If-None-Match / If-Modified-Since and returns not-modified on 304', async () => {
    const url = route('/conditional', (req, res) => {
      if (req.headers['if-none-match'] === '"v2"' || req.headers['if-modified-since'] === 'Thu, 02 Jan 2025 00:00:00 GMT') {
        res.writeHead(304, { etag: '"v2"' }).end();
        return;
      }
      res.writeHead(200, { etag: '"v2"', 'content-type': 'application/xml' }).end(FEED);
    });
    const byEtag = await fetchResource(url, { validators: { etag: '"v2"' } });
    expect(byEtag).toMatchObject({ status: 'not-modified', httpStatus: 304, validators: { etag: '"v2"' } });
    expect(byEtag.text).toBeUndefined();

    const byDate = await fetchResource(url, { validators: { lastModified: 'Thu, 02 Jan 2025 00:00:00 GMT' } });
    expect(byDate.status).toBe('not-modified');
    // The validators sent stay valid when the 304 does not repeat them.
    expect(byDate.validators).toEqual({ etag: '"v2"', lastModified: 'Thu, 02 Jan 2025 00:00:00 GMT' });
    expect(seenHeaders.get('/conditional')!['if-modified-since']).toBe('Thu, 02 Jan 2025 00:00:00 GMT');

    expect((await fetchResource(url, { validators: { etag: '"old"' } })).status).toBe('ok');
  });

  it('sets movedTo after 301 and 308, not after 302', async () => {
    route('/new-home', (req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(FEED));
    const moved301 = route('/moved-301', (req, res) => res.writeHead(301, { location: '/new-home' }).end());
    const moved308 = route('/moved-308', (req, res) => res.writeHead(308, { location: `${base}/new-home` }).end());
    const found302 = route('/found-302', (req, res) => res.writeHead(302, { location: '/new-home' }).end());
    const chain = route('/chain', (req, res) => res.writeHead(301, { location: '/found-302' }).end());
    const tempThenPerm = route('/temp-then-perm', (req, res) => res.writeHead(307, { location: '/moved-301' }).end());

    for (const url of [moved301, moved308]) {
      const result = await fetchResource(url);
      expect(result).toMatchObject({ status: 'ok', url: `${base}/new-home`, movedTo: `${base}/new-home` });
    }
    const temporary = await fetchResource(found302);
    expect(temporary.url).toBe(`${base}/new-home`);
    expect(temporary.movedTo).toBeUndefined();
    // 301 then 302: the feed moved permanently to the 302's address, which only temporarily redirects.
    expect((await fetchResource(chain)).movedTo).toBe(`${base}/found-302`);
    // 307 then 301: the configured address still stands.
    expect((await fetchResource(tempThenPerm)).movedTo).toBeUndefined();
  });

  it('gives up on redirect loops and non-http redirects', async () => {
    const loop = route('/loop', (req, res) => res.writeHead(302, { location: '/loop' }).end());
    expect((await failure(fetchResource(loop))).code).toBe('FETCH_TOO_MANY_REDIRECTS');
    const toFile = route('/to-file', (req, res) => res.writeHead(301, { location: 'file:///etc/passwd' }).end());
    expect((await failure(fetchResource(toFile))).code).toBe('FETCH_BAD_REDIRECT');
  });

  it('maps 410 to FETCH_GONE and 404 to FETCH_HTTP_404, without retrying', async () => {
    const gone = route('/gone', (req, res) => res.writeHead(410).end());
    const error = await failure(fetchResource(gone, quick));
    expect(error.code).toBe('FETCH_GONE');
    expect(error.message).toContain(gone);
    expect(error.hint).toMatch(/remove it/);
    expect(error.context.feed).toBe(gone);

    const missing = route('/missing', (req, res) => res.writeHead(404).end());
    const notFound = await failure(fetchResource(missing, quick));
    expect(notFound.code).toBe('FETCH_HTTP_404');
    expect(notFound.message).toContain(missing);
    expect(notFound.hint).toBeTruthy();
    expect(hits.get('/missing')).toBe(1);
  });

  it('waits for Retry-After on 429, then succeeds', async () => {
    const url = route('/rate-limited', (req, res, count) => {
      if (count === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.writeHead(200).end(FEED);
    });
    const started = Date.now();
    const result = await fetchResource(url, quick);
    expect(result.status).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(hits.get('/rate-limited')).toBe(2);
  });

  it('does not wait for a Retry-After beyond the cap', async () => {
    const url = route('/rate-limited-long', (req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    const error = await failure(fetchResource(url, { ...quick, maxRetryAfterMs: 5_000 }));
    expect(error.code).toBe('FETCH_HTTP_429');
    expect(error.context.retryAfterMs).toBe(3_600_000);
    expect(error.hint).toMatch(/wait 3600 s/);
    expect(hits.get('/rate-limited-long')).toBe(1);
  });

  it('retries a 500 and succeeds; reports the status when retries run out', async () => {
    const flaky = route('/flaky', (req, res, count) => {
      if (count === 1) res.writeHead(500).end('oops');
      else res.writeHead(200).end(FEED);
    });
    expect((await fetchResource(flaky, quick)).status).toBe('ok');
    expect(hits.get('/flaky')).toBe(2);

    const broken = route('/broken', (req, res) => res.writeHead(503).end());
    const error = await failure(fetchResource(broken, { ...quick, retries: 2 }));
    expect(error.code).toBe('FETCH_HTTP_503');
    expect(error.context.attempts).toBe(3);
    expect(hits.get('/broken')).toBe(3);
  });

  it('retries a connection reset', async () => {
    const url = route('/reset', (req, res, count) => {
      if (count === 1) req.socket.destroy();
      else res.writeHead(200).end(FEED);
    });
    expect((await fetchResource(url, quick)).status).toBe('ok');
  });

  it('times out a server that never answers', async () => {
    const url = route('/silent', () => {
      /* never respond */
    });
    const started = Date.now();
    const error = await failure(fetchResource(url, { timeoutMs: 300, retries: 0 }));
    expect(error.code).toBe('FETCH_TIMEOUT');
    expect(error.message).toContain(url);
    // It gave up at its own deadline instead of waiting for the server (generous bound for busy machines).
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('keeps one deadline for the whole fetch: a silent server is asked once, not once per retry', async () => {
    // fetch.timeoutSeconds is per feed; three attempts plus backoff used to cost three times that.
    const url = route('/silent-counted', () => {
      /* never respond */
    });
    const error = await failure(fetchResource(url, { ...quick, timeoutMs: 500, retries: 2 }));
    expect(error.code).toBe('FETCH_TIMEOUT');
    expect(error.message).toBe(`Fetching ${url} timed out: no complete answer within 0.5 s (the deadline for this feed, retries included)`);
    expect(hits.get('/silent-counted')).toBe(1);
  });

  it('retries quick failures within that deadline, and gives up when the wait would pass it', async () => {
    const url = route('/busy-then-ok', (req, res, count) => {
      if (count < 3) res.writeHead(503).end('busy');
      else res.writeHead(200).end(FEED);
    });
    expect((await fetchResource(url, { ...quick, timeoutMs: 5_000, retries: 2 })).status).toBe('ok');
    // A Retry-After longer than what is left of the deadline is not waited for.
    const later = route('/retry-later', (req, res) => res.writeHead(503, { 'retry-after': '3' }).end('later'));
    const error = await failure(fetchResource(later, { ...quick, timeoutMs: 1_000, retries: 2 }));
    expect(error.code).toBe('FETCH_HTTP_503');
    expect(hits.get('/retry-later')).toBe(1);
  });

  it('times out a server that drips a byte a second at the total deadline', async () => {
    const url = route('/drip', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write('<');
      const timer = setInterval(() => {
        if (!res.write('x')) clearInterval(timer);
      }, 1_000);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const error = await failure(fetchResource(url, { timeoutMs: 1_500, retries: 0 }));
    expect(error.code).toBe('FETCH_TIMEOUT');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('stops a huge body at maxBytes, with or without Content-Length', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const streamed = route('/huge', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      let sent = 0;
      const pump = (): void => {
        while (sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => (sent = Infinity));
      pump();
    });
    const error = await failure(fetchResource(streamed, { maxBytes: 1024 * 1024 }));
    expect(error.code).toBe('FETCH_TOO_LARGE');
    expect(error.message).toContain(streamed);

    const declared = route('/huge-declared', (req, res) => {
      res.writeHead(200, { 'content-length': String(20 * 1024 * 1024) });
      res.write(chunk);
    });
    expect((await failure(fetchResource(declared, { maxBytes: 1024 * 1024 }))).code).toBe('FETCH_TOO_LARGE');
  });

  it('decompresses gzip, deflate and br', async () => {
    const gz = route('/gzip', (req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(FEED)));
    const br = route('/br', (req, res) => res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync(FEED)));
    const deflate = route('/deflate', (req, res) => res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateSync(FEED)));
    for (const url of [gz, br, deflate]) expect((await fetchResource(url)).text).toBe(FEED);
  });

  it('reports a corrupt compressed body', async () => {
    const url = route('/bad-gzip', (req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all'));
    expect((await failure(fetchResource(url))).code).toBe('FETCH_BAD_ENCODING');
  });

  it('bounds a gzip bomb by the decompressed size', async () => {
    // 256 MiB of zeros compress to about 250 KB.
    const gzip = zlib.createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (part: Buffer) => parts.push(part));
    const zeros = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 256; i++) gzip.write(zeros);
    await new Promise((resolve) => gzip.end(resolve));
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(1024 * 1024);

    const url = route('/bomb', (req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb));
    const heapBefore = process.memoryUsage().rss;
    const error = await failure(fetchResource(url, { maxBytes: 2 * 1024 * 1024 }));
    expect(error.code).toBe('FETCH_TOO_LARGE');
    expect(process.memoryUsage().rss - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('decodes ISO-8859-1 and windows-1251 bodies and survives a wrong charset header', async () => {
    const latin = route('/latin1', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml; charset=ISO-8859-1' });
      res.end(iconv.encode('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Crème brûlée</title></channel></rss>', 'latin1'));
    });
    expect((await fetchResource(latin)).text).toContain('<title>Crème brûlée</title>');

    const cyrillic = route('/cp1251', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(iconv.encode('<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Новости дня</title></channel></rss>', 'windows-1251'));
    });
    expect((await fetchResource(cyrillic)).text).toContain('<title>Новости дня</title>');

    const lying = route('/lying-charset', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml; charset=iso-8859-1' });
      res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(FEED)]));
    });
    expect((await fetchResource(lying)).text).toBe(FEED);
  });

  it('refuses loopback when allowPrivateNetwork is false, by IP and by resolved name', async () => {
    const url = route('/private', (req, res) => res.writeHead(200).end(FEED));
    const byIp = await failure(fetchResource(url, { allowPrivateNetwork: false }));
    expect(byIp.code).toBe('FETCH_BLOCKED_ADDRESS');
    expect(byIp.message).toContain(url);

    const byName = url.replace('127.0.0.1', 'localhost');
    const resolved = await failure(fetchResource(byName, { allowPrivateNetwork: false, retries: 0 }));
    expect(resolved.code).toBe('FETCH_BLOCKED_ADDRESS');
    expect(hits.get('/private')).toBeUndefined();

    const mapped = await failure(fetchResource(url.replace('127.0.0.1', '[::ffff:127.0.0.1]'), { allowPrivateNetwork: false }));
    expect(mapped.code).toBe('FETCH_BLOCKED_ADDRESS');
    // The default (a configured feed) may live on the private network.
    expect((await fetchResource(url)).status).toBe('ok');
  });

  it('maps connection failures to FETCH_NETWORK', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(fetchResource(`http://127.0.0.1:${port}/feed`, { ...quick, retries: 1 }));
    expect(error.code).toBe('FETCH_NETWORK');
    expect(error.context.errno).toBe('ECONNREFUSED');
    expect(error.context.attempts).toBe(2);
  });

  it('honours the caller’s abort signal', async () => {
    const url = route('/slow-abort', () => {
      /* never respond */
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect((await failure(fetchResource(url, { signal: controller.signal }))).code).toBe('FETCH_ABORTED');
  });
});

describe('fetchResource on local files', () => {
  it('reads absolute paths, paths relative to baseDir and file:// URLs, decoding the same way', async () => {
    const file = path.join(tmp, 'feed.xml');
    await writeFile(file, iconv.encode('<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Привет</title></channel></rss>', 'windows-1251'));
    for (const input of [file, 'feed.xml', pathToFileURL(file).href]) {
      const result = await fetchResource(input, { baseDir: tmp });
      expect(result.status).toBe('ok');
      expect(result.url).toBe(file);
      expect(result.text).toContain('<title>Привет</title>');
      expect(result.validators.lastModified).toBeTruthy();
    }
    const again = await fetchResource(file, { validators: (await fetchResource(file)).validators });
    expect(again.status).toBe('not-modified');
  });

  it('reads a file again when it changed within the second it was last read in', async () => {
    const file = path.join(tmp, 'quick.xml');
    const second = new Date('2026-11-27T07:00:05.000Z');
    await writeFile(file, '<rss version="2.0"><channel><title>One</title></channel></rss>');
    await utimes(file, second, second);
    const first = await fetchResource(file);
    await writeFile(file, '<rss version="2.0"><channel><title>Two!</title></channel></rss>');
    const later = new Date(second.getTime() + 400);
    await utimes(file, later, later);
    const again = await fetchResource(file, { validators: first.validators });
    expect(again.status).toBe('ok');
    expect(again.text).toContain('Two!');
  });

  it('reports missing and oversized files', async () => {
    expect((await failure(fetchResource(path.join(tmp, 'nope.xml')))).code).toBe('FETCH_FILE_NOT_FOUND');
    const big = path.join(tmp, 'big.xml');
    await writeFile(big, Buffer.alloc(4096, 'a'));
    expect((await failure(fetchResource(big, { maxBytes: 1024 }))).code).toBe('FETCH_TOO_LARGE');
    expect((await failure(fetchResource(tmp))).code).toBe('FETCH_FILE');
  });

  it('refuses local files for untrusted links and unknown schemes', async () => {
    expect((await failure(fetchResource('file:///etc/passwd', { allowPrivateNetwork: false }))).code).toBe('FETCH_BLOCKED_ADDRESS');
    expect((await failure(fetchResource('ftp://example.com/feed.xml'))).code).toBe('FETCH_UNSUPPORTED_URL');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
