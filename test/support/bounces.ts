import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The DSN, ARF and auto-reply samples (see test/fixtures/bounces/README.md). */
export const BOUNCE_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/bounces');

export function bounceFixtureNames(): string[] {
  return readdirSync(BOUNCE_FIXTURES).filter((name) => name.endsWith('.eml')).sort();
}

export interface FixtureValues {
  /** The envelope sender the reader's copy went out with (bounces+TOKEN@…). */
  verp: (email: string) => string;
  /** The reader's copy's Message-ID, with angle brackets. */
  messageId: (email: string) => string;
}

/** A fixture with its placeholders, `%VERP(address)%` and `%MESSAGE-ID(address)%`, filled in. */
export function renderBounceFixture(name: string, values: FixtureValues, newline: '\n' | '\r\n' = '\n'): Buffer {
  const text = readFileSync(path.join(BOUNCE_FIXTURES, name), 'utf8')
    .replace(/%VERP\(([^)]+)\)%/g, (_, email: string) => values.verp(email))
    .replace(/%MESSAGE-ID\(([^)]+)\)%/g, (_, email: string) => values.messageId(email));
  return Buffer.from(newline === '\n' ? text : text.replace(/\r?\n/g, '\r\n'));
}
