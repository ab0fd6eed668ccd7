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
  /** A line for the human reading (stdout). */
  line(text: string): void;
  /** A warning (stderr). */
  warn(text: string): void;
  progress(event: ProgressEvent): void;
  done(): void;
}

// cli-progress is loaded the first time a bar is drawn on a terminal, not by every command.
const require = createRequire(import.meta.url);
let cliProgress: typeof cliProgressModule | undefined;
const progressBars = (): typeof cliProgressModule => (cliProgress ??= require('cli-progress') as typeof cliProgressModule);

/**
 * Progress bars on a terminal; under cron (no TTY) plain lines a log can keep; nothing at all in
 * --json mode except the final JSON on stdout.
 */
export function createOutput(options: { json: boolean; quiet?: boolean; stream?: NodeJS.WriteStream }): Output {
  const stream = options.stream ?? process.stderr;
  const interactive = Boolean(stream.isTTY) && !process.env.CI && !options.json;
  let bar: cliProgressModule.SingleBar | undefined;
  let barStage: string | undefined;
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
    barStage = undefined;
  };
  return {
    line(text) {
      if (options.json || options.quiet) return;
      stopBar();
      process.stdout.write(`${text}\n`);
    },
    warn(text) {
      if (options.json) return;
      stopBar();
      process.stderr.write(`warning: ${text}\n`);
    },
    progress(event) {
      if (options.json || options.quiet) return;
      const label = event.stage === 'fetch' ? 'feeds fetched' : 'messages sent';
      if (!interactive) {
        // Plain lines: every message for small runs, then every tenth, so a log stays readable.
        const step = event.total > 50 ? Math.ceil(event.total / 10) : 1;
        if (event.done % step === 0 || event.done === event.total) stream.write(`${label} ${event.done}/${event.total}\n`);
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
      bar?.update(event.done, { item: event.stage === 'fetch' ? event.feed : event.recipient });
      if (event.done === event.total) stopBar();
    },
    done: stopBar,
  };
}

/**
 * Prints an error for a person: what happened, where, what to do, and the causes behind it. The
 * stack trace is shown only for errors that are bugs (not DigestErrors), or with DEBUG set.
 */
export function printError(thrown: unknown, stream: NodeJS.WritableStream = process.stderr): void {
  const error = asEnvironmentError(thrown);
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
