import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath, MailboxError } from '../errors.js';

/**
 * Where `digest bounces` reads mail: .eml files named on the command line, a Maildir, a plain
 * folder of .eml files, or an IMAP mailbox. Each gives messages in batches and, after a batch is
 * recorded, moves the messages that were processed out of the way. Messages that were not
 * understood are never moved, flagged or deleted: they stay for a person to read.
 */

export interface SourceMessage {
  /** The source's handle: a file path, or an IMAP UID. */
  id: string;
  /** For the report: `new/1796281213.M1P2.mx:2,`, `INBOX UID 42`, a file path. */
  label: string;
  raw: Buffer;
}

export interface MailSource {
  /** `Maildir /var/mail/bounces`, `IMAP imaps://bounces@mail.example.com/INBOX`, `3 files`. */
  description: string;
  /** What happens to a processed message, for the report. */
  processedTo: string | undefined;
  batches(): AsyncIterable<SourceMessage[]>;
  /** Moves processed messages out of the way (marking them read); returns how many it moved. */
  settle(processed: readonly SourceMessage[]): Promise<number>;
  close(): Promise<void>;
}

const BATCH = 100;

/** A mailbox URL with its password hidden, for messages and logs. */
export function redactMailbox(spec: string): string {
  if (!/^imaps?:\/\//i.test(spec)) return spec;
  try {
    const url = new URL(spec);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return spec;
  }
}

/** Files named on the command line: read, never moved (the caller chose them). */
export function fileSource(files: readonly string[]): MailSource {
  return {
    description: files.length === 1 ? displayPath(files[0]!) : `${files.length} files`,
    processedTo: undefined,
    async *batches() {
      for (let i = 0; i < files.length; i += BATCH) {
        yield files.slice(i, i + BATCH).map((file) => ({ id: file, label: displayPath(file), raw: readMessageFile(file) }));
      }
    },
    async settle() {
      return 0;
    },
    async close() {},
  };
}

function readMessageFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new MailboxError('MAILBOX_READ', `cannot read ${displayPath(file)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error,
      context: { file: displayPath(file) },
      hint: 'Check the path and that this user may read it.',
    });
  }
}

function isMaildir(dir: string): boolean {
  return existsSync(path.join(dir, 'cur')) && existsSync(path.join(dir, 'new'));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

/** Maildir flags after `:2,`, with S (seen) added, in the ASCII order the spec asks for. */
function seenName(name: string): string {
  const [base, info] = name.split(':2,');
  const flags = new Set((info ?? '').split(''));
  flags.add('S');
  return `${base}:2,${[...flags].sort().join('')}`;
}

/**
 * A Maildir (cur/ and new/), or a plain folder of message files. Processed mail moves, marked
 * read, to the Maildir++ folder `.<processedFolder>` (a subfolder of this one when this is itself
 * a Maildir++ folder), which IMAP servers such as Dovecot show as a mailbox; in a plain folder,
 * to the subfolder `<processedFolder>/`.
 */
export function folderSource(dir: string, processedFolder: string): MailSource {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new MailboxError('MAILBOX_MISSING', `${displayPath(dir)} is not a folder`, {
      context: { file: displayPath(dir) },
      hint: 'Give a Maildir (with cur/ and new/), a folder of .eml files, an .eml file, or an IMAP URL (--imap imaps://user@host/INBOX).',
    });
  }
  const maildir = isMaildir(dir);
  const target = maildir
    ? existsSync(path.join(dir, 'maildirfolder'))
      ? path.join(path.dirname(dir), `${path.basename(dir)}.${processedFolder}`)
      : path.join(dir, `.${processedFolder}`)
    : path.join(dir, processedFolder);
  const prepare = () => {
    if (!maildir) return mkdirSync(target, { recursive: true });
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(target, sub), { recursive: true });
    const marker = path.join(target, 'maildirfolder');
    if (!existsSync(marker)) writeFileSync(marker, '');
  };
  const shown = displayPath(dir);
  return {
    description: `${maildir ? 'Maildir' : 'folder'} ${shown}`,
    processedTo: displayPath(target),
    async *batches() {
      const names = maildir ? [...listFiles(path.join(dir, 'new')).map((n) => `new/${n}`), ...listFiles(path.join(dir, 'cur')).map((n) => `cur/${n}`)] : listFiles(dir);
      for (let i = 0; i < names.length; i += BATCH) {
        const batch: SourceMessage[] = [];
        for (const name of names.slice(i, i + BATCH)) {
          const file = path.join(dir, name);
          // Another reader of the Maildir (a mail client) may have moved it meanwhile.
          if (!existsSync(file)) continue;
          batch.push({ id: file, label: path.join(shown, name), raw: readMessageFile(file) });
        }
        yield batch;
      }
    },
    async settle(processed) {
      if (processed.length === 0) return 0;
      prepare();
      let moved = 0;
      for (const message of processed) {
        const name = path.basename(message.id);
        const destination = maildir ? path.join(target, 'cur', seenName(name)) : path.join(target, name);
        try {
          renameSync(message.id, destination);
          moved++;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw new MailboxError('MAILBOX_MOVE', `cannot move ${message.label} to ${displayPath(destination)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
            cause: error,
            context: { file: message.label },
            hint: 'Check that this user may write to the folder. What was read is recorded; the next run reads the message again and counts it once.',
          });
        }
      }
      return moved;
    },
    async close() {},
  };
}

export interface ImapSourceOptions {
  processedFolder: string;
  /** The password when the URL has none (IMAP_PASSWORD). */
  password?: string | undefined;
  timeoutMs?: number;
}

interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

/** Reads `imap://user:password@host:143/Mailbox` or `imaps://…:993/…` (the password may come from IMAP_PASSWORD). */
export function imapSettings(spec: string, password?: string): ImapSettings {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new MailboxError('MAILBOX_URL', `${redactMailbox(spec)} is not a valid IMAP URL`, {
      hint: 'Write it as imaps://user@mail.example.com/INBOX (993, TLS) or imap://user@mail.example.com:143/INBOX (STARTTLS when offered); URL-encode @ in the user name as %40.',
    });
  }
  const secure = url.protocol === 'imaps:';
  if (!secure && url.protocol !== 'imap:') {
    throw new MailboxError('MAILBOX_URL', `${redactMailbox(spec)}: expected imap:// or imaps://`, { hint: 'Write it as imaps://user@mail.example.com/INBOX.' });
  }
  const user = decodeURIComponent(url.username);
  const pass = url.password ? decodeURIComponent(url.password) : (password ?? '');
  if (!user || !pass) {
    throw new MailboxError('MAILBOX_LOGIN_MISSING', `${redactMailbox(spec)}: ${user ? 'no password' : 'no user name'} for the IMAP login`, {
      hint: 'Put the user in the URL (imaps://bounces%40example.com@mail.example.com/INBOX) and the password in the IMAP_PASSWORD environment variable (or in the URL, URL-encoded).',
    });
  }
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user,
    pass,
    mailbox: decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX',
  };
}

function imapProblem(settings: ImapSettings, doing: string, error: unknown): MailboxError {
  const e = error as { code?: string; authenticationFailed?: boolean; responseText?: string; message?: string };
  const where = `${settings.secure ? 'imaps' : 'imap'}://${settings.host}:${settings.port}/${settings.mailbox}`;
  const detail = e.responseText || e.message || String(error);
  let hint = 'Check the host, port and mailbox in the URL and that the server is up. Nothing was moved or changed.';
  if (e.authenticationFailed) hint = 'The server refused the user name or password: check the user in the URL and IMAP_PASSWORD.';
  else if (e.code === 'ECONNREFUSED') hint = 'Nothing accepts connections there: check the host and port (993 for imaps://, 143 for imap://).';
  else if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') hint = "The server's host name was not found: check the host in the URL.";
  else if (/certificate|self.signed|TLS|SSL/i.test(detail)) hint = 'TLS failed: use imaps:// for port 993, imap:// for 143; a private CA can be added with NODE_EXTRA_CA_CERTS.';
  return new MailboxError('MAILBOX_IMAP', `IMAP ${where}: ${doing}: ${detail}`, { cause: error, context: { mailbox: where }, hint });
}

/**
 * An IMAP mailbox, through imapflow. Messages are fetched by UID in batches; processed ones are
 * marked \Seen and moved (MOVE, or COPY and expunge where the server lacks MOVE) to the
 * `processedFolder` mailbox, created when missing. Nothing else is touched.
 */
export async function imapSource(spec: string, options: ImapSourceOptions): Promise<MailSource> {
  const settings = imapSettings(spec, options.password);
  const { ImapFlow } = await import('imapflow');
  const timeout = options.timeoutMs ?? 30_000;
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: { user: settings.user, pass: settings.pass },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: 5 * timeout,
  });
  // A dropped connection is reported by the command that fails; without a listener it would crash.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw imapProblem(settings, 'cannot log in', error);
  }
  let lock: { release: () => void } | undefined;
  try {
    lock = await client.getMailboxLock(settings.mailbox);
  } catch (error) {
    await client.logout().catch(() => {});
    throw imapProblem(settings, `cannot open the mailbox "${settings.mailbox}"`, error);
  }
  let folderReady = false;
  const ensureFolder = async () => {
    if (folderReady) return;
    const list = await client.list();
    if (!list.some((box) => box.path === options.processedFolder)) await client.mailboxCreate(options.processedFolder);
    folderReady = true;
  };
  const shown = `${settings.secure ? 'imaps' : 'imap'}://${encodeURIComponent(settings.user)}@${settings.host}${settings.port === (settings.secure ? 993 : 143) ? '' : `:${settings.port}`}/${settings.mailbox}`;
  return {
    description: `IMAP ${shown}`,
    processedTo: `mailbox "${options.processedFolder}"`,
    async *batches() {
      let uids: number[];
      try {
        const exists = typeof client.mailbox === 'object' && client.mailbox ? client.mailbox.exists : 0;
        uids = exists > 0 ? ((await client.search({ all: true }, { uid: true })) || []) : [];
      } catch (error) {
        throw imapProblem(settings, 'cannot list the messages', error);
      }
      uids.sort((a, b) => a - b);
      for (let i = 0; i < uids.length; i += BATCH) {
        const chunk = uids.slice(i, i + BATCH);
        let fetched: { uid: number; source?: Buffer }[];
        try {
          fetched = await client.fetchAll(chunk.join(','), { uid: true, source: true }, { uid: true });
        } catch (error) {
          throw imapProblem(settings, 'cannot fetch messages', error);
        }
        yield fetched
          .filter((message) => message.source)
          .map((message) => ({ id: String(message.uid), label: `${settings.mailbox} UID ${message.uid}`, raw: message.source! }));
      }
    },
    async settle(processed) {
      if (processed.length === 0) return 0;
      const range = processed.map((m) => m.id).join(',');
      try {
        await ensureFolder();
        await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
        const result = await client.messageMove(range, options.processedFolder, { uid: true });
        return result ? (result.uidMap?.size ?? processed.length) : 0;
      } catch (error) {
        throw imapProblem(settings, `cannot move processed messages to "${options.processedFolder}"`, error);
      }
    },
    async close() {
      lock?.release();
      await client.logout().catch(() => client.close());
    },
  };
}

/**
 * The source for one argument of `digest bounces`: an IMAP URL, a folder (Maildir or plain), or
 * one message file.
 */
export async function openMailSource(spec: string, options: ImapSourceOptions): Promise<MailSource> {
  if (/^imaps?:\/\//i.test(spec)) return imapSource(spec, options);
  if (!existsSync(spec)) {
    throw new MailboxError('MAILBOX_MISSING', `${displayPath(spec)}: no such file or folder`, {
      context: { file: displayPath(spec) },
      hint: 'Give a Maildir (with cur/ and new/), a folder of .eml files, an .eml file, or an IMAP URL (--imap imaps://user@host/INBOX).',
    });
  }
  return statSync(spec).isDirectory() ? folderSource(path.resolve(spec), options.processedFolder) : fileSource([path.resolve(spec)]);
}
