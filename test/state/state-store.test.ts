import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateStore, type SeenItem } from '../../src/state/state-store.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();

const NOW = '2026-11-27T07:00:00.000Z';
const FEED = 'https://news.example/feed.xml';

function item(id: string, status: SeenItem['status'] = 'queued'): SeenItem {
  return { id, feedUrl: FEED, url: `https://news.example/${id}`, title: id, publishedAt: null, status };
}

/** A run carrying `items` to `recipients`, recorded as runDigest records it. */
function recordRun(store: StateStore, items: string[], recipients: string[]): number {
  return store.transaction(() => {
    const runId = store.createRun({
      kind: 'run',
      slot: NOW,
      startedAt: NOW,
      digestHash: 'hash',
      subject: 'Subject',
      preheader: '',
      html: '<p>x</p>',
      text: 'x',
      marker: 'm',
      itemIds: items,
      settings: { from: 'Digest <d@news.example>', title: 'Digest' },
      recipients: recipients.map((email) => ({ email, fields: {}, messageId: `<${email}>` })),
    });
    store.recordItems(items.map((id) => item(id)), runId, NOW);
    store.recordFeedOutcome({ url: FEED, ok: true, status: 'ok', etag: '"v1"' }, NOW);
    return runId;
  });
}

describe('the run ledger: items count as delivered only once the run delivered them', () => {
  it('holds a sending run’s items back, and marks them delivered once anyone got the digest', () => {
    const store = StateStore.open(':memory:');
    const runId = recordRun(store, ['a', 'b'], ['x@example.com', 'y@example.com']);
    expect(store.itemStatus('a')).toEqual({ status: 'queued', runId });
    // While the run is unfinished its items are not offered to another digest.
    expect(store.seenIds(['a', 'b', 'c'])).toEqual(new Set(['a', 'b']));
    expect(store.finishRun(runId, NOW)).toBe('sending');
    expect(store.itemStatus('a')!.status).toBe('queued');

    store.updateDelivery(runId, 'x@example.com', 'sent', NOW);
    store.updateDelivery(runId, 'y@example.com', 'failed-permanent', NOW, '550 no such user');
    expect(store.finishRun(runId, NOW)).toBe('partial');
    expect(store.itemStatus('a')).toEqual({ status: 'delivered', runId });
    expect(store.getRun(runId)).toMatchObject({ status: 'partial', settings: { from: 'Digest <d@news.example>' } });
  });

  it('releases the items of a run that reached nobody, and forgets the feed’s validators so they are fetched again', () => {
    const store = StateStore.open(':memory:');
    const first = recordRun(store, ['a', 'b'], ['x@example.com']);
    store.updateDelivery(first, 'x@example.com', 'failed-temporary', NOW, '451 later');
    expect(store.finishRun(first, NOW)).toBe('partial');
    expect(store.itemStatus('a')).toEqual({ status: 'released', runId: first });
    expect(store.seenIds(['a', 'b'])).toEqual(new Set());
    expect(store.getFeed(FEED)).toMatchObject({ etag: null, lastModified: null });
    expect(store.isNewFeed(FEED)).toBe(false);

    // The next run carries them again.
    const second = recordRun(store, ['a'], ['x@example.com']);
    expect(store.itemStatus('a')).toEqual({ status: 'queued', runId: second });
    store.updateDelivery(second, 'x@example.com', 'sent', NOW);
    expect(store.finishRun(second, NOW)).toBe('done');
    expect(store.itemStatus('a')).toEqual({ status: 'delivered', runId: second });

    // A late retry of the first run delivers its digest; its item still held by nobody else
    // ('b') becomes delivered, the one the second run took stays with the second run.
    expect(store.requeueTemporaryFailures(first, NOW)).toBe(1);
    expect(store.getRun(first)!.status).toBe('sending');
    store.updateDelivery(first, 'x@example.com', 'sent', NOW);
    expect(store.finishRun(first, NOW)).toBe('done');
    expect(store.itemStatus('b')).toEqual({ status: 'delivered', runId: first });
    expect(store.itemStatus('a')).toEqual({ status: 'delivered', runId: second });
  });

  it('never re-queues an item that was delivered or skipped', () => {
    const store = StateStore.open(':memory:');
    store.recordItems([item('old', 'skipped')], null, NOW);
    const runId = recordRun(store, ['a'], ['x@example.com']);
    store.recordItems([item('a'), item('old')], 99, NOW);
    expect(store.itemStatus('a')).toEqual({ status: 'queued', runId });
    expect(store.itemStatus('old')).toEqual({ status: 'skipped', runId: null });
  });

  it('remembers what happened to each scheduled slot, first outcome wins', () => {
    const store = StateStore.open(':memory:');
    const earlier = '2026-11-26T07:00:00.000Z';
    expect(store.slotRecord(earlier)).toBeUndefined();
    store.recordSlot(earlier, 'nothing-new', null, null, earlier);
    store.recordSlot(earlier, 'skipped', null, 'late', earlier);
    expect(store.slotRecord(earlier)).toMatchObject({ outcome: 'nothing-new', runId: null });
    // A run recorded with a slot serves it even without a slot record.
    const runId = recordRun(store, ['a'], ['x@example.com']);
    expect(store.getRun(runId)!.slot).toBe(NOW);
    expect(store.slotRecord(NOW)).toMatchObject({ outcome: 'sent', runId });
  });
});

describe('durability of delivery records', () => {
  it('flushes recorded statuses to disk without blocking, sharing one flush among callers who ask together', async () => {
    const file = path.join(tmp.dir(), 'state.sqlite');
    const store = StateStore.open(file);
    const runId = recordRun(store, ['a'], Array.from({ length: 20 }, (_, i) => `r${i}@example.com`));
    const flushes = Array.from({ length: 20 }, (_, i) => {
      store.updateDelivery(runId, `r${i}@example.com`, 'sent', NOW);
      return store.sync();
    });
    await Promise.all(flushes);
    store.close();
    // Another connection (as after a crash) sees every record.
    const reopened = StateStore.open(file);
    expect(reopened.deliveryCounts(runId).sent).toBe(20);
    reopened.close();
    await StateStore.open(':memory:').sync();
  });
});

describe('forgetSeen (digest reset)', () => {
  it('forgets the seen items of one feed and its validators; keeps runs, deliveries, slots, health and other feeds', () => {
    const store = StateStore.open(':memory:');
    const runId = recordRun(store, ['a', 'b'], ['x@example.com']);
    store.updateDelivery(runId, 'x@example.com', 'sent', NOW);
    store.finishRun(runId, NOW);
    store.recordSlot(NOW, 'sent', runId, null, NOW);
    store.recordItems([item('skipped-one', 'skipped')], null, NOW);
    const OTHER = 'https://other.example/feed';
    store.recordItems([{ ...item('o1', 'skipped'), feedUrl: OTHER }], null, NOW);
    store.recordFeedOutcome({ url: OTHER, ok: true, status: 'ok', etag: '"o"' }, NOW);
    store.recordFeedOutcome({ url: FEED, ok: false, status: 'FETCH_HTTP', error: 'HTTP 500' }, NOW);

    expect(store.seenCounts(FEED)).toEqual({ seen: 3, inUnfinishedRun: 0 });
    expect(store.forgetSeen(FEED)).toEqual({ forgotten: 3, kept: 0 });
    expect(store.seenIds(['a', 'b', 'skipped-one', 'o1'])).toEqual(new Set(['o1']));
    expect(store.isNewFeed(FEED)).toBe(true);
    expect(store.getFeed(FEED)).toMatchObject({ etag: null, lastModified: null, consecutiveFailures: 1, lastError: 'HTTP 500' });
    expect(store.getFeed(OTHER)?.etag).toBe('"o"');
    // The ledger is history: the run, what it carried, who got it, the slot it served.
    expect(store.getRun(runId)).toMatchObject({ status: 'done', itemCount: 2 });
    expect(store.runItemIds(runId)).toEqual(['a', 'b']);
    expect(store.deliveries(runId).map((d) => [d.recipient, d.status])).toEqual([['x@example.com', 'sent']]);
    expect(store.slotRecord(NOW)).toMatchObject({ outcome: 'sent', runId });

    expect(store.forgetSeen()).toEqual({ forgotten: 1, kept: 0 });
    expect(store.seenIds(['o1'])).toEqual(new Set());
  });

  it('keeps the items of a digest still being delivered, so a resumed run finds them', () => {
    const store = StateStore.open(':memory:');
    const done = recordRun(store, ['old'], ['x@example.com']);
    store.updateDelivery(done, 'x@example.com', 'sent', NOW);
    store.finishRun(done, NOW);
    const pending = recordRun(store, ['new1', 'new2'], ['x@example.com', 'y@example.com']);
    store.updateDelivery(pending, 'x@example.com', 'sent', NOW);
    expect(store.finishRun(pending, NOW)).toBe('sending');

    expect(store.seenCounts()).toEqual({ seen: 3, inUnfinishedRun: 2 });
    expect(store.forgetSeen()).toEqual({ forgotten: 1, kept: 2 });
    expect(store.seenIds(['old', 'new1', 'new2'])).toEqual(new Set(['new1', 'new2']));
    store.updateDelivery(pending, 'y@example.com', 'sent', NOW);
    expect(store.finishRun(pending, NOW)).toBe('done');
    expect(store.itemStatus('new1')).toEqual({ status: 'delivered', runId: pending });
  });
});
