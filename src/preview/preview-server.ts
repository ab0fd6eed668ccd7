import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DigestError, isDigestError } from '../errors.js';
import { isEmailAddress } from '../config/value-checks.js';
import { applyEmailView, emailViewOf } from './email-views.js';
import { previewPage } from './preview-page.js';
import { createPreviewSession, type PreviewSession, type PreviewSessionOptions } from './preview-session.js';

/**
 * `digest serve`: a page on 127.0.0.1 that shows the email as subscribers will see it, and
 * follows every template save. The page listens on an event stream (/events) and fetches the new
 * state when told; nothing here runs unless a request or a file event arrives.
 *
 *   GET  /             the preview page
 *   GET  /events       server-sent events: "update" after every rebuild
 *   GET  /api/state    subject, preheader, text, size, checks, MJML problems, errors, feeds
 *   GET  /email.html   the email's HTML (?frame=1 adds <base target="_blank"> for the page's frames;
 *                      ?dark=1 and ?images=off show it in dark mode or with images blocked: email-views.ts)
 *   GET  /email.txt    the plain-text part;  GET /email.mjml  the MJML Handlebars produced
 *   POST /api/refresh  fetch the feeds again
 *   POST /api/send     {"to": "…"}: send a test copy (when SMTP is configured)
 */

export interface PreviewServerOptions extends PreviewSessionOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
}

export interface PreviewServer {
  /** http://127.0.0.1:<port>/ */
  url: string;
  port: number;
  session: PreviewSession;
  /** Settles when the first build (fetch or cache, then render) is done. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const session = createPreviewSession(options);
  const streams = new Set<ServerResponse>();
  let port = options.port;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: { code: 'INTERNAL', message: (error as Error).message } });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Only this machine's pages may talk to the server: a page elsewhere cannot reach 127.0.0.1
    // through a DNS name it controls (Host check), nor post to it (Origin check).
    const host = request.headers.host ?? '';
    if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) {
      response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('forbidden: open the address digest serve printed');
      return;
    }
    const url = new URL(request.url ?? '/', `http://${host}`);
    if (request.method === 'POST') {
      const origin = request.headers.origin;
      if ((origin && origin !== `http://${host}`) || !(request.headers['content-type'] ?? '').startsWith('application/json')) {
        sendJson(response, 403, { error: { code: 'FORBIDDEN', message: 'requests must come from the preview page' } });
        return;
      }
    }
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
        send(response, 200, 'text/html; charset=utf-8', previewPage());
        return;
      case 'GET /events':
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
        response.write(`retry: 500\nevent: update\ndata: ${JSON.stringify({ version: session.state().version, renderId: session.state().render?.id ?? null })}\n\n`);
        streams.add(response);
        request.on('close', () => streams.delete(response));
        return;
      case 'GET /api/state':
        sendJson(response, 200, session.state());
        return;
      case 'GET /email.html': {
        const html = applyEmailView(session.emailHtml(), emailViewOf(url.searchParams));
        // Frames open links in a new tab instead of navigating inside the preview.
        send(response, 200, 'text/html; charset=utf-8', url.searchParams.has('frame') ? html.replace(/<head>/i, '<head><base target="_blank">') : html);
        return;
      }
      case 'GET /email.txt':
        send(response, 200, 'text/plain; charset=utf-8', session.state().render?.text ?? '');
        return;
      case 'GET /email.mjml':
        send(response, 200, 'text/plain; charset=utf-8', session.emailMjml());
        return;
      case 'POST /api/refresh':
        await readBody(request);
        void session.refresh();
        sendJson(response, 202, { refreshing: true });
        return;
      case 'POST /api/send': {
        const body = (await readBody(request)) as { to?: unknown };
        const to = typeof body.to === 'string' ? body.to.trim() : '';
        if (!isEmailAddress(to)) {
          sendJson(response, 400, { error: { code: 'BAD_ADDRESS', message: `"${to}" is not an email address` } });
          return;
        }
        if (!session.state().send.enabled) {
          sendJson(response, 409, { error: { code: 'NO_SMTP', message: 'no SMTP server is configured', hint: 'Start digest serve with SMTP_URL set to send test copies.' } });
          return;
        }
        try {
          sendJson(response, 200, await session.sendTest(to));
        } catch (error) {
          sendJson(response, 502, { error: { code: isDigestError(error) ? error.code : 'SEND_FAILED', message: (error as Error).message, ...(isDigestError(error) && error.hint ? { hint: error.hint } : {}) } });
        }
        return;
      }
      default:
        send(response, 404, 'text/plain; charset=utf-8', 'not found');
    }
  }

  session.onUpdate((state) => {
    const event = `event: update\ndata: ${JSON.stringify(state)}\n\n`;
    for (const stream of streams) stream.write(event);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new DigestError('SERVE_PORT_IN_USE', `port ${port} on ${HOST} is already in use`, {
              cause: error,
              hint: `Stop the other server, or pick another port: digest serve --port ${port + 1} (or serve.port in the config).`,
            })
          : error,
      );
    });
    server.listen(port, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const ready = session.start();

  return {
    url: `http://${HOST}:${port}/`,
    port,
    session,
    ready,
    async close() {
      for (const stream of streams) stream.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await session.close();
    },
  };
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 10_000) throw new Error('request body too large');
  }
  try {
    return text ? (JSON.parse(text) as unknown) : {};
  } catch {
    return {};
  }
}
