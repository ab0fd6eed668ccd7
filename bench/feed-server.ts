/**
 * A feed server for the benchmarks, in a process of its own (the publishers' machines, not ours):
 * `FEEDS` generated RSS feeds at /feedN.xml, each answer delayed 50 ms, with ETags so a second run
 * is answered 304. With `HOSTS=N` it also listens on 127.0.0.2 … 127.0.0.N (the whole of 127/8 is
 * loopback on Linux), so N feeds can be N different publishers. Sends {port} to its parent, then
 * {requests} when asked.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { feedXml } from './feeds.js';

const feeds = Number(process.env.FEEDS ?? 200);
const hosts = Number(process.env.HOSTS ?? 1);
const bodies = Array.from({ length: feeds }, (_, i) => feedXml(i));
let requests = 0;
const handler: RequestListener = (request, response) => {
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
};
const first = createServer(handler);
const servers = [first];
first.listen(0, '127.0.0.1', async () => {
  const { port } = first.address() as AddressInfo;
  for (let host = 2; host <= hosts; host++) {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, `127.0.0.${host}`, resolve));
  }
  process.send?.({ port });
});
process.on('message', (message: string) => {
  if (message === 'requests') process.send?.({ requests });
  if (message === 'stop') {
    for (const server of servers) server.close();
    process.exit(0);
  }
});
