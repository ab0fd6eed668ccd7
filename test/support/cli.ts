import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './temp-dir.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** The child is killed after this long (a hang guard, generous for a busy machine); default 150 s. */
  timeoutMs?: number;
}

export interface RunningCli {
  /** The process, to signal or kill. */
  child: ChildProcess;
  /** Resolves when the process has exited, with everything it wrote. */
  result: Promise<CliResult>;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout (waiting for it to appear). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the `digest` command (bin/digest.js, compiled by the global setup) in `cwd`, as a user
 * would: for long-running commands (`digest serve`, `digest schedule`) and for killing one mid-run.
 */
export function startCli(args: string[], options: CliOptions): RunningCli {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/digest.js'), ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', SMTP_URL: '', DIGEST_CONFIG: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return {
    child,
    result,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern} in stdout:\n${stdout}\nstderr:\n${stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
        void result.then(() => {
          if (waiters.has(check)) {
            cleanup();
            reject(new Error(`the command exited before ${pattern} appeared:\n${stdout}\n${stderr}`));
          }
        });
      });
    },
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return result.then((r) => r.code);
    },
  };
}

/** Runs the `digest` command to completion. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).result;
}
