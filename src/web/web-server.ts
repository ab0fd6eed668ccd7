import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { isEmailAddress } from '../config/value-checks.js';
import { ConfigError, DigestError, describeError } from '../errors.js';
import type { MessageTransport } from '../deliver/transports.js';
import type { OutgoingMessage } from '../deliver/compose-message.js';
import { knownSections } from '../audience/readers.js';
import { join, readerStatus, requestToJoin } from '../audience/subscriptions.js';
import type { TokenPurpose, TokenSigner } from '../tokens/tokens.js';
import { addressKey, StateStore } from '../state/state-store.js';
import { applyBounce } from '../bounces/apply-bounce.js';
import { archiveFeed, archiveIndexPage, archiveIssuePage } from './archive.js';
import { depthOf, siteFrom, type Site } from './layout.js';
import {
  confirmedPage,
  confirmPage,
  expiredConfirmPage,
  invalidLinkPage,
  messagePage,
  notFoundPage,
  PAUSE_WEEKS,
  personalLinkPage,
  preferencesPage,
  subscribeFormPage,
  subscribeSentPage,
  tooManyRequestsPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from './pages.js';
import { WindowLimiter } from './rate-limit.js';
import { formFields, HttpError, readBody } from './request-body.js';
import { alreadySubscribedMail, confirmationMail } from './reader-mail.js';
import { WriteQueue } from './write-queue.js';

/**
 * `digest web`: the server readers reach, behind a reverse proxy.
 *
 *   GET  /                  the sign-up form (or the archive, with web.subscribe off)
 *   GET  /subscribe         the sign-up form;  POST: ask to join (double opt-in, rate-limited)
 *   GET  /confirm?t=…       "confirm?" page;   POST: join
 *   GET  /unsubscribe?t=…   "unsubscribe?" page, changes nothing (mail scanners open links)
 *   POST /unsubscribe?t=…   with List-Unsubscribe=One-Click: unsubscribed at once (RFC 8058)
 *   GET  /preferences?t=…   sections, pause, leave;  POST: change them
 *   GET  /archive/          past issues, newest first;  /archive/<id>/ one issue;  /archive/feed.xml RSS
 *   POST /webhooks/bounce   {address, kind: hard|soft|complaint}, Authorization: Bearer DIGEST_WEBHOOK_SECRET
 *   GET  /healthz           "ok" (for the proxy or a monitor)
 *
 * GET never changes anything. Tokens are checked in constant time and a bad one gets the same
 * answer whatever was wrong with it. Every value on a page is escaped (html.ts); no file is ever
 * served from disk, so neither the state file nor the templates can be. Bodies are capped.
 */

export interface WebServerOptions {
  /** Default: web.host in the config (127.0.0.1). */
  host?: string;
  /** Default: web.port in the config (4590); 0 picks a free port. */
  port?: number;
  now?: () => Date;
  /** Where confirmation emails go instead of the configured transport (tests). */
  transport?: MessageTransport;
  /** One line per change made (unsubscribes, confirmations, bounces) and per problem. */
  onLog?: (line: string) => void;
}

export interface WebServer {
  url: string;
  host: string;
  port: number;
  /** Resolves once the emails asked for so far have been handed to the transport. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Form bodies are a few hundred bytes; the webhook may batch events. */
export const FORM_LIMIT = 16 * 1024;
export const WEBHOOK_LIMIT = 256 * 1024;
const WEBHOOK_EVENTS = 1000;
const DAY = 24 * 3600_000;

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/** An issue page is the email: remote images and fonts, no scripts, no forms. */
const ISSUE_CSP = "default-src 'none'; style-src 'unsafe-inline' https:; img-src https: http: data:; font-src https: data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

const ONE_CLICK_DONE = '<!doctype html><html><head><meta charset="utf-8"><title>Unsubscribed</title></head><body><p>Unsubscribed.</p></body></html>';

const DONE_MESSAGES: Record<string, string> = {
  save: 'Saved: you get the sections ticked below.',
  pause: 'Paused.',
  resume: 'Welcome back: the next issue comes to you.',
  leave: 'You are unsubscribed.',
  rejoin: 'Welcome back: the next issue comes to you.',
};

/** Checks the config for `digest web` and starts it. */
export async function startWebServer(config: ResolvedConfig, options: WebServerOptions = {}): Promise<WebServer> {
  const baseUrl = config.web.baseUrl;
  if (!baseUrl) {
    throw new ConfigError('WEB_NO_BASE_URL', 'digest web needs web.baseUrl: the public address readers reach it at (the links in emails point there)', {
      hint: 'Set it in the config, e.g.\n  web:\n    baseUrl: https://digest.example.com\nand put digest web behind a reverse proxy that serves that address (README: "Readers and the web").',
    });
  }
  const signer = config.readerTokens;
  if (!signer) {
    throw new ConfigError('CONFIG_SECRET_MISSING', 'digest web needs DIGEST_SECRET to check the signed links in emails', {
      hint: 'Set DIGEST_SECRET in its environment to the same value `digest run` uses (e.g. in the EnvironmentFile of its systemd unit).',
    });
  }
  if (config.statePath === ':memory:') {
    throw new ConfigError('WEB_NO_STATE', 'digest web needs the state file `digest run` uses (state: is ":memory:")', { hint: 'Point `state:` at a file.' });
  }
  const host = options.host ?? config.web.host;
  const store = StateStore.open(config.statePath);
  const handler = createWebHandler(config, store, signer, baseUrl, options);
  const server = createServer((request, response) => void handler.handle(request, response));
  // Slow clients cannot hold connections open for ever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const port = options.port ?? config.web.port;
        reject(
          error.code === 'EADDRINUSE'
            ? new DigestError('WEB_PORT_IN_USE', `port ${port} on ${host} is already in use`, {
                cause: error,
                hint: `Stop the other program, or pick another port: digest web --port ${port + 1} (or web.port in the config).`,
              })
            : error.code === 'EACCES'
              ? new DigestError('WEB_PORT_DENIED', `not allowed to listen on port ${port} of ${host}`, {
                  cause: error,
                  hint: 'Ports below 1024 need privileges: use a port such as 4590 and let the reverse proxy listen on 443.',
                })
              : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
                ? new DigestError('WEB_BAD_HOST', `cannot listen on ${host}: this machine has no such address`, { cause: error, hint: 'Use 127.0.0.1 (behind a reverse proxy) or an address of this machine.' })
                : error,
        );
      });
      server.listen(options.port ?? config.web.port, host, () => resolve());
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    host,
    port,
    idle: () => handler.idle(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.idle();
      store.close();
    },
  };
}

export interface WebHandler {
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  idle(): Promise<void>;
}

/** The request handler, apart from the listening socket (tests and the benchmark use it too). */
export function createWebHandler(config: ResolvedConfig, store: StateStore, signer: TokenSigner, baseUrl: string, options: WebServerOptions = {}): WebHandler {
  const now = options.now ?? (() => new Date());
  const log = options.onLog ?? (() => {});
  const site: Site = { ...siteFrom(config), baseUrl };
  const clients = new WindowLimiter(config.web.requestsPerClient, 3600_000);
  const addresses = new WindowLimiter(config.web.confirmationsPerAddress, DAY);
  const background = new Set<Promise<void>>();
  // Every change a request makes is on disk before its answer, in batches (write-queue.ts).
  const writes = new WriteQueue(store);
  const formatDate = (iso: string) => {
    try {
      return new Intl.DateTimeFormat(config.locale, { dateStyle: 'long', timeZone: config.timezone }).format(new Date(iso));
    } catch {
      return iso.slice(0, 10);
    }
  };

  const send = (response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    response.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': PAGE_CSP,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      ...headers,
    });
    response.end(body);
  };
  const sendJson = (response: ServerResponse, status: number, value: unknown) =>
    send(response, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8' });
  const redirect = (response: ServerResponse, status: 301 | 303, location: string) => send(response, status, '', { location });

  /** The token of a link, checked for `purpose`: the address, 'expired', or undefined (any other problem). */
  const tokenOf = (url: URL, purpose: TokenPurpose): { email: string } | 'expired' | undefined => {
    const check = signer.verify(url.searchParams.get('t'), purpose, now());
    if (check.status === 'ok') return { email: check.claims.email };
    return check.status === 'expired' ? 'expired' : undefined;
  };

  /** The client's address: the peer, or behind a trusted proxy the address it saw (last X-Forwarded-For entry). */
  const clientOf = (request: IncomingMessage): string => {
    if (config.web.trustProxy) {
      const forwarded = String(request.headers['x-forwarded-for'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .pop();
      if (forwarded) return forwarded;
    }
    return request.socket.remoteAddress ?? 'unknown';
  };

  const track = (task: Promise<void>) => {
    const tracked = task.catch((error: unknown) => log(`error: ${describeError(error)}`)).finally(() => background.delete(tracked));
    background.add(tracked);
  };

  const mail = async (message: OutgoingMessage): Promise<void> => {
    let transport = options.transport;
    if (!transport) {
      // The pipeline (and its transports) loads on the first email, not when the server starts.
      const { createTransport } = await import('../pipeline/run-digest.js');
      transport = createTransport(config, `reader-${createHash('sha256').update(message.to.address).digest('hex').slice(0, 12)}`);
    }
    try {
      await transport.send(message);
    } finally {
      if (!options.transport) transport.close();
    }
  };

  // ── routes ───────────────────────────────────────────────────────────────────────────────

  const subscribe = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!clients.hit(clientOf(request))) return send(response, 429, tooManyRequestsPage(site), { 'retry-after': '3600' });
    const fields = formFields(await readBody(request, FORM_LIMIT), request.headers['content-type']);
    const email = (fields.get('email') ?? '').trim();
    const name = (fields.get('name') ?? '').trim().slice(0, 100) || undefined;
    if (!isEmailAddress(email) || email.length > 254) {
      return send(response, 400, subscribeFormPage(site, { email, ...(name ? { name } : {}), problem: 'That does not look like an email address.' }));
    }
    // The same answer, at once, whatever happens next: the page never tells whether the address
    // is on the list, and how long it takes does not either.
    send(response, 200, subscribeSentPage(site, email, config.web.confirmHours));
    // A form field people cannot see, that bots fill in.
    if (fields.get('website')) return;
    track(
      (async () => {
        if (!addresses.hit(addressKey(email))) {
          log(`subscribe: ${email} asked again too often today; no email sent`);
          return;
        }
        const at = now();
        store.prunePendingSubscribers(new Date(at.getTime() - config.web.confirmHours * 3600_000).toISOString());
        const outcome = requestToJoin(config, store, { email, name }, at);
        if (outcome === 'none') {
          log(`subscribe: ${email} is blocked (complaint or operator); no email sent`);
          return;
        }
        if (outcome === 'already') {
          await mail(alreadySubscribedMail(config, { email, name }, `${baseUrl}/preferences?t=${signer.sign('preferences', email)}`));
          log(`subscribe: ${email} is on the list already; sent them their preferences link`);
          return;
        }
        const expiresAt = new Date(at.getTime() + config.web.confirmHours * 3600_000);
        await mail(confirmationMail(config, { email, name }, `${baseUrl}/confirm?t=${signer.sign('confirm', email, { expiresAt })}`, config.web.confirmHours));
        log(`subscribe: sent a confirmation link to ${email}`);
      })(),
    );
  };

  const confirm = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const token = tokenOf(url, 'confirm');
    if (token === 'expired') return send(response, 410, expiredConfirmPage(site));
    if (!token) return send(response, 400, invalidLinkPage(site));
    if (request.method !== 'POST') return send(response, 200, confirmPage(site, url.searchParams.get('t')!, token.email));
    await readBody(request, FORM_LIMIT);
    let joined = false;
    await writes.write(() => {
      joined = join(config, store, token.email, now());
    });
    if (!joined) {
      return send(response, 403, messagePage(site, 'This address cannot be subscribed here', 'Write to the sender of the digest if you want it.'));
    }
    log(`confirmed: ${token.email} joined`);
    return send(response, 200, confirmedPage(site, token.email, signer.sign('preferences', token.email)));
  };

  const unsubscribe = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    if (!url.searchParams.has('t') && request.method !== 'POST') return send(response, 200, personalLinkPage(site, 'unsubscribe'));
    const token = tokenOf(url, 'unsubscribe');
    if (!token || token === 'expired') {
      if (request.method === 'POST') await readBody(request, FORM_LIMIT).catch(() => undefined);
      return send(response, 400, invalidLinkPage(site));
    }
    if (request.method !== 'POST') {
      return send(response, 200, unsubscribeConfirmPage(site, url.searchParams.get('t')!, token.email, store.suppression(token.email) !== undefined));
    }
    const fields = formFields(await readBody(request, FORM_LIMIT), request.headers['content-type']);
    if (fields.get('List-Unsubscribe') !== 'One-Click') {
      return send(response, 400, messagePage(site, 'Not unsubscribed', 'Use the button on the unsubscribe page.'));
    }
    const source = fields.get('from') === 'page' ? 'web' : 'one-click';
    // On disk before the answer: a reader told they are out is out, even after a power cut.
    await writes.write(() => store.suppress(token.email, 'unsubscribed', source));
    log(`unsubscribed: ${token.email} (${source})`);
    // A mailbox provider's one-click POST (RFC 8058) is a program: nobody reads the answer, so it
    // gets a short one; a person who pressed the page's button gets the page.
    if (source === 'one-click') return send(response, 200, ONE_CLICK_DONE);
    return send(response, 200, unsubscribedPage(site, token.email, signer.sign('preferences', token.email)));
  };

  const preferences = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    if (!url.searchParams.has('t') && request.method !== 'POST') return send(response, 200, personalLinkPage(site, 'preferences'));
    const token = tokenOf(url, 'preferences');
    const t = url.searchParams.get('t')!;
    if (!token || token === 'expired') {
      if (request.method === 'POST') await readBody(request, FORM_LIMIT).catch(() => undefined);
      return send(response, 400, invalidLinkPage(site));
    }
    const email = token.email;
    const sections = knownSections(config, store);
    const view = (extra: { saved?: string; problem?: string } = {}) =>
      preferencesPage(site, {
        email,
        token: t,
        status: readerStatus(config, store, email, now()),
        sections,
        chosen: store.preferences(email)?.sections?.filter((s) => sections.includes(s)) ?? null,
        formatDate,
        ...extra,
      });
    if (request.method !== 'POST') {
      const done = url.searchParams.get('done');
      return send(response, 200, view(done && DONE_MESSAGES[done] ? { saved: DONE_MESSAGES[done] } : {}));
    }
    const fields = formFields(await readBody(request, FORM_LIMIT), request.headers['content-type']);
    const action = fields.get('action') ?? '';
    const at = now();
    let change: () => void;
    switch (action) {
      case 'save': {
        const chosen = sections.filter((s) => fields.getAll('section').includes(s));
        if (chosen.length === 0) return send(response, 400, view({ problem: 'Choose at least one section (or unsubscribe below).' }));
        change = () => store.setPreferences(email, { sections: chosen.length === sections.length ? null : chosen }, at.toISOString());
        break;
      }
      case 'pause': {
        const weeks = Number(fields.get('weeks'));
        if (!(PAUSE_WEEKS as readonly number[]).includes(weeks)) return send(response, 400, view({ problem: 'Choose how many weeks.' }));
        change = () => store.setPreferences(email, { pausedUntil: new Date(at.getTime() + weeks * 7 * DAY).toISOString() }, at.toISOString());
        break;
      }
      case 'resume':
        change = () => store.setPreferences(email, { pausedUntil: null }, at.toISOString());
        break;
      case 'leave':
        change = () => store.suppress(email, 'unsubscribed', 'preferences');
        break;
      case 'rejoin': {
        let joined = false;
        await writes.write(() => {
          joined = join(config, store, email, at);
        });
        if (!joined) return send(response, 403, view({ problem: 'This address cannot be subscribed here: write to the sender of the digest.' }));
        change = () => {};
        break;
      }
      default:
        return send(response, 400, view({ problem: 'Use the buttons on this page.' }));
    }
    await writes.write(change);
    log(`preferences: ${email} ${action}${action === 'pause' ? ` ${fields.get('weeks')} weeks` : ''}`);
    return redirect(response, 303, `preferences?t=${encodeURIComponent(t)}&done=${action}`);
  };

  const webhook = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const secret = config.webhookSecret;
    if (!secret) return send(response, 404, notFoundPage(site, 1));
    if (!authorised(request.headers.authorization, secret)) {
      await readBody(request, WEBHOOK_LIMIT).catch(() => undefined);
      return sendJson(response, 401, { error: 'unauthorised' });
    }
    let events: unknown;
    try {
      events = JSON.parse((await readBody(request, WEBHOOK_LIMIT)).toString('utf8'));
    } catch (error) {
      if (error instanceof HttpError) throw error;
      return sendJson(response, 400, { error: 'the body is not JSON: send {"address": "…", "kind": "hard" | "soft" | "complaint"} or a list of them' });
    }
    const list = Array.isArray(events) ? events : [events];
    if (list.length > WEBHOOK_EVENTS) return sendJson(response, 400, { error: `at most ${WEBHOOK_EVENTS} events per request` });
    const parsed: { address: string; kind: 'hard' | 'soft' | 'complaint'; detail?: string }[] = [];
    for (const [index, event] of list.entries()) {
      const e = event as { address?: unknown; kind?: unknown; detail?: unknown } | null;
      const address = typeof e?.address === 'string' ? e.address.trim() : '';
      if (!isEmailAddress(address)) return sendJson(response, 400, { error: `event ${index}: "address" must be an email address` });
      if (e!.kind !== 'hard' && e!.kind !== 'soft' && e!.kind !== 'complaint') return sendJson(response, 400, { error: `event ${index}: "kind" must be "hard", "soft" or "complaint"` });
      parsed.push({ address, kind: e!.kind, ...(typeof e!.detail === 'string' ? { detail: e!.detail.slice(0, 500) } : {}) });
    }
    const at = now();
    let results: { address: string; kind: string; suppressed: boolean; softBounces?: number }[] = [];
    // All or nothing: the whole list in one transaction. The same rules as `digest bounces`
    // (bounces/apply-bounce.ts); each event is a notice of its own.
    await writes.write(() => {
      results = store.transaction(() =>
        parsed.map((event) => {
          const effect = applyBounce(
            store,
            {
              noticeKey: `webhook:${randomUUID()}`,
              email: event.address,
              runId: undefined,
              kind: event.kind,
              status: undefined,
              reason: event.kind === 'complaint' ? 'complaint (webhook)' : `${event.kind} bounce (webhook)`,
              detail: event.detail ?? `${event.kind} (webhook)`,
              source: 'webhook',
              suppressedBy: 'webhook',
              occurredAt: at,
              now: at,
            },
            config.bounces,
          );
          const suppressed = effect.action === 'suppressed';
          return event.kind === 'soft' ? { address: event.address, kind: event.kind, suppressed, softBounces: 'softBounces' in effect ? (effect.softBounces ?? 0) : 0 } : { address: event.address, kind: event.kind, suppressed };
        }),
      );
    });
    for (const r of results) log(`webhook: ${r.kind} ${r.kind === 'soft' ? 'bounce ' : ''}for ${r.address}${r.suppressed ? ': suppressed' : ''}`);
    return sendJson(response, 200, { results });
  };

  const archive = (request: IncomingMessage, response: ServerResponse, pathname: string): void => {
    const cache = { 'cache-control': 'public, max-age=300' };
    if (pathname === '/archive') return redirect(response, 301, 'archive/');
    if (pathname === '/archive/') return send(response, 200, archiveIndexPage(site, store.archivedIssues()), cache);
    if (pathname === '/archive/feed.xml') return send(response, 200, archiveFeed(site, store, baseUrl), { ...cache, 'content-type': 'application/rss+xml; charset=utf-8' });
    const match = /^\/archive\/(\d{1,9})(\/?)$/.exec(pathname);
    const page = match ? archiveIssuePage(site, store, Number(match[1])) : undefined;
    if (!match || page === undefined) return send(response, 404, notFoundPage(site, depthOf(pathname)));
    if (!match[2]) return redirect(response, 301, `${match[1]}/`);
    return send(response, 200, page, { ...cache, 'content-security-policy': ISSUE_CSP });
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // The path only: the Host header is not used for anything.
    const url = new URL(request.url ?? '/', 'http://digest.invalid');
    const pathname = url.pathname;
    const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');
    const allow = (methods: string) => {
      if (methods.split(', ').includes(method)) return true;
      send(response, 405, messagePage(site, 'Not allowed', 'This address does not take that kind of request.'), { allow: methods });
      return false;
    };
    if (pathname === '/healthz') return allow('GET') ? send(response, 200, 'ok\n', { 'content-type': 'text/plain; charset=utf-8' }) : undefined;
    if (pathname === '/' || pathname === '/subscribe') {
      if (!config.web.subscribe) {
        if (pathname === '/' && config.web.archive && allow('GET')) return redirect(response, 303, 'archive/');
        return send(response, 404, notFoundPage(site, 0));
      }
      if (pathname === '/' && !allow('GET')) return;
      if (pathname === '/subscribe' && !allow('GET, POST')) return;
      return method === 'POST' ? subscribe(request, response) : send(response, 200, subscribeFormPage(site));
    }
    if (pathname === '/confirm') return allow('GET, POST') ? confirm(request, response, url) : undefined;
    if (pathname === '/unsubscribe') return allow('GET, POST') ? unsubscribe(request, response, url) : undefined;
    if (pathname === '/preferences') return allow('GET, POST') ? preferences(request, response, url) : undefined;
    if (pathname === '/webhooks/bounce') return allow('POST') ? webhook(request, response) : undefined;
    if (config.web.archive && (pathname === '/archive' || pathname.startsWith('/archive/'))) return allow('GET') ? archive(request, response, pathname) : undefined;
    return send(response, 404, notFoundPage(site, depthOf(pathname)));
  };

  return {
    async handle(request, response) {
      try {
        await route(request, response);
      } catch (error) {
        if (response.headersSent) {
          response.end();
          return;
        }
        if (error instanceof HttpError) {
          // Stop reading a body that is too big; the client gets the answer and the connection closes.
          send(response, error.status, messagePage(site, error.status === 413 ? 'Too much data' : 'Bad request', error.message), { connection: 'close' });
          request.resume();
          return;
        }
        log(`error: ${request.method} ${(request.url ?? '').split('?')[0]}: ${describeError(error)}`);
        send(response, 500, messagePage(site, 'Something went wrong', 'Nothing was changed. Try again in a minute.'));
      }
    },
    async idle() {
      while (background.size > 0) await Promise.all([...background]);
    },
  };
}

/** `Authorization: Bearer <secret>`, compared in constant time (as digests, so lengths do not show). */
function authorised(header: string | undefined, secret: string): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(secret)) && given.length > 0;
}
