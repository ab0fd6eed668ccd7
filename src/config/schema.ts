import { z } from 'zod';
import { scheduleProblem } from '../schedule/schedule-slots.js';
import { DEFAULT_LEAD_RULE, LEAD_CRITERIA } from './lead-rule.js';
import { filterTermProblem } from '../select/filter-terms.js';
import { feedUrlProblem, isEmailAddress, mailboxProblem, redisUrlProblem } from './value-checks.js';

/**
 * The config file's schema. It is the single place that says what a config may contain; the
 * TypeScript types come from it. Messages are written for editors: they say what to write.
 */

const redisUrl = z.string().trim().check((ctx) => {
  const problem = redisUrlProblem(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
});

const feedUrl = z.string().trim().min(1, 'expected a URL or a path, got an empty string').check((ctx) => {
  const problem = feedUrlProblem(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
});

const mailbox = z.string().trim().check((ctx) => {
  const problem = mailboxProblem(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
});

/** A BCP 47 language tag that the date formatter has data for (Intl falls back silently otherwise). */
const locale = z.string().trim().check((ctx) => {
  const value = ctx.value;
  let canonical: string[];
  try {
    canonical = Intl.getCanonicalLocales(value);
  } catch {
    const guess = value.replace(/_/g, '-');
    let suggestion = '';
    try {
      if (Intl.DateTimeFormat.supportedLocalesOf([guess]).length > 0) suggestion = ` (did you mean ${JSON.stringify(guess)}?)`;
    } catch {
      // no suggestion
    }
    ctx.issues.push({ code: 'custom', input: value, message: `${JSON.stringify(value)} is not a BCP 47 language tag${suggestion}; write one such as "en-GB", "de-DE" or "fr"` });
    return;
  }
  if (Intl.DateTimeFormat.supportedLocalesOf(canonical).length === 0) {
    ctx.issues.push({ code: 'custom', input: value, message: `${JSON.stringify(value)} is not a language this system can format dates in; write a BCP 47 tag such as "en-GB", "de-DE" or "fr"` });
  }
});
/** Default of `limits.maxAgeDays`: a week, the span of a daily or weekly digest. */
export const DEFAULT_MAX_AGE_DAYS = 7;

/** The public address of `digest web`: an http(s) URL with no query or fragment. */
const baseUrl = z.string().trim().check((ctx) => {
  let parsed: URL | undefined;
  try {
    parsed = new URL(ctx.value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.search || parsed.hash || parsed.username || parsed.password) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `expected the public https address readers reach \`digest web\` at, such as "https://digest.example.com" (no query or #fragment), got ${JSON.stringify(ctx.value)}`,
    });
  }
});

/** A filter term: words, or a pattern written /pattern/flags (checked here, so `digest check` names it). */
const filterTerm = z.string().trim().min(1, 'expected words or a /pattern/, got an empty string').check((ctx) => {
  const problem = filterTermProblem(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
});

/** One term or a list of them; always a list once parsed. */
const filterTerms = z.union([filterTerm.transform((term) => [term]), z.array(filterTerm)]);

export const feedSchema = z.strictObject({
  url: feedUrl,
  name: z.string().trim().min(1).optional(),
  section: z.string().trim().min(1).optional(),
  limit: z.int().positive().optional(),
  fullText: z.enum(['auto', 'always', 'never']).optional(),
  /** This feed's own age limit in days (0 = none), instead of `limits.maxAgeDays`. */
  maxAgeDays: z.number().nonnegative().optional(),
  /** Weight of this feed's stories when the lead story is chosen (`lead.by: priority`); default 0. */
  priority: z.number().optional(),
  /** Not fetched while true (`digest feeds pause` / `unpause`). */
  paused: z.boolean().optional(),
  /** Only stories matching one of these are taken. */
  include: filterTerms.optional(),
  /** Stories matching any of these are held back. */
  exclude: filterTerms.optional(),
  /** Stories with fewer words of text (as the feed carries it) are held back. */
  minWords: z.int().nonnegative().optional(),
});

// Addresses are checked when recipients are resolved: a bad one is reported and skipped, never
// fatal, so one typo does not stop the digest for everyone else.
const recipientSchema = z.union([
  z.string().trim(),
  z
    .looseObject({
      email: z.string().trim(),
      name: z.string().trim().optional(),
    })
    .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()])),
]);

const timezone = z.string().check((ctx) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: ctx.value });
  } catch {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `expected an IANA time zone such as "Europe/London" or "America/New_York", got ${JSON.stringify(ctx.value)}`,
    });
  }
});

const cronExpression = z.string().trim().check((ctx) => {
  const fields = ctx.value.split(/\s+/);
  if (ctx.value.startsWith('@')) return;
  if (fields.length < 5 || fields.length > 6) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `expected a cron expression with 5 fields ("minute hour day month weekday", e.g. "0 7 * * *"), got ${JSON.stringify(ctx.value)}`,
    });
    return;
  }
  const problem = scheduleProblem(ctx.value);
  if (problem) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `${JSON.stringify(ctx.value)} is not a usable cron expression (${problem}); write "minute hour day month weekday", e.g. "0 7 * * *" for 07:00 every day or "30 6 * * 1-5" for 06:30 on weekdays`,
    });
  }
});

export const configSchema = z.strictObject({
  /** The digest's name: the email's heading and the subject's default. */
  title: z.string().trim().min(1).default('Morning Digest'),
  /** Short line under the title. */
  tagline: z.string().optional(),
  /** Sender, e.g. "Morning Digest <digest@example.com>". */
  from: mailbox.default('Morning Digest <digest@example.com>'),
  replyTo: mailbox.optional(),
  /** Inline list of addresses / {email, name}, or a path to a CSV file (email,name,...). */
  recipients: z.union([z.array(recipientSchema), z.string().trim().min(1)]).default([]),
  /** Feeds, inline or as paths to feed-list files (.yaml, .json, .opml, .txt). */
  feeds: z.array(z.union([feedSchema, feedUrl])).default([]),
  /** Output folder for the HTML/text preview and the outbox. */
  out: z.string().trim().min(1).default('out'),
  /** SQLite state file. */
  state: z.string().trim().min(1).default('.digest/state.sqlite'),
  /** When `digest schedule` fires, as a cron expression in `timezone`. */
  schedule: cronExpression.default('0 7 * * *'),
  timezone: timezone.default('UTC'),
  /**
   * A slot missed by up to this many minutes (the machine was asleep or off at 07:00) is caught
   * up by `digest schedule`; later than that it is skipped and logged.
   */
  scheduleGraceMinutes: z.number().nonnegative().default(120),
  /** Template set: a folder name under templates/, or a path to a theme folder. */
  template: z.string().trim().min(1).default('default'),
  /** Locale for dates in templates (BCP 47), e.g. "en-GB". */
  locale: locale.default('en-GB'),
  /**
   * An unsubscribe link handled by a program of your own, with {{email}}, {{name}} and any
   * recipient field filled in per recipient. Leave it out with `web.baseUrl`: `digest web`
   * then handles unsubscribes, with signed links.
   */
  unsubscribeUrl: z.string().trim().optional(),
  /** mailto: unsubscribe address for the List-Unsubscribe header. */
  unsubscribeMailto: z.string().trim().optional(),
  /** Web version of the digest, linked from the email. */
  webVersionUrl: z.string().trim().optional(),
  /** Theme settings passed to templates as `theme`. */
  theme: z
    .strictObject({
      accentColor: z.string().default('#c2410c'),
      textColor: z.string().default('#1f2933'),
      backgroundColor: z.string().default('#f4f1ec'),
      /** Behind the stories (the email's column). */
      contentBackgroundColor: z.string().default('#ffffff'),
      /** Sources, dates, the footer. */
      mutedColor: z.string().default('#6b7280'),
      /** Lines between stories and under section names. */
      dividerColor: z.string().default('#e5e7eb'),
      fontFamily: z.string().default("Georgia, 'Times New Roman', serif"),
      headingFontFamily: z.string().default("'Helvetica Neue', Helvetica, Arial, sans-serif"),
      logoUrl: z.string().optional(),
      /** The logo's alt text (default: the title). */
      logoAlt: z.string().optional(),
      /** The logo's width in pixels. */
      logoWidth: z.int().positive().max(600).default(160),
      readMoreLabel: z.string().default('Read the full story'),
      /** Which stories get a read-more link under their text (every headline is a link already). */
      readMore: z.enum(['lead', 'all', 'none']).default('lead'),
      /** Heading of the section that gathers one-story sections named after their feed. */
      inBriefLabel: z.string().default('In brief'),
      /** Heading of the lead story. */
      leadLabel: z.string().default('Top story'),
      /** The "In this issue" contents block is shown from this many stories on (0: never). */
      contentsMinStories: z.int().nonnegative().default(8),
      /** Dark mode (mail programs that follow the reader's dark setting): the same roles as above. */
      darkBackgroundColor: z.string().default('#111315'),
      darkContentBackgroundColor: z.string().default('#1b1e22'),
      darkTextColor: z.string().default('#e8e6e3'),
      darkMutedColor: z.string().default('#a3a9b2'),
      darkAccentColor: z.string().default('#fb923c'),
      darkDividerColor: z.string().default('#33383f'),
      webVersionLabel: z.string().default('View this email in your browser'),
      unsubscribeLabel: z.string().default('Unsubscribe'),
      /** The link to the reader's preferences page (with `web.baseUrl`). */
      preferencesLabel: z.string().default('Change what you get'),
      /** The link to the web version when stories were left out to keep the email small. */
      moreLabel: z.string().default('Read them all in the web version'),
      showFailedFeeds: z.boolean().default(true),
    })
    .prefault({}),
  /**
   * Size budget of the email's HTML in KB (1,000 bytes); bigger digests are shortened in steps.
   * Gmail clips messages over about 102 KB. 0 turns the budget off.
   */
  maxHtmlKilobytes: z.number().nonnegative().default(100),
  /** A folder of extra partials; a file named like a theme's partial replaces it. */
  partials: z.string().trim().min(1).optional(),
  /** How the lead story is chosen (src/pipeline/choose-lead.ts). */
  lead: z
    .strictObject({
      /** Criteria in order, each breaking the ties of the one before; [] for no lead story. */
      by: z.array(z.enum(LEAD_CRITERIA)).default([...DEFAULT_LEAD_RULE]),
    })
    .prefault({}),
  limits: z
    .strictObject({
      /** Most items per feed (a feed's own `limit` wins). */
      perFeed: z.int().positive().default(5),
      /** Most items in one digest. */
      total: z.int().positive().default(30),
      /** On a feed's first run only its newest N items are eligible. */
      firstRun: z.int().nonnegative().default(5),
      /**
       * Items older than this many days are held back, on a feed's first run too, so a feed that
       * stopped years ago does not fill a digest (0 = no limit; a feed's own `maxAgeDays` wins).
       */
      maxAgeDays: z.number().nonnegative().default(DEFAULT_MAX_AGE_DAYS),
      ledeWords: z.int().positive().default(50),
      headlineLength: z.int().positive().default(120),
    })
    .prefault({}),
  delivery: z
    .strictObject({
      /** outbox: .eml files in <out>/outbox; smtp: send via SMTP_URL; auto: smtp when SMTP_URL is set. */
      transport: z.enum(['auto', 'outbox', 'smtp']).default('auto'),
      /** What `digest run` does when there are no new items. */
      whenNothingNew: z.enum(['skip', 'send']).default('skip'),
      /** SMTP connections kept open at once. */
      maxConnections: z.int().positive().default(2),
      /** Messages per second, across all connections (0 = no limit). */
      rateLimit: z.number().nonnegative().default(5),
      /** How long the server may take to accept a connection and greet, together; not retried within a run. */
      connectionTimeoutSeconds: z.number().positive().default(15),
      /** How long a connection may stay silent in the middle of a message. */
      socketTimeoutSeconds: z.number().positive().default(60),
      /** Tries per recipient in one run for temporary failures (4xx replies, dropped connections). */
      attempts: z.int().positive().default(3),
      /** Wait before the first retry; it doubles for each further one. */
      retryDelaySeconds: z.number().nonnegative().default(2),
      /**
       * Send through a job queue on Redis (BullMQ) that `digest worker` processes work, on this
       * machine or others: redis://host:6379. DIGEST_QUEUE_URL, when set, takes its place.
       */
      queue: redisUrl.optional(),
      /** The queue's name in Redis; newsletters sharing one Redis need one name each. */
      queueName: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "-" or "_" (e.g. "morning-digest")')
        .default('digest'),
      /**
       * How long the messages of a worker that died (killed, crashed, lost power) wait before
       * another worker takes them over; a live worker renews its claim every half of it.
       */
      takeoverSeconds: z.number().min(1).max(3600).default(30),
      /**
       * Where bounces go: each reader's copy is sent with the envelope sender (MAIL FROM)
       * `local+TOKEN@domain`, TOKEN naming run and reader, signed with DIGEST_SECRET. Point this
       * address's mailbox at `digest bounces`. Unset: the envelope sender is `from`.
       */
      bounceAddress: z
        .string()
        .trim()
        .refine(isEmailAddress, { message: 'expected an address such as bounces@example.com' })
        .optional(),
      /** DKIM signing. The key stays in its own file; only its path goes here. */
      dkim: z
        .strictObject({
          /** The selector: the key is published in DNS at <selector>._domainkey.<domain>. */
          selector: z.string().trim().min(1),
          /** Path to the PEM private key. */
          privateKeyFile: z.string().trim().min(1),
          /** Signing domain; default: the domain of `from`. */
          domain: z.string().trim().min(1).optional(),
        })
        .optional(),
    })
    .prefault({}),
  /** Bounces and complaints: `digest bounces` and the bounce webhook of `digest web`. */
  bounces: z
    .strictObject({
      /** Where `digest bounces` reads when given nothing on the command line: an IMAP URL or a Maildir/folder path. */
      mailbox: z.string().trim().min(1).optional(),
      /**
       * Soft bounces (mailbox full, server trouble) an address may have before it is suppressed:
       * from this many different runs (`digest bounces`; each webhook event counts as one) …
       */
      softLimit: z.int().positive().default(3),
      /** … within this many days. */
      softWindowDays: z.number().positive().default(30),
      /** Where processed mail is moved: an IMAP mailbox, a Maildir++ folder (.Processed), or a subfolder of a plain folder. */
      processedFolder: z.string().trim().min(1).default('Processed'),
    })
    .prefault({}),
  /** `digest serve`, the live preview for template editors. */
  serve: z
    .strictObject({
      /** Port on 127.0.0.1 (0 = any free port). */
      port: z.int().min(0).max(65535).default(4580),
    })
    .prefault({}),
  /** `digest web`: unsubscribe, subscribe, preferences and the archive, for readers. */
  web: z
    .strictObject({
      /**
       * The public address of `digest web` (behind a reverse proxy, with https). Set, every email
       * carries signed unsubscribe and preferences links there, a one-click List-Unsubscribe
       * header, and a link to its page in the archive.
       */
      baseUrl: baseUrl.optional(),
      /** Address `digest web` listens on; 127.0.0.1 keeps it behind the reverse proxy. */
      host: z.string().trim().min(1).default('127.0.0.1'),
      port: z.int().min(0).max(65535).default(4590),
      /** Behind a reverse proxy: take the client's address from X-Forwarded-For (for rate limits). */
      trustProxy: z.boolean().default(false),
      /** Whether anyone may ask to join at /subscribe (double opt-in). */
      subscribe: z.boolean().default(true),
      /** How long a confirmation link works, in hours. */
      confirmHours: z.number().positive().max(24 * 30).default(48),
      /** Most confirmation emails one address gets per day, whoever asks. */
      confirmationsPerAddress: z.int().positive().default(3),
      /** Most /subscribe requests one client (IP address) may make per hour. */
      requestsPerClient: z.int().positive().default(20),
      /** Whether the archive of past digests (/archive/) is public. */
      archive: z.boolean().default(true),
    })
    .prefault({}),
  fetch: z
    .strictObject({
      timeoutSeconds: z.number().positive().default(20),
      maxMegabytes: z.number().positive().default(10),
      concurrency: z.int().positive().default(32),
      perHost: z.int().positive().default(2),
      /**
       * Whether article pages linked from feeds may be fetched from loopback, private, link-local
       * or cloud-metadata addresses. Off by default: a feed could otherwise make this machine
       * fetch pages from its own network (SSRF). Feeds you list yourself may always be local.
       */
      allowPrivateArticles: z.boolean().default(false),
      /**
       * Read the first bytes of each chosen story's image whose size neither the feed nor the page
       * states, so the email shows it no wider than it is (and drops one under 150 px).
       */
      measureImages: z.boolean().default(true),
      /** A feed failing this many runs in a row is flagged as needing attention. */
      attentionAfter: z.int().positive().default(3),
    })
    .prefault({}),
});

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type FeedEntry = z.output<typeof feedSchema>;
