import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../../src/state/state-store.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();

describe('suppressions: addresses no digest may go to', () => {
  it('matches addresses whatever their case, and lists each once', () => {
    const store = StateStore.open(':memory:');
    expect(store.isSuppressed('ada@example.com')).toBe(false);
    store.suppress('Ada@Example.com', 'unsubscribed', 'web');
    expect(store.isSuppressed('ada@example.com')).toBe(true);
    expect(store.isSuppressed(' ADA@EXAMPLE.COM ')).toBe(true);
    expect(store.isSuppressed('bob@example.com')).toBe(false);
    store.suppress('ada@example.com', 'unsubscribed', 'list-unsubscribe');
    const rows = store.listSuppressions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'Ada@Example.com', reason: 'unsubscribed', source: 'web', detail: null });
  });

  it('keeps the first time and reason, unless a stronger reason arrives', async () => {
    const store = StateStore.open(':memory:');
    store.suppress('a@example.com', 'soft-bounce', 'bounces', '452 mailbox full');
    const first = store.suppression('a@example.com')!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    store.suppress('a@example.com', 'hard-bounce', 'bounces', '550 no such user');
    const stronger = store.suppression('a@example.com')!;
    expect(stronger).toMatchObject({ reason: 'hard-bounce', source: 'bounces', detail: '550 no such user', createdAt: first.createdAt });
    expect(stronger.updatedAt > first.updatedAt).toBe(true);
    // Weaker and equal reasons change nothing.
    store.suppress('a@example.com', 'unsubscribed', 'web');
    store.suppress('a@example.com', 'soft-bounce', 'bounces', 'again');
    store.suppress('a@example.com', 'hard-bounce', 'webhook', 'second report');
    expect(store.suppression('a@example.com')).toEqual(stronger);
    store.suppress('a@example.com', 'complaint', 'webhook', 'abuse report');
    expect(store.suppression('a@example.com')).toMatchObject({ reason: 'complaint', source: 'webhook', createdAt: first.createdAt });
    // Nothing is stronger than a complaint.
    store.suppress('a@example.com', 'manual', 'cli');
    expect(store.suppression('a@example.com')!.reason).toBe('complaint');
  });

  it('lifts a suppression with unsuppress, and says whether there was one', () => {
    const store = StateStore.open(':memory:');
    store.suppress('a@example.com', 'manual', 'cli', 'asked by phone');
    expect(store.unsuppress('A@example.com')).toBe(true);
    expect(store.isSuppressed('a@example.com')).toBe(false);
    expect(store.unsuppress('a@example.com')).toBe(false);
    expect(store.listSuppressions()).toEqual([]);
  });

  it('refuses a reason it does not know, naming the ones it does', () => {
    const store = StateStore.open(':memory:');
    expect(() => store.suppress('a@example.com', 'bored' as never, 'cli')).toThrow(/unknown suppression reason "bored"/);
  });

  it('survives reopening the file, durable after sync(), inside and outside transactions', async () => {
    const file = path.join(tmp.dir(), 'state.sqlite');
    const store = StateStore.open(file);
    store.suppress('a@example.com', 'unsubscribed', 'web');
    store.transaction(() => {
      store.suppress('b@example.com', 'hard-bounce', 'bounces');
      store.suppress('c@example.com', 'complaint', 'webhook');
    });
    await store.sync();
    store.close();
    const again = StateStore.open(file);
    expect(again.listSuppressions().map((row) => [row.email, row.reason])).toEqual([
      ['a@example.com', 'unsubscribed'],
      ['b@example.com', 'hard-bounce'],
      ['c@example.com', 'complaint'],
    ]);
    again.close();
  });
});
