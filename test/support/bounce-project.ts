import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TokenSigner } from '../../src/tokens/tokens.js';
import { envelopeSender } from '../../src/bounces/verp.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/resolve-config.js';
import { deterministicMessageId } from '../../src/deliver/compose-message.js';
import { StateStore } from '../../src/state/state-store.js';
import { bounceFixtureNames, renderBounceFixture, type FixtureValues } from './bounces.js';

export const TEST_SECRET = 'the bounce tests sign with this secret, 0123456789';
export const BOUNCE_ADDRESS = 'bounces@news.example.com';
const FROM = 'Morning Digest <digest@news.example.com>';

/** Every reader the fixtures name. */
export const FIXTURE_READERS = [
  'alice@example.net', 'bob@example.org', 'carol@example.com', 'dan@gmail.example', 'erin@example.com', 'frank@example.net', 'grace@contoso.example',
  'henry@example.org', 'ivy@yahoo.example', 'jack@aol.example', 'kate@contoso.example', 'leo@example.net', 'mia@example.org', 'nina@example.com',
];

/** Records a run sent to `recipients` in the state file, as `digest run` would; returns its id. */
export function recordRun(statePath: string, recipients: readonly string[], key: string): number {
  const store = StateStore.open(statePath);
  try {
    return store.createRun({
      kind: 'run',
      slot: null,
      startedAt: '2026-12-03T07:00:11.000Z',
      digestHash: `hash-${key}`,
      subject: 'Morning Digest — Thursday 3 December',
      preheader: '',
      html: '<p>digest</p>',
      text: 'digest',
      marker: 'm',
      itemIds: [],
      settings: { from: FROM, title: 'Morning Digest', bounceAddress: BOUNCE_ADDRESS },
      recipients: recipients.map((email) => ({ email, fields: {}, messageId: deterministicMessageId(key, email, FROM) })),
    });
  } finally {
    store.close();
  }
}

export interface BounceProject {
  dir: string;
  config: ResolvedConfig;
  signer: TokenSigner;
  runId: number;
  /** The fixture values for run `runId` (or another run). */
  values: (runId?: number, key?: string, signer?: TokenSigner) => FixtureValues;
  /** A fixture with this project's tokens and Message-IDs. */
  fixture: (name: string, runId?: number, newline?: '\n' | '\r\n') => Buffer;
  /** Puts every fixture (or the named ones) in a Maildir's new/ folder. */
  fillMaildir: (maildir: string, names?: readonly string[]) => string[];
}

/** A state file with one run sent to every fixture reader, and a config pointing at it. */
export function bounceProject(dir: string, overrides: Partial<ResolvedConfig['bounces']> = {}): BounceProject {
  const configFile = path.join(dir, 'digest.config.yaml');
  writeFileSync(configFile, `title: Morning Digest\nfrom: ${FROM}\ndelivery:\n  bounceAddress: ${BOUNCE_ADDRESS}\n  transport: outbox\n`);
  const loaded = loadConfig({ configPath: configFile, env: {} });
  const config: ResolvedConfig = { ...loaded, bounces: { ...loaded.bounces, ...overrides } };
  const signer = new TokenSigner(TEST_SECRET);
  const runId = recordRun(config.statePath, FIXTURE_READERS, 'run1');
  const values = (id = runId, key = 'run1', by = signer): FixtureValues => ({
    verp: (email) => envelopeSender(BOUNCE_ADDRESS, by, id, email)!,
    messageId: (email) => deterministicMessageId(key, email, FROM),
  });
  const fixture = (name: string, id = runId, newline: '\n' | '\r\n' = '\n') => renderBounceFixture(name, values(id), newline);
  return {
    dir,
    config,
    signer,
    runId,
    values,
    fixture,
    fillMaildir(maildir, names = bounceFixtureNames()) {
      for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
      return names.map((name, i) => {
        const file = path.join(maildir, 'new', `1796281${String(200 + i)}.M${i}P4242.mx.news.example.com`);
        writeFileSync(file, fixture(name));
        return file;
      });
    },
  };
}
