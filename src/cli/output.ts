import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';
import { DigestError, EnvironmentError, environmentProblem, formatLocation, isDigestError } from '../errors.js';
import type { ProgressEvent } from '../pipeline/build-digest.js';

/** Documented in README.md ("Exit codes"); cron wrappers and monitors depend on these numbers. */
export const EXIT = {
  /** Done. */
  OK: 0,
  /** Could not run: bad config, template or input, state locked, or an internal error. */
  FAILED: 1,
  /** Done, but some feeds or recipients failed (the summary names them). */
  PARTIAL: 2,
} as const;

export interface Output {
  /** A line for the human reading (stdout); not with --quiet. */
  line(text: string): void;
  /** A line about something that failed or was held back (stdout), printed with --quiet too. */
  problem(text: string): void;
  /** A line of extra detail (stdout), only with --verbose. */
  detail(text: string): void;
  /** Whether `detail` prints anything: work that only feeds it can be skipped otherwise. */
  readonly detailed: boolean;
  /** A warning (stderr), printed with --quiet too. */
  warn(text: string): void;
  progress(event: ProgressEvent): void;
  done(): void;
}

export interface OutputOptions {
  json: boolean;
  /** Only problems (warnings, errors, what failed): under cron, no output means all went well. */
  quiet?: boolean | undefined;
  /** Every progress step and a line per feed. */
  verbose?: boolean | undefined;
  stream?: NodeJS.WriteStream;
}

/**
 * Control characters (C0 but tab and line feed, DEL, C1) and bidi embeddings, overrides and
 * isolates: a terminal would act on them (clear the screen, set the title, plant a hyperlink,
 * reorder text). Feed text is cleaned of them when parsed; this covers everything else printed
 * (text an older version stored, names in the config, messages quoting input).
 */
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The text with every terminal control shown as an escape (`\x1b`, `\u202e`), as the characters it is. */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Writes text for a person to stdout, terminal controls escaped. */
export function print(text: string): void {
  process.stdout.write(terminalSafe(text));
}

/** Writes text for a person to stderr (a warning, a note beside data on stdout), terminal controls escaped. */
export function printErr(text: string): void {
  process.stderr.write(terminalSafe(text));
}

/**
 * Writes data (CSV, OPML) to stdout exactly as it is for a pipe or a file; on a terminal, with
 * its controls escaped like everything else printed there.
 */
export function printData(text: string): void {
  process.stdout.write(process.stdout.isTTY ? terminalSafe(text) : text);
}

/**
 * JSON for --json, with C1 controls and bidi controls escaped too (JSON.stringify escapes only
 * C0): the same data, safe to print to a terminal.
 */
export function jsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent || undefined).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// cli-progress is loaded the first time a bar is drawn on a terminal, not by every command.
const require = createRequire(import.meta.url);
let cliProgress: typeof cliProgressModule | undefined;
const progressBars = (): typeof cliProgressModule => (cliProgress ??= require('cli-progress') as typeof cliProgressModule);

/**
 * Progress bars on a terminal; under cron (no TTY) plain lines a log can keep; nothing at all in
 * --json mode except the final JSON on stdout.
 */
export function createOutput(options: OutputOptions): Output {
  const stream = options.stream ?? process.stderr;
  const interactive = Boolean(stream.isTTY) && !process.env.CI && !options.json;
  let bar: cliProgressModule.SingleBar | undefined;
  let barStage: string | undefined;
  /** The last plain progress line's stage and count. */
  let lastLine: { stage: string; done: number; total: number } | undefined;
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
    barStage = undefined;
  };
  const write = (text: string) => {
    stopBar();
    print(`${text}\n`);
  };
  return {
    line(text) {
      if (!options.json && !options.quiet) write(text);
    },
    problem(text) {
      if (!options.json) write(text);
    },
    detailed: !options.json && Boolean(options.verbose),
    detail(text) {
      if (!options.json && options.verbose) write(text);
    },
    warn(text) {
      if (options.json) return;
      stopBar();
      process.stderr.write(terminalSafe(`warning: ${text}\n`));
    },
    progress(event) {
      if (options.json || options.quiet) return;
      const label = event.stage === 'fetch' ? 'feeds fetched' : 'messages sent';
      if (!interactive) {
        // Plain lines: every message for small runs, then every tenth, so a log stays readable
        // (every one with --verbose). Counts may jump (a delivery queue's workers report in
        // batches): a line whenever a tenth is passed, not only when one is hit exactly.
        const step = event.total > 50 && !options.verbose ? Math.ceil(event.total / 10) : 1;
        const same = lastLine?.stage === event.stage && lastLine.total === event.total && lastLine.done <= event.done;
        const previous = same ? lastLine!.done : 0;
        const passed = Math.floor(event.done / step) > Math.floor(previous / step);
        if ((passed || event.done === event.total) && event.done !== previous) {
          stream.write(`${label} ${event.done}/${event.total}\n`);
          lastLine = { stage: event.stage, done: event.done, total: event.total };
        }
        return;
      }
      if (barStage !== event.stage) {
        stopBar();
        const bars = progressBars();
        bar = new bars.SingleBar(
          { format: `${label.padEnd(14)} {bar} {value}/{total} {item}`, hideCursor: true, clearOnComplete: false, stream },
          bars.Presets.shades_classic,
        );
        bar.start(event.total, 0, { item: '' });
        barStage = event.stage;
      }
      bar?.update(event.done, { item: terminalSafe(event.stage === 'fetch' ? event.feed : event.recipient) });
      if (event.done === event.total) stopBar();
    },
    done: stopBar,
  };
}

/**
 * Prints an error for a person: what happened, where, what to do, and the causes behind it. The
 * stack trace is shown only for errors that are bugs (not DigestErrors), or with DEBUG set.
 */
export function printError(thrown: unknown, to: NodeJS.WritableStream = process.stderr): void {
  const error = asEnvironmentError(thrown);
  const stream = { write: (text: string) => to.write(terminalSafe(text)) };
  if (isDigestError(error)) {
    stream.write(`error: ${error.message}\n`);
    if (error.hint) stream.write(`  → ${error.hint.replace(/\n/g, '\n    ')}\n`);
    let cause = error.cause;
    const seen = new Set<unknown>([error]);
    while (cause && !seen.has(cause)) {
      seen.add(cause);
      const message = cause instanceof Error ? cause.message : String(cause);
      if (!error.message.includes(message)) stream.write(`  caused by: ${message.split('\n')[0]}\n`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    if (process.env.DEBUG && error.stack) stream.write(`${error.stack}\n`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  stream.write(`error: ${message}\n`);
  stream.write('  This looks like a bug in the digest tool. Please report it with the details below.\n');
  if (!process.env.DEBUG) stream.write('  (Run the same command again with DEBUG=1 for a stack trace that names the source files.)\n');
  if (error instanceof Error && error.stack) stream.write(`${error.stack}\n`);
}

/**
 * An error the machine caused (a full disk, no permission) that reached the top without a
 * DigestError around it is still the environment's fault, not a bug: it is said that way.
 */
function asEnvironmentError(error: unknown): unknown {
  if (isDigestError(error)) return error;
  const problem = environmentProblem(error);
  if (!problem) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new EnvironmentError(problem.code, `${problem.what} (${detail})`, { cause: error, hint: problem.hint });
}

/** The JSON form of an error for --json output. */
export function errorJson(thrown: unknown): Record<string, unknown> {
  const error = asEnvironmentError(thrown);
  if (error instanceof DigestError) {
    const location = formatLocation(error.context);
    return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), ...(location ? { location } : {}), context: error.context };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
