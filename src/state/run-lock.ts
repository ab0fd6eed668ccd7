import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from './open-database.js';
import { displayPath, environmentProblem, StateError } from '../errors.js';

/**
 * One digest process at a time per state file. The lock is an OS-level lock: an exclusive SQLite
 * transaction (an fcntl lock) held open on `<state>.lock` for as long as the process works. The
 * kernel drops it when the process ends in any way, SIGKILL and power loss included, so a lock
 * can never be left behind by a dead process and there is nothing to clean up or take over.
 *
 * Who holds it is written beside it (`<state>.lock.json`: pid, command, since) for the message
 * the second process prints; that file is informational only and never decides anything.
 */

export interface RunLock {
  /** The lock file, or null for an in-memory state (nothing to share, nothing to lock). */
  file: string | null;
  release(): void;
}

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(infoFile: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(infoFile, 'utf8')) as LockHolder;
    return typeof holder.pid === 'number' ? holder : undefined;
  } catch {
    return undefined;
  }
}

function describeHolder(holder: LockHolder | undefined): string {
  // The file may still name an earlier holder for a moment after a new one took the lock.
  if (!holder || (holder.host === hostname() && !isAlive(holder.pid))) return 'another digest process';
  return `another digest process (pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}, \`${holder.command}\`, since ${holder.since})`;
}

/**
 * Takes the run lock for `statePath`, or throws a StateError (code STATE_LOCKED) naming the
 * process that holds it. Never waits: a second process stops at once with a clear message.
 */
export function acquireRunLock(statePath: string, command: string, now: Date = new Date()): RunLock {
  if (statePath === ':memory:') return { file: null, release() {} };
  const file = `${statePath}.lock`;
  const infoFile = `${file}.json`;
  let db: Database.Database;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    db = openDatabase(file, { timeout: 0 });
  } catch (error) {
    const problem = environmentProblem(error);
    throw new StateError(problem?.code ?? 'STATE_OPEN', `cannot create the lock file ${displayPath(file)}: ${problem?.what ?? (error as Error).message}`, {
      cause: error,
      context: { file: displayPath(file) },
      hint: problem?.hint ?? 'Check that the state folder is writable, or point `state:` in the config at another path.',
    });
  }
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new StateError(
        'STATE_LOCKED',
        `${describeHolder(readHolder(infoFile))} is already working with ${displayPath(statePath)}; this one did nothing`,
        {
          cause: error,
          context: { file: displayPath(statePath) },
          hint:
            'Runs never overlap. If that process is the scheduled run, it sends the digest: nothing to do. Otherwise wait for it to finish and run again.\n' +
            'The lock ends with the process that holds it (even if it is killed), so there is no lock file to delete.',
        },
      );
    }
    const problem = environmentProblem(error);
    throw new StateError(problem?.code ?? 'STATE_OPEN', `cannot lock ${displayPath(file)}: ${problem?.what ?? (error as Error).message}`, {
      cause: error,
      context: { file: displayPath(file) },
      hint: problem?.hint ?? 'Keep the state on a local disk (network file systems may not support locks).',
    });
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), command, since: now.toISOString() };
  const temporary = `${infoFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(holder)}\n`);
    renameSync(temporary, infoFile);
  } catch {
    // Only the message of a second process would miss it (on a full disk, say); leave nothing behind.
    rmSync(temporary, { force: true });
  }
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      if (readHolder(infoFile)?.pid === process.pid) rmSync(infoFile, { force: true });
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}
