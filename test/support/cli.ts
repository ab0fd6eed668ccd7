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

/** Runs the `digest` command to completion in a child process, as a user or cron would. */
export function runCliProcess(args: string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).result;
}

let inProcessQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs the `digest` command to completion inside the test process: the same `main()` the binary
 * calls, with the working directory, environment and stdout/stderr of a child process stood in for
 * (and restored after). Calls are serialised, since the working directory and the streams are the
 * process's own. For behaviour that needs a real process (signals, kill mid-run, the built
 * bin/digest.js, an exit while another command holds a lock), use `runCliProcess` or `startCli`.
 */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  const run = inProcessQueue.then(() => runInProcess(args, options));
  inProcessQueue = run.catch(() => undefined);
  return run;
}

async function runInProcess(args: string[], options: CliOptions): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.js');
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1', SMTP_URL: '', DIGEST_CONFIG: '', ...options.env };
  const savedEnv = new Map(Object.keys(env).map((key) => [key, process.env[key]] as const));
  const savedCwd = process.cwd();
  const savedExitCode = process.exitCode;
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  let stdout = '';
  let stderr = '';
  const capture = (append: (text: string) => void) =>
    ((chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof process.stdout.write;
  try {
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    process.chdir(options.cwd);
    process.stdout.write = capture((text) => (stdout += text));
    process.stderr.write = capture((text) => (stderr += text));
    const code = await main(['node', 'digest', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    process.chdir(savedCwd);
    process.exitCode = savedExitCode;
    for (const [key, value] of savedEnv) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
