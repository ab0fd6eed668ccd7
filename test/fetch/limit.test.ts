import { describe, expect, it } from 'vitest';

import { FetchError } from '../../src/errors.js';
import { createLimiter, hostKey } from '../../src/fetch/limit.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createLimiter', () => {
  it('caps tasks per host and globally', async () => {
    const limit = createLimiter({ global: 3, perHost: 2 });
    const running = new Map<string, number>();
    let peak = 0;
    const peakPerHost = new Map<string, number>();
    const gates: Array<() => void> = [];

    const task = (url: string) =>
      limit(url, async () => {
        const host = hostKey(url);
        running.set(host, (running.get(host) ?? 0) + 1);
        peakPerHost.set(host, Math.max(peakPerHost.get(host) ?? 0, running.get(host)!));
        peak = Math.max(peak, [...running.values()].reduce((a, b) => a + b, 0));
        const gate = deferred();
        gates.push(gate.resolve);
        await gate.promise;
        running.set(host, running.get(host)! - 1);
        return url;
      });

    const urls = [
      'https://a.example/1', 'https://a.example/2', 'https://a.example/3', 'https://a.example/4',
      'https://b.example/1', 'https://b.example/2', '/local/feed.xml',
    ];
    const all = Promise.all(urls.map(task));
    // Release tasks one by one until everything has run.
    for (let released = 0; released < urls.length; released++) {
      await new Promise((r) => setImmediate(r));
      expect(limit.activeCount).toBeLessThanOrEqual(3);
      gates.shift()?.();
    }
    await expect(all).resolves.toEqual(urls);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peakPerHost.get('a.example')).toBe(2);
    expect(limit.activeCount).toBe(0);
    expect(limit.pendingCount).toBe(0);
  });

  it('lets other hosts overtake a full host', async () => {
    const limit = createLimiter({ global: 4, perHost: 1 });
    const order: string[] = [];
    const gate = deferred();
    const first = limit('https://slow.example/a', async () => {
      order.push('slow-a');
      await gate.promise;
    });
    const second = limit('https://slow.example/b', async () => {
      order.push('slow-b');
    });
    const third = limit('https://fast.example/', async () => {
      order.push('fast');
    });
    await third;
    expect(order).toEqual(['slow-a', 'fast']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['slow-a', 'fast', 'slow-b']);
  });

  it('passes errors through and frees the slot', async () => {
    const limit = createLimiter({ global: 1 });
    await expect(limit('https://x.example/', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit('https://x.example/', () => { throw new Error('sync boom'); })).rejects.toThrow('sync boom');
    await expect(limit('https://x.example/', async () => 42)).resolves.toBe(42);
  });

  it('rejects nonsense limits with a FetchError', () => {
    expect(() => createLimiter({ perHost: 0 })).toThrow(FetchError);
  });
});
