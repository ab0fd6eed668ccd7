import path from 'node:path';
import type { ErrorCode } from './error-codes.js';

export type { ErrorCode } from './error-codes.js';

/**
 * Errors carry a stable code, the place they concern (file, line, feed, recipient) and a hint
 * saying what to do next. The CLI prints `message`, `hint` and the cause chain, and hides the
 * stack for these: they are the user's problem to fix, not a bug.
 */

export interface ErrorContext {
  /** A file the error concerns (config, template, feed list, input). */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file`. */
  column?: number;
  /** The feed URL or name. */
  feed?: string;
  /** The recipient address. */
  recipient?: string;
  [key: string]: unknown;
}

export interface DigestErrorOptions {
  cause?: unknown;
  hint?: string;
  context?: ErrorContext;
}

export class DigestError extends Error {
  /** One of the codes in error-codes.ts (README "Error codes"). */
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, options: DigestErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.context = options.context ?? {};
  }
}

/** The config file is missing, unreadable or invalid. */
export class ConfigError extends DigestError {}
/** A feed or page could not be fetched (network, HTTP status, size, timeout). */
export class FetchError extends DigestError {}
/** A feed or page was fetched but could not be read as a feed/article. */
export class ParseError extends DigestError {}
/** A template could not be loaded, compiled or validated. */
export class TemplateError extends DigestError {}
/** A message could not be handed to the transport. */
export class DeliveryError extends DigestError {}
/** The state database could not be opened or written. */
export class StateError extends DigestError {}
/** The machine is in the way, not the input: a full disk, a read-only folder, no permission. */
export class EnvironmentError extends DigestError {}

/** The codes environmentProblem gives. */
export type EnvironmentCode = 'DISK_FULL' | 'READ_ONLY' | 'NO_PERMISSION' | 'TOO_MANY_FILES' | 'DISK_ERROR';

/**
 * What an operating-system or SQLite error means for whoever runs the job, when it is one the
 * machine causes (a full disk, no permission) rather than a bug: a phrase for the message and
 * what to do. Undefined for anything else.
 */
export function environmentProblem(error: unknown): { code: EnvironmentCode; what: string; hint: string } | undefined {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const rerun = 'then run again: nothing is lost, an unfinished run is finished by the next one.';
  if (code === 'ENOSPC' || code === 'SQLITE_FULL' || code === 'EDQUOT') {
    return { code: 'DISK_FULL', what: code === 'EDQUOT' ? 'the disk quota is used up' : 'the disk is full', hint: `Free some space on that disk (df -h shows how full it is), ${rerun}` };
  }
  if (code === 'EROFS' || code.startsWith('SQLITE_READONLY')) {
    return { code: 'READ_ONLY', what: 'the file system is read-only', hint: `Point out: and state: in the config at a writable folder, or make the disk writable, ${rerun}` };
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return { code: 'NO_PERMISSION', what: 'permission denied', hint: `Run the job as a user who may write there, or point out: and state: in the config at a folder it owns, ${rerun}` };
  }
  if (code === 'EMFILE' || code === 'ENFILE') {
    return { code: 'TOO_MANY_FILES', what: 'too many open files', hint: 'Raise the limit on open files for this job (ulimit -n, or LimitNOFILE= in a systemd unit), then run again.' };
  }
  if (code === 'EIO' || code.startsWith('SQLITE_IOERR')) {
    return { code: 'DISK_ERROR', what: 'the disk reported an input/output error', hint: `Check the disk (dmesg, df -h): a full or failing disk gives this, ${rerun}` };
  }
  return undefined;
}
/** A bounce mailbox (IMAP, Maildir, .eml files) could not be read or changed. */
export class MailboxError extends DigestError {}

export function isDigestError(error: unknown): error is DigestError {
  return error instanceof DigestError;
}

/** A one-line description of any thrown value, for warnings and logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Formats "file:line:column" from a context, or undefined when there is no file. */
export function formatLocation(context: ErrorContext): string | undefined {
  if (!context.file) return undefined;
  let place = context.file;
  if (context.line !== undefined) {
    place += `:${context.line}`;
    if (context.column !== undefined) place += `:${context.column}`;
  }
  return place;
}

/** A path relative to `cwd` when it lies inside it (shorter, and what the user typed), else absolute. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
