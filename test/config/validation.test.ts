/**
 * Issue 10, item 7: settings that used to pass validation and then did the wrong thing at send
 * time are load-time errors naming file, line and key, with a fix.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();

function load(text: string) {
  const file = tmp.write('digest.config.yaml', text);
  return loadConfig({ configPath: file, cwd: tmp.dir(), env: {} });
}

function loadError(text: string): ConfigError {
  try {
    load(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('sender addresses', () => {
  it('refuses a from that is not an address (mail would go out with no From and an empty envelope sender)', () => {
    const error = loadError('title: Mine\nfrom: not an address\n');
    expect(error.message).toBe('digest.config.yaml:2: from: "not an address" is not an email address; write "Name <address@example.com>" or "address@example.com"');
    expect(error.context).toMatchObject({ file: 'digest.config.yaml', line: 2 });
  });

  it('accepts a bare address and a display name with an address, quoted or not', () => {
    expect(load('from: digest@news.example\n').from).toBe('digest@news.example');
    expect(load('from: Morning News <digest@news.example>\n').from).toBe('Morning News <digest@news.example>');
    expect(load('from: \'"News, Daily" <digest@news.example>\'\n').from).toBe('"News, Daily" <digest@news.example>');
  });

  it('refuses two addresses, a broken angle address, and an address too long for SMTP', () => {
    expect(loadError('from: a@news.example, b@news.example\n').message).toMatch(/^digest.config.yaml:1: from: .* is not an email address/);
    expect(loadError('from: News <digest@news.example\n').message).toMatch(/^digest.config.yaml:1: from: .* is not an email address/);
    expect(loadError(`from: ${'x'.repeat(65)}@news.example\n`).message).toMatch(/^digest.config.yaml:1: from: the part before @ is 65 characters long; at most 64 are allowed \(RFC 5321\)/);
  });

  it('checks replyTo the same way', () => {
    expect(loadError('replyTo: editor at news\n').message).toMatch(/^digest.config.yaml:1: replyTo: "editor at news" is not an email address/);
  });
});

describe('recipient addresses too long for SMTP', () => {
  it('reports a 300-character local part with the line it is on and skips it, instead of failing "temporarily" every run', () => {
    const config = load(`recipients:\n  - ok@example.com\n  - ${'r'.repeat(300)}@example.com\n`);
    expect(config.recipients.map((r) => r.email)).toEqual(['ok@example.com']);
    expect(config.warnings).toEqual([
      'digest.config.yaml:3: recipients[1]: the part before @ is 300 characters long; at most 64 are allowed (RFC 5321); skipped',
    ]);
  });

  it('also in a CSV, and for an over-long domain or whole address', () => {
    tmp.write('people.csv', `email\n${'r'.repeat(70)}@example.com\nok@example.com\nx@${'d'.repeat(64)}.example\n${'a'.repeat(60)}@${'b.'.repeat(100)}example\n`);
    const config = load('recipients: people.csv\n');
    expect(config.recipients.map((r) => r.email)).toEqual(['ok@example.com']);
    expect(config.warnings).toEqual([
      expect.stringMatching(/^people.csv:2: the part before @ is 70 characters long; at most 64 are allowed \(RFC 5321\); skipped/),
      expect.stringMatching(/^people.csv:4: a part of the domain is 64 characters long; at most 63 are allowed \(RFC 1035\); skipped/),
      expect.stringMatching(/^people.csv:5: the address is 268 characters long; at most 254 are allowed \(RFC 5321\); skipped/),
    ]);
  });
});

describe('locale', () => {
  it('refuses a locale no date formatter knows, and a malformed one, suggesting the fix', () => {
    expect(loadError('title: Mine\nlocale: xx-YY-bogus\n').message).toBe(
      'digest.config.yaml:2: locale: "xx-YY-bogus" is not a language this system can format dates in; write a BCP 47 tag such as "en-GB", "de-DE" or "fr"',
    );
    expect(loadError('locale: en_GB\n').message).toMatch(/^digest.config.yaml:1: locale: "en_GB" is not a BCP 47 language tag \(did you mean "en-GB"\?\)/);
  });

  it('accepts the usual tags', () => {
    for (const locale of ['en-GB', 'de', 'fr-CA', 'pt-BR', 'sr-Latn-RS']) expect(load(`locale: ${locale}\n`).locale).toBe(locale);
  });
});

describe('feed URLs with a typo', () => {
  it('refuses "http//…" (it used to become a local path), naming line and fix', () => {
    const error = loadError('feeds:\n  - url: https://ok.example/feed\n  - url: "http//example.com/feed"\n');
    expect(error.message).toBe('digest.config.yaml:3: feeds[1].url: "http//example.com/feed" looks like a URL with a typo; write "http://example.com/feed"');
  });

  it('refuses "https:/host" and "https//host" as a plain entry too', () => {
    expect(loadError('feeds:\n  - "https:/example.com/feed"\n').message).toMatch(/^digest.config.yaml:2: feeds\[0\]: "https:\/example.com\/feed" looks like a URL with a typo; write "https:\/\/example.com\/feed"/);
    expect(loadError('feeds:\n  - https//example.com/feed\n').message).toMatch(/^digest.config.yaml:2: feeds\[0\]: "https\/\/example.com\/feed" looks like a URL with a typo/);
  });

  it('checks each line of a .txt feed list, naming the list file and line', () => {
    tmp.write('more.txt', '# feeds\nhttps://ok.example/feed\nhttp//example.com/feed\n');
    expect(loadError('feeds:\n  - more.txt\n').message).toBe('more.txt:3: "http//example.com/feed" looks like a URL with a typo; write "http://example.com/feed"');
  });

  it('still takes local paths, relative or absolute', () => {
    const config = load('feeds:\n  - url: feeds/world.xml\n  - url: /srv/feeds/local.rss\n');
    expect(config.feeds.map((f) => f.url)).toEqual([`${tmp.dir()}/feeds/world.xml`, '/srv/feeds/local.rss']);
  });
});
