import { describe, expect, it } from 'vitest';
import { createOutput } from '../../src/cli/output.js';

/** A stream that is not a terminal (cron, a pipe, a log file), keeping what was written. */
function logStream(): { stream: NodeJS.WriteStream; text: () => string } {
  let written = '';
  const stream = {
    isTTY: false,
    write(chunk: string) {
      written += chunk;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => written };
}

describe('progress under cron (no terminal)', () => {
  it('a line per tenth even when counts jump past it, as a delivery queue reports in batches', () => {
    const log = logStream();
    const out = createOutput({ json: false, stream: log.stream });
    // Batches of uneven size, as the coordinator folds the workers' reports.
    for (const done of [37, 120, 180, 333, 334, 700, 999, 1000]) out.progress({ stage: 'send', done, total: 1000, recipient: `r${done}@example.com` });
    expect(log.text()).toBe('messages sent 120/1000\nmessages sent 333/1000\nmessages sent 700/1000\nmessages sent 999/1000\nmessages sent 1000/1000\n');
  });

  it('one message at a time: every tenth exactly, and every message of a small run', () => {
    const log = logStream();
    const out = createOutput({ json: false, stream: log.stream });
    for (let done = 1; done <= 100; done++) out.progress({ stage: 'send', done, total: 100, recipient: 'r@example.com' });
    expect(log.text().trim().split('\n')).toEqual(Array.from({ length: 10 }, (_, i) => `messages sent ${(i + 1) * 10}/100`));

    const small = logStream();
    const smallOut = createOutput({ json: false, stream: small.stream });
    for (let done = 1; done <= 3; done++) smallOut.progress({ stage: 'fetch', done, total: 3, feed: 'f' });
    expect(small.text()).toBe('feeds fetched 1/3\nfeeds fetched 2/3\nfeeds fetched 3/3\n');
  });

  it('a second run through the same output (digest schedule) starts its lines afresh', () => {
    const log = logStream();
    const out = createOutput({ json: false, stream: log.stream });
    for (const done of [60, 100]) out.progress({ stage: 'send', done, total: 100, recipient: 'r@example.com' });
    for (const done of [15, 100]) out.progress({ stage: 'send', done, total: 100, recipient: 'r@example.com' });
    expect(log.text()).toBe('messages sent 60/100\nmessages sent 100/100\nmessages sent 15/100\nmessages sent 100/100\n');
  });
});
