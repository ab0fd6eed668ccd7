/**
 * A feed server for the ingestion benchmark, in a process of its own (the publishers' machines,
 * not ours): `FEEDS` generated RSS feeds at /feedN.xml, each answer delayed 50 ms, with ETags so a
 * second run is answered 304. Sends {port} to its parent, then {requests} when asked.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { feedXml } from './feeds.js';

const feeds = Number(process.env.FEEDS ?? 200);
const bodies = Array.from({ length: feeds }, (_, i) => feedXml(i));
let requests = 0;
const server = createServer((request, response) => {
  requests++;
  const index = Number(/\/feed(\d+)\.xml/.exec(request.url ?? '')?.[1]);
  const etag = `"v-${index}"`;
  setTimeout(() => {
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, { etag });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag });
    response.end(bodies[index]);
  }, 50);
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (message: string) => {
  if (message === 'requests') process.send?.({ requests });
  if (message === 'stop') server.close(() => process.exit(0));
});
