/**
 * The server side of bench/web.ts, in a process of its own (as `digest web` runs): `digest web`
 * on the state file bench/web.ts prepared, and beside it a bare node:http server answering every
 * request with a short page, the peer the unsubscribe rate is quoted against. Prints one JSON line
 * with both addresses, then answers each line on stdin with its CPU time, until killed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config/load-config.js';
import { startWebServer } from '../src/web/web-server.js';

const config = loadConfig({ configPath: process.argv[2]!, env: { DIGEST_SECRET: process.env.DIGEST_SECRET } });
const web = await startWebServer(config, { port: 0 });
const bare = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end('<!doctype html><title>ok</title><p>You are unsubscribed.</p>');
  });
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
console.log(JSON.stringify({ web: web.url, bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/` }));
// Each line on stdin: the CPU time this process has used so far (µs), so the parent can tell the
// server's own cost per request from the wall clock of a busy machine.
process.stdin.on('data', () => {
  const usage = process.cpuUsage();
  console.log(JSON.stringify({ cpu: usage.user + usage.system }));
});
// SIGINT ends the process normally, so a --cpu-prof profile is written.
process.on('SIGINT', () => process.exit(0));
