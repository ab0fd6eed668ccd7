import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DeliverySettings } from '../deliver/deliver-run.js';
import type { StoredRendering } from '../state/state-store.js';

/**
 * What the coordinator and the workers share through Redis: one job per reader, named after the
 * run and the reader, and the run's rendering, stored once beside the queue.
 */

/** The BullMQ job name of a send. */
export const SEND_JOB = 'send';

/** Redis keys BullMQ's own keys start with. */
export const KEY_PREFIX = 'bull';

/**
 * One reader of one run. Short keys: a million of these sit in Redis at once.
 * e: address, n: name, f: other fields (CSV columns), m: the Message-ID recorded in the ledger,
 * v: the reader's variant of the run (the sections they chose), absent for the full digest.
 */
export interface SendJobData {
  e: string;
  n?: string;
  f?: Record<string, string>;
  m: string;
  v?: string;
}

/** What a worker reports for a job it finished: the server took it, or refused it for good (5xx). */
export interface SendJobResult {
  status: 'sent' | 'failed-permanent';
  email: string;
  /** The server's reply (sent) or refusal (failed-permanent). */
  detail: string;
  /** The worker that sent it (host:pid). */
  worker: string;
}

/** A short, stable tag for a run: the prefix of each of its job ids and the name of its stored rendering. */
export function runTag(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/**
 * The job id of one reader in one run: the same every time, so adding it again (a rerun, a
 * restarted or second coordinator) finds the job already there and adds nothing.
 */
export function sendJobId(tag: string, email: string): string {
  return `${tag}-${createHash('sha256').update(`${tag}\n${email.toLowerCase()}`).digest('hex').slice(0, 20)}`;
}

/** The run tag a job id starts with. */
export function tagOfJob(jobId: string): string {
  return jobId.slice(0, jobId.indexOf('-'));
}

/** The run's rendering and delivery settings, as a worker needs them to compose every message. */
export interface StoredRun {
  /** The run's key (Message-IDs are named after it) and its number in the coordinator's ledger. */
  key: string;
  runId: number;
  rendering: Pick<StoredRendering, 'subject' | 'html' | 'text' | 'marker'>;
  /** The renderings of readers who chose some sections, by variant (as the ledger names them). */
  variants?: Record<string, Pick<StoredRendering, 'subject' | 'html' | 'text' | 'marker'>>;
  settings: DeliverySettings;
}

function renderingKey(queueName: string, tag: string): string {
  return `${KEY_PREFIX}:${queueName}:digest-run:${tag}`;
}

/** Kept for a month at most: a run abandoned half-way does not keep its rendering in Redis for ever. */
const RENDERING_TTL_SECONDS = 30 * 24 * 3600;

export async function storeRun(client: Redis, queueName: string, tag: string, run: StoredRun): Promise<void> {
  await client.set(renderingKey(queueName, tag), JSON.stringify(run), 'EX', RENDERING_TTL_SECONDS);
}

export async function loadRun(client: Redis, queueName: string, tag: string): Promise<StoredRun | undefined> {
  const text = await client.get(renderingKey(queueName, tag));
  return text ? (JSON.parse(text) as StoredRun) : undefined;
}

export async function forgetRun(client: Redis, queueName: string, tag: string): Promise<void> {
  await client.del(renderingKey(queueName, tag));
}
