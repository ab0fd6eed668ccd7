/**
 * A parser thread (feed-parser.ts starts it): decodes and parses the feed bodies it is sent, one
 * message each, and answers with the ParsedFeed or the error, as data a message can carry.
 */
import { parentPort } from 'node:worker_threads';
import { decodeAndParse, type FeedBody } from './decode-and-parse.js';
import { errorAsData } from './feed-parser.js';

if (!parentPort) throw new Error('feed-parse-worker.js runs as a worker thread (feed-parser.ts starts it)');
const port = parentPort;
port.on('message', (message: { id: number; body: FeedBody }) => {
  decodeAndParse(message.body).then(
    (feed) => port.postMessage({ id: message.id, feed }),
    (error: unknown) => port.postMessage({ id: message.id, error: errorAsData(error) }),
  );
});
