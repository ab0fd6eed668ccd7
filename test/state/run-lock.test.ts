import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { StateError } from '../../src/errors.js';
import { acquireRunLock } from '../../src/state/run-lock.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
let children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children = [];
});

/** Another process that takes the lock (through the compiled module) and keeps it until killed. */
async function holdLockInChild(statePath: string): Promise<ChildProcess> {
  const module = pathToFileURL(path.join(REPO_ROOT, 'dist/state/run-lock.js')).href;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', `const { acquireRunLock } = await import(${JSON.stringify(module)}); acquireRunLock(${JSON.stringify(statePath)}, 'digest run'); console.log('locked'); setInterval(() => {}, 1000);`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}

function lockError(fn: () => unknown): StateError {
  try {
    fn();
  } catch (error) {
    return error as StateError;
  }
  throw new Error('expected the lock to be taken');
}

describe('the run lock', () => {
  it('lets one holder in and tells the second who holds it; released, it can be taken again', () => {
    const state = path.join(tmp.dir(), '.digest/state.sqlite');
    const first = acquireRunLock(state, 'digest run', new Date('2026-11-27T07:00:00Z'));
    const error = lockError(() => acquireRunLock(state, 'digest run'));
    expect(error).toBeInstanceOf(StateError);
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.message).toMatch(new RegExp(`another digest process \\(pid ${process.pid}, \`digest run\`, since 2026-11-27T07:00:00.000Z\\) is already working with .*state.sqlite; this one did nothing`));
    first.release();
    expect(existsSync(`${state}.lock.json`)).toBe(false);
    acquireRunLock(state, 'digest run').release();
  });

  it('is held across processes, and a holder killed with SIGKILL leaves no stale lock behind', async () => {
    const state = path.join(tmp.dir(), 'state.sqlite');
    const child = await holdLockInChild(state);
    const error = lockError(() => acquireRunLock(state, 'digest run'));
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.message).toContain(`pid ${child.pid}`);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // The holder's note is still on disk, but the OS released its lock with the process.
    expect(existsSync(`${state}.lock.json`)).toBe(true);
    const lock = acquireRunLock(state, 'digest run');
    expect(lock.file).toBe(`${state}.lock`);
    lock.release();
  });

  it('names no pid when the holder note is one a dead process left', async () => {
    const state = path.join(tmp.dir(), 'state.sqlite');
    const child = await holdLockInChild(state);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const note = readFileSync(`${state}.lock.json`, 'utf8');
    const lock = acquireRunLock(state, 'digest schedule');
    // As if checked in the instant between a new holder taking the lock and writing its note.
    writeFileSync(`${state}.lock.json`, note);
    const error = lockError(() => acquireRunLock(state, 'digest run'));
    expect(error.message).toMatch(/^another digest process is already working with/);
    lock.release();
  });

  it('needs no lock for an in-memory state', () => {
    const a = acquireRunLock(':memory:', 'digest run');
    const b = acquireRunLock(':memory:', 'digest run');
    expect(a.file).toBeNull();
    a.release();
    b.release();
  });
});
