import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, sampleConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();

function loadError(text: string, name = 'digest.config.yaml'): ConfigError {
  const file = tmp.write(name, text);
  try {
    loadConfig({ configPath: file, cwd: tmp.dir(), env: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('refuses to run without a config file, naming the folder it looked in and digest init', () => {
    let error: unknown;
    try {
      loadConfig({ cwd: tmp.dir(), env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_MISSING', message: `no digest.config.yaml in ${tmp.dir()}: nothing to do`, context: { folder: tmp.dir() } });
    expect((error as ConfigError).hint).toMatch(/digest init/);
    // DIGEST_CONFIG names one instead.
    const file = tmp.write('elsewhere/mine.yaml', 'title: Mine\n');
    expect(loadConfig({ cwd: '/', env: { DIGEST_CONFIG: file } }).title).toBe('Mine');
  });

  it('gives the sample setup only when asked for it (sampleConfig)', () => {
    const config = sampleConfig({ cwd: tmp.dir(), env: {} });
    expect(config.source).toBeNull();
    expect(config.feeds.map((f) => path.basename(f.url))).toEqual(['world-news.rss.xml', 'science-notes.atom.xml', 'city-culture.json']);
    expect(config.recipients.map((r) => r.email)).toEqual(['reader@example.com', 'editor@example.com']);
    expect(config.outDir).toBe(path.join(tmp.dir(), 'out'));
    expect(config.statePath).toBe(path.join(tmp.dir(), '.digest/state.sqlite'));
    expect(config.transport).toBe('outbox');
    expect(config.templateDir).toBe(path.join(REPO_ROOT, 'templates/default'));
  });

  it('ships a digest.config.yaml that says the same as the built-in defaults', () => {
    const shipped = loadConfig({ configPath: path.join(REPO_ROOT, 'digest.config.yaml'), env: {} });
    const builtIn = sampleConfig({ cwd: REPO_ROOT + '/does-not-exist', env: {} });
    expect(shipped.feeds.map(({ key: _, ...feed }) => feed)).toEqual(builtIn.feeds);
    expect(shipped.recipients).toEqual(builtIn.recipients);
    for (const key of ['title', 'tagline', 'from', 'unsubscribeUrl', 'schedule', 'timezone', 'template', 'locale', 'limits', 'delivery', 'theme'] as const) {
      expect(shipped[key], key).toEqual(builtIn[key]);
    }
  });

  it('picks digest.config.yaml from the working folder and resolves paths against it', () => {
    tmp.write('digest.config.yaml', 'title: Local\nfeeds:\n  - url: feeds/a.xml\n  - https://example.com/feed\nout: build\n');
    const config = loadConfig({ cwd: tmp.dir(), env: {} });
    expect(config.title).toBe('Local');
    // A local feed is known in the state by its path relative to the config (the project may move).
    expect(config.feeds).toEqual([{ url: path.join(tmp.dir(), 'feeds/a.xml'), key: 'feeds/a.xml' }, { url: 'https://example.com/feed' }]);
    expect(config.outDir).toBe(path.join(tmp.dir(), 'build'));
  });

  it('names the file, line and key path of a bad feed URL, and what is expected', () => {
    const error = loadError(
      ['title: T', 'feeds:', '  - url: https://a.example/feed', '  - url: feeds/b.xml', '  - url: "htp:/x"', ''].join('\n'),
    );
    expect(error.message).toBe('digest.config.yaml:5: feeds[2].url: expected a URL or a path, got "htp:/x"');
    expect(error.context.line).toBe(5);
    expect(error.hint).toMatch(/README/);
  });

  it('suggests the right spelling for an unknown key', () => {
    const error = loadError('titel: Morning\n');
    expect(error.message).toMatch(/^digest.config.yaml:1: titel: unknown key "titel" \(did you mean "title"\?\); allowed here: title, tagline, from, /);
  });

  it('reports unknown keys inside nested settings with their path', () => {
    const error = loadError('limits:\n  perfeed: 3\n');
    expect(error.message).toMatch(/^digest.config.yaml:2: limits.perfeed: unknown key "perfeed" \(did you mean "perFeed"\?\)/);
  });

  it('reports wrong types in editor terms', () => {
    const error = loadError('limits:\n  total: lots\n');
    expect(error.message).toBe('digest.config.yaml:2: limits.total: expected number, got "lots"');
  });

  it('reports a YAML syntax error with line and column', () => {
    const error = loadError('title: Morning\nfeeds:\n  - url: a.xml\n   name: bad indent\n');
    expect(error.code).toBe('CONFIG_SYNTAX');
    expect(error.message).toMatch(/^digest.config.yaml:4:\d+: /);
    expect(error.hint).toMatch(/indentation/);
  });

  it('rejects an unknown time zone and a malformed schedule', () => {
    expect(loadError('timezone: Europe/Londn\n').message).toMatch(/timezone: expected an IANA time zone/);
    expect(loadError('schedule: "7am daily"\n').message).toMatch(/schedule: expected a cron expression/);
  });

  it('says clearly when the config file given does not exist', () => {
    expect(() => loadConfig({ configPath: 'nope.yaml', cwd: tmp.dir(), env: {} })).toThrow(/nope.yaml: config file not found/);
  });

  it('loads smtp delivery without SMTP_URL (a run or a send refuses it, test/pipeline/safety.test.ts), and never reads secrets from the file', () => {
    const file = tmp.write('c.yaml', 'delivery:\n  transport: smtp\n');
    // Previews and `digest check` need no SMTP_URL; what would send stops before fetching.
    const withoutUrl = loadConfig({ configPath: file, env: {} });
    expect(withoutUrl.transport).toBe('smtp');
    expect(withoutUrl.smtpUrl).toBeUndefined();
    const config = loadConfig({ configPath: file, env: { SMTP_URL: 'smtp://u:p%40ss@mail.example.com:2525' } });
    expect(config.transport).toBe('smtp');
    expect(config.smtpUrl).toBe('smtp://u:p%40ss@mail.example.com:2525');
  });

  it('switches to SMTP automatically when SMTP_URL is set', () => {
    expect(sampleConfig({ cwd: tmp.dir(), env: { SMTP_URL: 'smtp://localhost:25' } }).transport).toBe('smtp');
    expect(() => sampleConfig({ cwd: tmp.dir(), env: { SMTP_URL: 'http://x' } })).toThrow(/smtp:\/\//);
  });

  it('takes the delivery queue from delivery.queue or DIGEST_QUEUE_URL (which wins), and checks it is a Redis URL', () => {
    expect(sampleConfig({ cwd: tmp.dir(), env: {} }).queueUrl).toBeUndefined();
    const file = tmp.write('q.yaml', 'delivery:\n  queue: redis://redis.internal:6379/2\n  queueName: morning\n');
    const fromFile = loadConfig({ configPath: file, env: {} });
    expect(fromFile.queueUrl).toBe('redis://redis.internal:6379/2');
    expect(fromFile.delivery).toMatchObject({ queueName: 'morning', takeoverSeconds: 30 });
    expect(loadConfig({ configPath: file, env: { DIGEST_QUEUE_URL: 'rediss://:pw@cache.example:6380' } }).queueUrl).toBe('rediss://:pw@cache.example:6380');

    const wrongScheme = loadError('title: x\ndelivery:\n  queue: http://redis:6379\n');
    expect(wrongScheme.message).toBe('digest.config.yaml:3: delivery.queue: expected a Redis URL starting with redis:// (or rediss:// for TLS), got "http://redis:6379"');
    expect(loadError('delivery:\n  queueName: "a:b"\n').message).toMatch(/^digest\.config\.yaml:2: delivery\.queueName: expected letters, digits/);
    expect(() => sampleConfig({ cwd: path.join(tmp.dir(), 'elsewhere'), env: { DIGEST_QUEUE_URL: 'localhost:6379' } })).toThrow(/^DIGEST_QUEUE_URL: expected a Redis URL starting with redis:\/\//);
  });
});

describe('recipients', () => {
  it('reads a CSV, skips invalid addresses with a warning and sends duplicates once', () => {
    tmp.write('people.csv', '\uFEFFEmail,Name,City\nada@example.com,Ada,London\nnot-an-address,Bob,Paris\nADA@example.com,Ada again,\ngrace@example.com,,NYC\n');
    const file = tmp.write('c.yaml', 'recipients: people.csv\n');
    const config = loadConfig({ configPath: file, env: {} });
    expect(config.recipients).toEqual([
      { email: 'ada@example.com', name: 'Ada', fields: { city: 'London' } },
      { email: 'grace@example.com', fields: { city: 'NYC' } },
    ]);
    expect(config.warnings).toEqual([
      expect.stringMatching(/people.csv:3: "not-an-address" is not a valid email address; skipped/),
      expect.stringMatching(/people.csv:4: ADA@example.com is listed more than once/),
    ]);
  });

  it('names the file when the CSV has no email column', () => {
    tmp.write('people.csv', 'who,name\nada@example.com,Ada\n');
    const file = tmp.write('c.yaml', 'recipients: people.csv\n');
    expect(() => loadConfig({ configPath: file, env: {} })).toThrow(/people.csv: no "email" column/);
  });

  it('skips a bad inline address without failing the config', () => {
    const file = tmp.write('c.yaml', 'recipients:\n  - a@example.com\n  - b@\n  - email: c@example.com\n    name: C\n    team: news\n');
    const config = loadConfig({ configPath: file, env: {} });
    expect(config.recipients.map((r) => r.email)).toEqual(['a@example.com', 'c@example.com']);
    expect(config.recipients[1]!.fields).toEqual({ team: 'news' });
    expect(config.warnings[0]).toMatch(/recipients\[1\]: "b@" is not a valid email address/);
  });
});

describe('feed lists', () => {
  it('reads feeds from YAML, OPML and text lists next to the config', () => {
    tmp.write('feeds/list.yaml', 'feeds:\n  - url: https://a.example/rss\n    name: A\n  - https://b.example/atom\n');
    tmp.write(
      'feeds/subs.opml',
      `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
        <outline text="Tech"><outline type="rss" text="C Blog" xmlUrl="https://c.example/feed"/></outline>
        <outline type="rss" title="D" xmlUrl="https://d.example/feed"/></body></opml>`,
    );
    tmp.write('feeds/more.txt', '# one per line\nhttps://e.example/feed\n\nlocal.xml\n');
    const file = tmp.write('c.yaml', 'feeds:\n  - feeds/list.yaml\n  - feeds/subs.opml\n  - feeds/more.txt\n  - url: https://a.example/rss\n');
    const config = loadConfig({ configPath: file, env: {} });
    expect(config.feeds).toEqual([
      { url: 'https://a.example/rss', name: 'A' },
      { url: 'https://b.example/atom' },
      { url: 'https://c.example/feed', name: 'C Blog', section: 'Tech' },
      { url: 'https://d.example/feed', name: 'D' },
      { url: 'https://e.example/feed' },
      { url: path.join(tmp.dir(), 'feeds/local.xml'), key: 'feeds/local.xml' },
    ]);
  });

  it('names the list file and entry when an entry is invalid', () => {
    tmp.write('list.yaml', '- url: https://ok.example/feed\n- url: "htp:/x"\n');
    const file = tmp.write('c.yaml', 'feeds:\n  - list.yaml\n');
    expect(() => loadConfig({ configPath: file, env: {} })).toThrow(/list.yaml: \[1\].url: expected a URL or a path, got "htp:\/x"/);
  });

  it('says which template sets exist when the configured one does not', () => {
    const error = loadError('template: fancy\n');
    expect(error.message).toMatch(/no template set "fancy"/);
    expect(error.hint).toMatch(/default/);
  });
});
