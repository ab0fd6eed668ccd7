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
