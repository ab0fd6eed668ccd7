/**
 * Every error code the tool reports, in one place. A `DigestError` can only carry a code listed
 * here (the type checker holds throw sites to it), `--json` prints it as `error.code` (and a failed
 * feed's `code`), and README.md's "Error codes" table is generated from this list and checked
 * against it by test/architecture/error-codes.test.ts (`npm run docs:error-codes` rewrites it).
 * Codes are an interface: scripts and monitors match on them, so never rename one.
 */
export const ERROR_CODES = {
  // The config file and the command line
  CONFIG_MISSING: 'no digest.config.yaml in the folder the command looked in, and no --config or DIGEST_CONFIG: nothing runs (`digest init` writes one)',
  CONFIG_NOT_FOUND: 'the config file named by --config or DIGEST_CONFIG does not exist',
  CONFIG_EXISTS: '`digest init` found a config file already there and left it as it is (--force replaces it)',
  CONFIG_UNREADABLE: 'the config file exists but cannot be read (permissions, a folder)',
  CONFIG_SYNTAX: 'the config file is not valid YAML (the message gives line and column)',
  CONFIG_ALIASES: 'refused: the YAML aliases in the file expand to too much data (an alias bomb)',
  CONFIG_INVALID: 'a setting has a wrong value or type (the message names the line and key)',
  CONFIG_FEED_LIST: 'a feed list file the config names is missing or malformed',
  CONFIG_RECIPIENTS: 'the recipients file is missing or malformed',
  CONFIG_TEMPLATE: 'the `template` setting names no template set',
  CONFIG_PARTIALS: 'the `partials` setting names no folder',
  CONFIG_SMTP_URL: 'SMTP_URL is not an smtp:// or smtps:// URL',
  CONFIG_SMTP_MISSING: 'SMTP_URL is not set, but the project (delivery.transport: smtp, or auto decided smtp), the unfinished run or `digest worker` sends over SMTP: nothing was fetched or sent',
  TRANSPORT_CHANGED: 'SMTP_URL is set, but the project decided on the outbox (delivery.transport: auto, first run): say which in the config; nothing was fetched or sent',
  TRANSPORT_UNDECIDED: 'delivery.transport is auto, SMTP_URL is not set and the config has real readers: the tool will not guess; nothing was fetched or sent',
  TRANSPORT_UNKNOWN: 'an unfinished run recorded by an older version (no transport kept) and no SMTP_URL: it may have been meant for SMTP; nothing was fetched or sent',
  CONFIG_QUEUE_URL: 'DIGEST_QUEUE_URL is not a redis:// or rediss:// URL',
  CONFIG_QUEUE_MISSING: '`digest worker` was started with no delivery queue configured (delivery.queue or DIGEST_QUEUE_URL)',
  CONFIG_DKIM_KEY: 'the DKIM key file cannot be read or is not a PEM RSA private key',
  CONFIG_WRITE: 'the config (or feed list) could not be written back',
  CONFIG_SECRET: 'DIGEST_SECRET, DIGEST_SECRET_PREVIOUS or DIGEST_WEBHOOK_SECRET is too short, or only an old secret is set',
  CONFIG_SECRET_MISSING: 'signed reader links or a bounce address need DIGEST_SECRET, which is not set (nothing was sent)',
  CONFIG_UNSUBSCRIBE_TWICE: 'both unsubscribeUrl and web.baseUrl are set: remove one',
  CLI_BAD_ADDRESS: 'an address given on the command line is not an email address',
  CLI_BAD_RUN: 'a run number given on the command line is not a number',
  CLI_BAD_CONCURRENCY: '`digest worker --concurrency` is not a whole number from 1 to 100',
  CLI_BAD_PORT: '`digest web --port` is not a port number (0–65535)',
  CLI_CONFIRM: 'a destructive command needs confirmation (on a terminal, or --yes)',
  CLI_UNKNOWN_COMMAND: 'no such subcommand',
  // Managing feeds
  FEED_NOT_FOUND: 'no feed with that name or address in the config',
  FEED_AMBIGUOUS: 'the name matches several feeds; give the address',
  FEED_NAME_EMPTY: 'a feed cannot be renamed to nothing',
  FEED_IN_OPML: 'the feed is listed in an OPML file, which the tool does not rewrite',
  FEED_IN_TXT: 'the feed is listed in a plain address list, which has no room for a name or pause mark',
  OPML_UNREADABLE: 'the OPML file cannot be read',
  OPML_INVALID: 'the file is not OPML',
  DISCOVER_BLOCKED: '`digest feeds add` was given a web page whose feed links are not http(s) on public addresses',
  // Readers, digest web and the archive
  READERS_CSV: 'the CSV given to `digest readers import` cannot be read or parsed',
  READER_BAD_ADDRESS: 'an address given to `digest readers` is not an email address',
  READER_BAD_SECTION: 'a section named for a reader (--sections, or a CSV column) does not exist',
  RECIPIENT_SUPPRESSED: 'a test send to an address that unsubscribed, bounced, complained or is paused: nothing was sent',
  WEB_NO_BASE_URL: '`digest web` needs web.baseUrl, the public address readers reach it at',
  WEB_NO_STATE: '`digest web` needs a state file (state is ":memory:")',
  WEB_PORT_IN_USE: 'the `digest web` port is taken',
  WEB_PORT_DENIED: 'not allowed to listen on that port (below 1024)',
  WEB_BAD_HOST: '`digest web --host` is not an address of this machine',
  ARCHIVE_NO_BASE_URL: '`digest archive` needs web.baseUrl or --base-url',
  ARCHIVE_BAD_BASE_URL: 'the archive\'s base URL is not an http(s) address',
  ARCHIVE_NO_STATE: '`digest archive` needs a state file to read past digests from',
  // Bounces
  MAILBOX_NONE: '`digest bounces` was given no mailbox and bounces.mailbox is not set',
  MAILBOX_MISSING: 'a mailbox path given to `digest bounces` is not a file or folder',
  MAILBOX_READ: 'a message file in the mailbox cannot be read',
  MAILBOX_MOVE: 'a processed message could not be moved to the processed folder (it is read again next time, counted once)',
  MAILBOX_URL: 'the IMAP URL is malformed',
  MAILBOX_LOGIN_MISSING: 'the IMAP URL has no user name, or there is no password (IMAP_PASSWORD)',
  MAILBOX_IMAP: 'the IMAP server refused the login, the mailbox or a command, or could not be reached',
  // Fetching feeds and pages
  FETCH_BAD_URL: 'the feed address is not a valid URL',
  FETCH_UNSUPPORTED_URL: 'only http(s) URLs and local files can be fetched',
  FETCH_BLOCKED_ADDRESS: 'refused: a private, loopback or reserved address, or a local file named by a feed',
  FETCH_NETWORK: 'the server could not be reached (DNS, refused, reset, TLS)',
  FETCH_TIMEOUT: 'the server did not answer within fetch.timeoutSeconds',
  FETCH_GONE: 'the feed is gone for good (HTTP 410)',
  FEED_GONE: 'a feed that answered 410 Gone is not asked again for a week; remove it from the config',
  FETCH_TOO_LARGE: 'the response is larger than the size cap',
  FETCH_TOO_MANY_REDIRECTS: 'the server redirects in a loop or too long a chain',
  FETCH_BAD_REDIRECT: 'the server redirects to something that is not an http(s) URL',
  FETCH_BAD_ENCODING: 'the body is compressed in an unknown or corrupt way',
  FETCH_FILE_NOT_FOUND: 'a local feed file does not exist',
  FETCH_FILE: 'a local feed file cannot be read',
  FETCH_ABORTED: 'the run was stopped while fetching',
  FETCH_INVALID_OPTION: 'a fetch setting is out of range (a bug if it comes from the tool itself)',
  // Reading feeds and pages
  PARSE_EMPTY: 'the feed is empty',
  PARSE_MALFORMED: 'the feed is broken XML or JSON',
  PARSE_NOT_A_FEED: 'the document is not RSS, Atom or JSON Feed (e.g. binary, OPML, plain JSON)',
  PARSE_HTML_NOT_FEED: 'the address is a web page, not a feed; the message lists the feeds it links to',
  PARSE_ENTITY_BOMB: 'refused: the feed declares entities that would expand without bound',
  EXTRACT_EMPTY: '`digest extract` was given an empty page or file',
  FEED_ERROR: 'a feed failed for a reason with no code of its own (a failed feed in --json)',
  // Templates
  TEMPLATE_MISSING: 'the template set lacks a required file',
  TEMPLATE_UNREADABLE: 'a template file cannot be read',
  TEMPLATE_SYNTAX: 'a Handlebars syntax error (file and line given)',
  TEMPLATE_PARTIAL_MISSING: 'a template uses a partial that does not exist',
  TEMPLATE_PARTIALS_MISSING: 'the partials folder does not exist',
  TEMPLATE_HELPER_MISSING: 'a template uses a helper or value that does not exist',
  TEMPLATE_RUNTIME: 'a template failed while rendering',
  TEMPLATE_MJML: 'MJML rejected the rendered template (file and line given)',
  // Delivery
  DELIVERY_FAILED: 'a message could not be handed to the mail server',
  // The delivery queue (Redis)
  QUEUE_UNREACHABLE: "the delivery queue's Redis cannot be reached (down, wrong address, wrong password); nothing was enqueued",
  QUEUE_REQUIRED: 'the run was handed to a delivery queue that the config no longer names',
  QUEUE_MISMATCH: 'the run was handed to a different delivery queue from the one the config names now',
  // State
  STATE_OPEN: 'the state file or its lock cannot be created or opened',
  STATE_LOCKED: 'another digest process is working with the same state file',
  STATE_TOO_NEW: 'the state file was written by a newer version of the tool',
  STATE_SYNC: 'the state file could not be written to disk (full disk, read-only)',
  STATE_NOT_OURS: 'the state path is another program’s SQLite file (or not SQLite at all); it was left untouched',
  STATE_MISSING: 'there is no state file yet: no digest has been sent with this config',
  SUPPRESSION_REASON: 'an unknown suppression reason (a bug if it comes from the tool itself)',
  RUN_NOT_FOUND: 'no recorded run with that number',
  // The preview server
  SERVE_PORT_IN_USE: 'the preview server port is taken',
  // The machine: reported with what to do, never as a bug
  DISK_FULL: 'the disk (or the disk quota) is full: ENOSPC, EDQUOT, SQLITE_FULL',
  READ_ONLY: 'the file system is read-only',
  NO_PERMISSION: 'permission denied on a file or folder the tool writes',
  TOO_MANY_FILES: 'too many open files (raise the limit: ulimit -n, LimitNOFILE=)',
  DISK_ERROR: 'the disk reported an input/output error',
  WRITE_FAILED: 'a file in the out folder could not be written for another reason (the message gives it)',
  // Anything else
  INTERNAL: 'a bug: please report it with the stack trace (run again with DEBUG=1 for one that names the source files)',
} as const;

/** Codes that carry a number, written with a placeholder. */
export const ERROR_CODE_FAMILIES = {
  'FETCH_HTTP_<status>': 'the server answered with that HTTP error status (FETCH_HTTP_404, FETCH_HTTP_503, …)',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES | `FETCH_HTTP_${number}`;

/** The README's "Error codes" table, generated from ERROR_CODES. */
export function errorCodeTable(): string {
  const rows = Object.entries({ ...ERROR_CODES, ...ERROR_CODE_FAMILIES }).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`);
  return ['| code | what it means |', '|---|---|', ...rows].join('\n');
}
