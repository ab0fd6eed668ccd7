import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface TestHttpServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Every request seen, as "METHOD /path". */
  requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 (port 0) serving fixture routes; unknown paths answer 404. */
export async function startHttpServer(routes: Record<string, Route> = {}): Promise<TestHttpServer> {
  const table = new Map(Object.entries(routes));
  const requests: TestHttpServer['requests'] = [];
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    requests.push({ method: request.method ?? 'GET', path, headers: request.headers });
    const route = table.get(path);
    if (route) route(request, response);
    else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    routes: table,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A route that serves `body` with a content type and optional ETag (answering 304 when it matches). */
export function serve(body: string | Buffer, contentType: string, etag?: string): Route {
  return (request, response) => {
    if (etag && request.headers['if-none-match'] === etag) {
      response.writeHead(304, { etag });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': contentType, ...(etag ? { etag } : {}) });
    response.end(body);
  };
}
