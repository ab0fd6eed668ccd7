/**
 * Fetches a feed or a page over HTTP(S), or reads it from a local file, and returns its decoded
 * text. Everything that can go wrong comes back as a FetchError with a stable code.
 *
 * Built on node:http rather than the global fetch because the guarantees below need control
 * that fetch does not give: the SSRF check must run on the resolved addresses at connect time
 * (a custom `lookup`), a separate connect timeout, and counting *decompressed* bytes while
 * streaming so that a gzip bomb stops at `maxBytes`.
 *
 * One deadline: `timeoutMs` bounds the whole fetch, from the first connect to the last body byte,
 * redirects, retries and the waits between them included, so a server that never answers or
 * drips a byte a second costs `timeoutMs` and no more (fetch.timeoutSeconds is per feed). Quick
 * failures (a reset, a 503) are retried within it; a wait that would pass it is not made.
 */
import { readFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { FetchError } from '../errors.js';
import { blockedAddressError, createGuardedLookup, isPublicAddress, literalAddress } from './address-guard.js';
import { decodeBody } from './decode-text.js';

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface FetchOptions {
  /** Deadline for the whole fetch, connect to last byte, redirects and retries included; default 20000. */
  timeoutMs?: number;
  /** Deadline for DNS + TCP/TLS connect of each request; default 10000. */
  connectTimeoutMs?: number;
  /** Most bytes accepted after decompression, enforced while streaming; default 10 MiB. */
  maxBytes?: number;
  /**
   * Read only the first this many bytes (after decompression) and stop, without an error: for
   * what a file's header says (an image's size). The result carries them as `bytes`, not `text`,
   * and the request asks for that range.
   */
  firstBytes?: number;
  /**
   * Return the whole body as `bytes` (with `contentType`) instead of decoding it to `text`: for a
   * caller that decodes elsewhere (a feed parsed in a worker thread is decoded there too).
   */
  undecoded?: boolean;
  /** Default `newsletter-digest/<version>` (+ the project URL once package.json has one). */
  userAgent?: string;
  /** Sent as If-None-Match / If-Modified-Since (conditional GET). */
  validators?: Validators;
  /**
   * Extra attempts after a transient failure: timeout, connection reset/refused, HTTP 408, 425,
   * 429, 5xx (except 501, 505). Default 2. Backoff is exponential with jitter; a Retry-After
   * header is honoured when it asks for at most `maxRetryAfterMs`, otherwise the error is returned.
   */
  retries?: number;
  /** Base of the exponential backoff; default 500 ms. */
  retryDelayMs?: number;
  /** Longest Retry-After the fetch will wait for; default 30000 ms. */
  maxRetryAfterMs?: number;
  /** Redirects followed per attempt; default 5. */
  maxRedirects?: number;
  /**
   * When false, refuse loopback, private, link-local (cloud metadata), CGNAT, multicast and
   * reserved addresses — checked on the resolved IPs at connect time, redirects included — and
   * refuse local files. Default true: right for feeds listed in the config; pass false for
   * links taken from feed content (article pages).
   */
  allowPrivateNetwork?: boolean;
  /** Accept header; default prefers feeds, then XML/JSON, then HTML. */
  accept?: string;
  signal?: AbortSignal;
  /** Directory that relative local paths are resolved against; default process.cwd(). */
  baseDir?: string;
}

export interface FetchResult {
  status: 'ok' | 'not-modified';
  /** Final URL after redirects (an absolute path for local files). */
  url: string;
  /** Set when a 301/308 was followed: the resource's new permanent URL. */
  movedTo?: string;
  /** Decoded body (status ok). */
  text?: string;
  /** With `firstBytes`: the start of the body; with `undecoded`: all of it; not decoded. */
  bytes?: Buffer;
  contentType?: string;
  /** From the response, to store for next time. */
  validators: Validators;
  httpStatus?: number;
}

const DEFAULTS = {
  timeoutMs: 20_000,
  connectTimeoutMs: 10_000,
  maxBytes: 10 * 1024 * 1024,
  retries: 2,
  retryDelayMs: 500,
  maxRetryAfterMs: 30_000,
  maxRedirects: 5,
};
const MAX_BACKOFF_MS = 10_000;

const DEFAULT_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, ' +
  'application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5';

export const DEFAULT_USER_AGENT = defaultUserAgent();

/** Error codes of connection failures worth another attempt. */
const TRANSIENT_ERRNO = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

// Sockets kept alive for guarded requests were all checked on connect; keeping them in a pool of
// their own stops a socket opened for a trusted (private) feed being reused for an untrusted link.
const agents = {
  open: { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) },
  guarded: { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) },
};

export async function fetchResource(urlOrPath: string, options: FetchOptions = {}): Promise<FetchResult> {
  const target = resolveTarget(urlOrPath, options.baseDir);
  if (target.kind === 'file') {
    if (options.allowPrivateNetwork === false) {
      throw new FetchError('FETCH_BLOCKED_ADDRESS', `Refused to read ${target.path}: local files may not be fetched from untrusted links`, {
        hint: 'Only feeds listed in the config may be local files; links found inside feeds must be http(s) URLs.',
        context: { feed: urlOrPath },
      });
    }
    return readLocal(target.path, options);
  }
  return fetchWithRetries(target.url, options);
}

type Target = { kind: 'http'; url: URL } | { kind: 'file'; path: string };

function resolveTarget(urlOrPath: string, baseDir: string | undefined): Target {
  const input = urlOrPath.trim();
  if (/^https?:/i.test(input)) {
    try {
      return { kind: 'http', url: new URL(input) };
    } catch (cause) {
      throw new FetchError('FETCH_BAD_URL', `Cannot fetch ${input}: it is not a valid URL`, {
        cause,
        hint: 'Check the URL for typos; it should look like https://example.com/feed.xml.',
        context: { feed: input },
      });
    }
  }
  if (/^file:/i.test(input)) {
    try {
      return { kind: 'file', path: fileURLToPath(input) };
    } catch (cause) {
      throw new FetchError('FETCH_BAD_URL', `Cannot read ${input}: it is not a valid file URL`, {
        cause,
        hint: 'Use file:///absolute/path/feed.xml or just the path.',
        context: { feed: input },
      });
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    throw new FetchError('FETCH_UNSUPPORTED_URL', `Cannot fetch ${input}: only http, https and local files are supported`, {
      hint: 'Use an http(s) URL or a path to a local file.',
      context: { feed: input },
    });
  }
  return { kind: 'file', path: path.resolve(baseDir ?? process.cwd(), input) };
}

async function readLocal(filePath: string, options: FetchOptions): Promise<FetchResult> {
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) {
      throw new FetchError('FETCH_FILE', `Cannot read ${filePath}: it is not a regular file`, {
        hint: 'Point the feed at a file, not a directory.',
        context: { feed: filePath, file: filePath },
      });
    }
    // A local file's version: its modification time to the sub-millisecond, and its size. (A
    // whole-second date would miss a file rewritten within the second it was read in.)
    const lastModified = `${info.mtimeMs} ${info.size}`;
    if (options.validators?.lastModified === lastModified) {
      return { status: 'not-modified', url: filePath, validators: { lastModified } };
    }
    if (info.size > maxBytes) throw tooLarge(filePath, maxBytes);
    const handle = await open(filePath, 'r');
    let bytes: Buffer;
    try {
      // Read at most one byte past the cap: the file may have grown since stat.
      const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > maxBytes) throw tooLarge(filePath, maxBytes);
      bytes = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    const contentType = contentTypeForPath(filePath);
    return {
      status: 'ok',
      url: filePath,
      ...(options.undecoded ? { bytes } : { text: decodeBody(bytes, contentType) }),
      ...(contentType ? { contentType } : {}),
      validators: { lastModified },
    };
  } catch (error) {
    if (error instanceof FetchError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new FetchError('FETCH_FILE_NOT_FOUND', `Cannot read ${filePath}: no such file`, {
        cause: error,
        hint: 'Check the path; relative paths are resolved against the config file’s folder.',
        context: { feed: filePath, file: filePath },
      });
    }
    throw new FetchError('FETCH_FILE', `Cannot read ${filePath}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check that the file exists and is readable by this user.',
      context: { feed: filePath, file: filePath, errno: code },
    });
  }
}

function contentTypeForPath(filePath: string): string | undefined {
  const ext = path.extname(filePath).toLowerCase();
  if (ext === '.json') return 'application/json';
  if (ext === '.html' || ext === '.htm') return 'text/html';
  if (['.xml', '.rss', '.atom', '.rdf'].includes(ext)) return 'application/xml';
  return undefined;
}

/** A retry is not started with less time than this left before the deadline. */
const MIN_ATTEMPT_MS = 250;

async function fetchWithRetries(url: URL, options: FetchOptions): Promise<FetchResult> {
  const retries = Math.max(0, options.retries ?? DEFAULTS.retries);
  const baseDelay = options.retryDelayMs ?? DEFAULTS.retryDelayMs;
  const maxRetryAfter = options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs;
  const totalMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const deadline = Date.now() + totalMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchOnce(url, options, deadline, totalMs);
    } catch (error) {
      // A timeout has used the whole deadline: there is nothing left to retry with.
      if (!(error instanceof FetchError) || attempt >= retries || !isTransient(error) || error.code === 'FETCH_TIMEOUT') {
        if (error instanceof FetchError && attempt > 0) error.context.attempts = attempt + 1;
        throw error;
      }
      const retryAfter = typeof error.context.retryAfterMs === 'number' ? error.context.retryAfterMs : undefined;
      const backoff = Math.min(MAX_BACKOFF_MS, baseDelay * 2 ** attempt);
      const wait = Math.max(retryAfter ?? 0, backoff / 2 + Math.random() * (backoff / 2));
      if ((retryAfter !== undefined && retryAfter > maxRetryAfter) || Date.now() + wait > deadline - MIN_ATTEMPT_MS) {
        error.context.attempts = attempt + 1;
        throw error;
      }
      await sleep(wait, options.signal, url.href);
    }
  }
}

function isTransient(error: FetchError): boolean {
  if (error.code === 'FETCH_TIMEOUT') return true;
  if (error.code === 'FETCH_NETWORK') return TRANSIENT_ERRNO.has(String(error.context.errno));
  const status = error.context.httpStatus;
  if (typeof status !== 'number') return false;
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

function sleep(ms: number, signal: AbortSignal | undefined, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(aborted(url, signal.reason));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(aborted(url, signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why an attempt's controller was aborted. */
type AbortCause = { kind: 'timeout' } | { kind: 'caller'; reason: unknown };

/** One attempt: follows redirects, reads and decodes the body, stopping at the fetch's deadline. */
async function fetchOnce(startUrl: URL, options: FetchOptions, deadline: number, totalMs: number): Promise<FetchResult> {
  const controller = new AbortController();
  let abortCause: AbortCause | undefined;
  const timer = setTimeout(() => {
    abortCause ??= { kind: 'timeout' };
    controller.abort();
  }, Math.max(1, deadline - Date.now()));
  const onCallerAbort = (): void => {
    abortCause ??= { kind: 'caller', reason: options.signal?.reason };
    controller.abort();
  };
  if (options.signal?.aborted) onCallerAbort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });

  try {
    return await followRedirects(startUrl, options, controller.signal);
  } catch (error) {
    if (abortCause?.kind === 'timeout') {
      throw new FetchError('FETCH_TIMEOUT', `Fetching ${startUrl.href} timed out: no complete answer within ${totalMs / 1000} s (the deadline for this feed, retries included)`, {
        cause: error,
        hint: 'The server is too slow or not answering; it may recover later. Raise fetch.timeoutSeconds if it is always slow.',
        context: { feed: startUrl.href, timeoutMs: totalMs },
      });
    }
    if (abortCause?.kind === 'caller') throw aborted(startUrl.href, abortCause.reason);
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

async function followRedirects(startUrl: URL, options: FetchOptions, signal: AbortSignal): Promise<FetchResult> {
  const maxRedirects = options.maxRedirects ?? DEFAULTS.maxRedirects;
  let url = startUrl;
  let movedTo: string | undefined;
  let stillPermanent = true;
  for (let hop = 0; ; hop++) {
    const res = await request(url, options, signal);
    const status = res.statusCode ?? 0;

    if (status >= 300 && status < 400 && status !== 304) {
      res.destroy();
      const location = res.headers.location;
      if (!location) throw httpError(url.href, status, res);
      if (hop >= maxRedirects) {
        throw new FetchError('FETCH_TOO_MANY_REDIRECTS', `Fetching ${startUrl.href} gave up after ${maxRedirects} redirects (last at ${url.href})`, {
          hint: 'The server redirects in a loop or very long chain; open the URL in a browser to find the final address.',
          context: { feed: startUrl.href, lastUrl: url.href },
        });
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (cause) {
        throw badRedirect(startUrl.href, location, cause);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw badRedirect(startUrl.href, location);
      // Only an unbroken run of permanent redirects from the configured URL moves the feed:
      // a temporary hop means the original address is still the one to keep using.
      const permanent = status === 301 || status === 308;
      stillPermanent &&= permanent;
      if (stillPermanent) movedTo = next.href;
      url = next;
      continue;
    }

    const validators = validatorsFrom(res);
    const contentType = res.headers['content-type'];
    const common = {
      url: url.href,
      ...(movedTo !== undefined && movedTo !== startUrl.href ? { movedTo } : {}),
      ...(contentType ? { contentType } : {}),
      httpStatus: status,
    };

    if (status === 304) {
      res.destroy();
      // A 304 need not repeat the validators; the ones we sent are still the current ones.
      return { status: 'not-modified', ...common, validators: { ...options.validators, ...validators } };
    }
    if (status < 200 || status >= 300) {
      res.destroy();
      throw httpError(url.href, status, res);
    }
    const bytes = await readBody(res, url.href, options.maxBytes ?? DEFAULTS.maxBytes, signal, options.firstBytes);
    if (options.firstBytes !== undefined || options.undecoded) return { status: 'ok', ...common, bytes, validators };
    return { status: 'ok', ...common, text: decodeBody(bytes, contentType), validators };
  }
}

function request(url: URL, options: FetchOptions, signal: AbortSignal): Promise<http.IncomingMessage> {
  const guarded = options.allowPrivateNetwork === false;
  if (guarded) {
    const literal = literalAddress(url.hostname);
    if (literal !== undefined && !isPublicAddress(literal)) throw blockedAddressError(url.href, literal);
  }
  const isHttps = url.protocol === 'https:';
  const headers: http.OutgoingHttpHeaders = {
    'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
    accept: options.accept ?? DEFAULT_ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (options.validators?.etag) headers['if-none-match'] = options.validators.etag;
  if (options.validators?.lastModified) headers['if-modified-since'] = options.validators.lastModified;
  if (options.firstBytes !== undefined) headers.range = `bytes=0-${options.firstBytes - 1}`;

  const pool = guarded ? agents.guarded : agents.open;
  const requestOptions: http.RequestOptions = {
    method: 'GET',
    headers,
    signal,
    agent: isHttps ? pool.https : pool.http,
    ...(guarded ? { lookup: createGuardedLookup(url.href) as unknown as http.RequestOptions['lookup'] } : {}),
  };
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;

  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(url, requestOptions, resolve);
    req.on('error', (error) => reject(networkError(url.href, error)));
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const connectTimer = setTimeout(() => {
        req.destroy(
          new FetchError('FETCH_TIMEOUT', `Connecting to ${url.host} for ${url.href} timed out after ${connectTimeoutMs} ms`, {
            hint: 'The host does not accept connections; check the URL, or try again later.',
            context: { feed: url.href, connectTimeoutMs, phase: 'connect' },
          }),
        );
      }, connectTimeoutMs);
      const clear = (): void => clearTimeout(connectTimer);
      socket.once('connect', clear);
      socket.once('close', clear);
    });
    req.end();
  });
}

/** Ends a read that has the first bytes it asked for (readBody's firstBytes). */
const ENOUGH = new Error('enough bytes read');

/**
 * Streams the body through the decoders the Content-Encoding names, stopping at maxBytes (an
 * error) or, with `firstBytes`, once that many have arrived (the body's start, no error).
 */
async function readBody(res: http.IncomingMessage, url: string, maxBytes: number, signal: AbortSignal, firstBytes?: number): Promise<Buffer> {
  const encodings = (res.headers['content-encoding'] ?? '')
    .split(',')
    .map((value) => value.trim().toLowerCase())
    .filter((value) => value !== '' && value !== 'identity');
  const declaredLength = Number(res.headers['content-length']);
  if (firstBytes === undefined && encodings.length === 0 && Number.isFinite(declaredLength) && declaredLength > maxBytes) {
    res.destroy();
    throw tooLarge(url, maxBytes);
  }
  const decoders: Transform[] = [];
  for (const encoding of encodings.reverse()) {
    if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate') {
      // Unzip accepts both gzip and zlib-wrapped deflate, which is what "deflate" nearly always is.
      decoders.push(zlib.createUnzip());
    } else if (encoding === 'br') {
      decoders.push(zlib.createBrotliDecompress());
    } else {
      res.destroy();
      throw new FetchError('FETCH_BAD_ENCODING', `Fetching ${url} failed: unsupported Content-Encoding "${encoding}"`, {
        hint: 'The server compresses with a method this tool cannot read; report it to the publisher.',
        context: { feed: url, contentEncoding: encoding },
      });
    }
  }

  const chunks: Buffer[] = [];
  let total = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (firstBytes !== undefined && total + chunk.length >= firstBytes) {
        chunks.push(chunk.subarray(0, firstBytes - total));
        total = firstBytes;
        callback(ENOUGH);
        return;
      }
      total += chunk.length;
      if (total > maxBytes) {
        callback(tooLarge(url, maxBytes));
        return;
      }
      chunks.push(chunk);
      callback();
    },
  });
  try {
    await pipeline([res as Readable, ...decoders, sink], { signal });
  } catch (error) {
    if (error === ENOUGH) return Buffer.concat(chunks, total);
    if (error instanceof FetchError) throw error;
    if (signal.aborted) throw error; // fetchOnce turns this into a timeout or abort error
    if (decoders.length > 0 && isDecompressionError(error)) {
      throw new FetchError('FETCH_BAD_ENCODING', `Fetching ${url} failed: the compressed body is corrupt (${(error as Error).message})`, {
        cause: error,
        hint: 'The server sent a damaged compressed response; try again later.',
        context: { feed: url },
      });
    }
    throw networkError(url, error);
  }
  return Buffer.concat(chunks, total);
}

/** zlib reports corrupt data as Z_DATA_ERROR & co., Brotli as ERR__ERROR_FORMAT_… / ERR_BROTLI_…. */
function isDecompressionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && /^(Z_|ERR__ERROR|ERR_BROTLI)/.test(code);
}

function validatorsFrom(res: http.IncomingMessage): Validators {
  const validators: Validators = {};
  const etag = res.headers.etag;
  const lastModified = res.headers['last-modified'];
  if (etag) validators.etag = etag;
  if (lastModified) validators.lastModified = lastModified;
  return validators;
}

const STATUS_HINTS: Record<number, string> = {
  401: 'The server wants a login; this feed cannot be read without credentials.',
  403: 'The server refuses access; it may block automated clients or need a login.',
  404: 'Check the URL in your config; the publisher may have moved the feed (look for a new address on their site).',
  429: 'The server is rate-limiting requests; fetch less often, or try again later.',
};

function httpError(url: string, status: number, res: http.IncomingMessage): FetchError {
  const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
  const context = { feed: url, httpStatus: status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  const reason = res.statusMessage ? ` ${res.statusMessage}` : '';
  if (status === 410) {
    return new FetchError('FETCH_GONE', `The feed at ${url} is gone (HTTP 410${reason})`, {
      hint: 'The publisher has removed this feed for good; remove it from your config.',
      context,
    });
  }
  let hint = STATUS_HINTS[status];
  if (!hint && status >= 300 && status < 400) hint = 'The server redirected without saying where to (no Location header); open the URL in a browser to find the new address.';
  if (!hint && status >= 500) hint = 'The server is having trouble; this usually passes, so try again later.';
  hint ??= 'Check the URL in your config; open it in a browser to see what the server says.';
  if (status === 429 && retryAfterMs !== undefined) hint += ` The server asked to wait ${Math.ceil(retryAfterMs / 1000)} s.`;
  return new FetchError(`FETCH_HTTP_${status}`, `Fetching ${url} failed: HTTP ${status}${reason}`, { hint, context });
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function networkError(url: string, error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  const errno = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  let hint = 'Check your network connection and that the server is up; try again later.';
  if (errno === 'ENOTFOUND' || errno === 'EAI_AGAIN') hint = 'The host name does not resolve; check it for typos, or the site may be gone.';
  else if (errno === 'ECONNREFUSED') hint = 'Nothing is listening at that address; check the host and port, or try again later.';
  else if (errno && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(errno)) hint = 'The server’s TLS certificate is not valid; the site is misconfigured (do not disable verification).';
  return new FetchError('FETCH_NETWORK', `Fetching ${url} failed: ${message}`, {
    cause: error,
    hint,
    context: { feed: url, ...(errno ? { errno } : {}) },
  });
}

function tooLarge(url: string, maxBytes: number): FetchError {
  return new FetchError('FETCH_TOO_LARGE', `${url} is larger than the ${maxBytes}-byte limit`, {
    hint: 'Check that the URL points to a feed and not to a media file; raise maxBytes if the feed is really that big.',
    context: { feed: url, maxBytes },
  });
}

function badRedirect(url: string, location: string, cause?: unknown): FetchError {
  return new FetchError('FETCH_BAD_REDIRECT', `Fetching ${url} failed: it redirects to "${location}", which is not an http(s) URL`, {
    cause,
    hint: 'The server’s redirect is broken or points somewhere this tool will not follow; open the URL in a browser.',
    context: { feed: url, location },
  });
}

function aborted(url: string, reason: unknown): FetchError {
  return new FetchError('FETCH_ABORTED', `Fetching ${url} was cancelled`, {
    cause: reason,
    hint: 'The run was stopped before this fetch finished.',
    context: { feed: url },
  });
}

/**
 * `newsletter-digest/<version>`, plus ` (+<url>)` once package.json names a homepage or
 * repository, so publishers can see who is fetching and where to ask.
 */
function defaultUserAgent(): string {
  let pkg: { version?: unknown; homepage?: unknown; repository?: unknown } = {};
  try {
    pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as typeof pkg;
  } catch {
    // Bundled or moved: the agent still names the tool.
  }
  const version = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  const repository = typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository as { url?: unknown } | undefined)?.url;
  const home = [pkg.homepage, repository].find((value): value is string => typeof value === 'string' && /^(git\+)?https?:\/\//.test(value));
  const url = home?.replace(/^git\+/, '').replace(/\.git$/, '');
  return `newsletter-digest/${version}${url ? ` (+${url})` : ''}`;
}
