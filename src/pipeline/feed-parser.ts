/**
 * Where a run decodes and parses its feed bodies. Decoding and XML parsing are most of a large
 * first run's work (22 MB of feeds: about a second of CPU), and they need nothing from the rest of
 * the run, so with many feeds and a spare core they go to parser threads (feed-parse-worker.ts)
 * while this thread goes on fetching, choosing and rendering. A few feeds, or one core, are parsed
 * here: starting a thread and loading the parser into it costs more than it saves.
 *
 * A body sent to a thread is copied, not moved, so that when a thread fails (it ran out of memory
 * on a pathological feed, say) its pending and later bodies are parsed here instead: the run
 * loses no feed to it. Errors come back as data and are rebuilt with the same code, message, hint
 * and context (a ParseError as a ParseError), so a feed that fails says the same whichever thread
 * read it.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DigestError, ParseError, type ErrorCode, type ErrorContext } from '../errors.js';
import type { ParsedFeed } from '../types.js';
import type { FeedBody } from './decode-and-parse.js';

export type { FeedBody } from './decode-and-parse.js';

export interface FeedParser {
  parse(body: FeedBody): Promise<ParsedFeed>;
  /** Stops the parser threads (pending parses finish here); safe to call twice. */
  close(): Promise<void>;
  /** How many parser threads it uses (0: parsed in this thread). */
  readonly threads: number;
}

/** Below this many feeds a run parses in its own thread. */
export const THREADED_FROM_FEEDS = 16;

/** The compiled thread entry beside this module (dist/pipeline/ or dist/bundle/); absent when running from the sources. */
const WORKER_ENTRY = new URL('./feed-parse-worker.js', import.meta.url);

/** Decodes and parses in this thread; the parse stage loads on the first body. */
export function parseInThisThread(): FeedParser {
  return {
    threads: 0,
    parse: async (body) => (await import('./decode-and-parse.js')).decodeAndParse(body),
    close: async () => undefined,
  };
}

/**
 * The parser for a run of `feeds` feeds: parser threads (one per spare core, at most `maxThreads`)
 * when there are enough feeds and cores, else this thread. The threads start with the first body,
 * or at once with `startNow` (when most feeds are expected to send one).
 */
export function openFeedParser(feeds: number, options: { maxThreads?: number; entry?: URL; startNow?: boolean } = {}): FeedParser {
  const entry = options.entry ?? WORKER_ENTRY;
  const threads = Math.min(availableParallelism() - 1, options.maxThreads ?? 2, Math.ceil(feeds / THREADED_FROM_FEEDS));
  if (feeds < THREADED_FROM_FEEDS || threads < 1 || entry.protocol !== 'file:' || !existsSync(fileURLToPath(entry))) return parseInThisThread();
  const parser = new ThreadedFeedParser(entry, threads);
  // A thread takes a while to start and load the parser: when bodies are expected, that happens
  // during the first requests instead of after the first body.
  if (options.startNow) parser.startAll();
  return parser;
}

/** Parses in `threads` threads running `entry` (started on first use), falling back to this one. */
export function parserThreads(entry: URL, threads: number): FeedParser {
  return new ThreadedFeedParser(entry, threads);
}

interface Pending {
  body: FeedBody;
  resolve(feed: ParsedFeed): void;
  reject(error: unknown): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

class ThreadedFeedParser implements FeedParser {
  private readonly live: Thread[] = [];
  private readonly here = parseInThisThread();
  private nextId = 0;
  private closed = false;
  /** Threads started so far: one that fails is not started again (its bodies are parsed here). */
  private started = 0;

  constructor(
    private readonly entry: URL,
    readonly threads: number,
  ) {}

  parse(body: FeedBody): Promise<ParsedFeed> {
    if (this.closed) return this.here.parse(body);
    if (this.started < this.threads) this.start();
    // The least busy thread; none left (they all failed): this one.
    const thread = this.live.reduce<Thread | undefined>((best, t) => (!best || t.pending.size < best.pending.size ? t : best), undefined);
    if (!thread) return this.here.parse(body);
    const id = this.nextId++;
    return new Promise<ParsedFeed>((resolve, reject) => {
      thread.pending.set(id, { body, resolve, reject });
      if (thread.pending.size === 1) thread.worker.ref();
      thread.worker.postMessage({ id, body });
    });
  }

  startAll(): void {
    while (this.started < this.threads) this.start();
  }

  private start(): void {
    // A larger young generation than Node's default: parsing allocates many short-lived strings,
    // and fewer, larger scavenges cost less.
    const worker = new Worker(fileURLToPath(this.entry), { resourceLimits: { maxYoungGenerationSizeMb: 48 } });
    const thread: Thread = { worker, pending: new Map() };
    this.started++;
    this.live.push(thread);
    worker.unref();
    worker.on('message', (message: { id: number; feed?: ParsedFeed; error?: ErrorData }) => {
      const job = thread.pending.get(message.id);
      if (!job) return;
      thread.pending.delete(message.id);
      if (thread.pending.size === 0) worker.unref();
      if (message.error) job.reject(errorFromData(message.error));
      else job.resolve(message.feed!);
    });
    const fail = () => {
      // The thread is gone (an error it could not report, or it ran out of memory): what it had
      // not answered is parsed here, and so is whatever would have gone to it.
      const index = this.live.indexOf(thread);
      if (index < 0) return;
      this.live.splice(index, 1);
      this.parseUnansweredHere(thread);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = this.live.splice(0);
    // Bodies still out are parsed here, then the threads are stopped.
    for (const thread of threads) this.parseUnansweredHere(thread);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private parseUnansweredHere(thread: Thread): void {
    const jobs = [...thread.pending.values()];
    thread.pending.clear();
    for (const job of jobs) this.here.parse(job.body).then(job.resolve, job.reject);
  }
}

/** An error as a message can carry it. */
export interface ErrorData {
  name: string;
  message: string;
  code?: ErrorCode;
  hint?: string;
  context?: ErrorContext;
}

export function errorAsData(error: unknown): ErrorData {
  if (error instanceof DigestError) {
    return { name: error.name, message: error.message, code: error.code, ...(error.hint ? { hint: error.hint } : {}), context: cloneable(error.context) };
  }
  return { name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) };
}

/** The context as plain data (it only ever holds strings, numbers and lists of feeds). */
function cloneable(context: ErrorContext): ErrorContext {
  try {
    return structuredClone(context);
  } catch {
    return JSON.parse(JSON.stringify(context)) as ErrorContext;
  }
}

export function errorFromData(data: ErrorData): Error {
  if (data.code === undefined) {
    const error = new Error(data.message);
    error.name = data.name;
    return error;
  }
  const options = { ...(data.hint ? { hint: data.hint } : {}), ...(data.context ? { context: data.context } : {}) };
  return data.name === 'ParseError' ? new ParseError(data.code, data.message, options) : new DigestError(data.code, data.message, options);
}
