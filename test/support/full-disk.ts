import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './temp-dir.js';

export interface FullDiskResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Whether this machine can give a test a small file system of its own: `unshare` (util-linux)
 * with a user and mount namespace (or root), so a tmpfs can be mounted without touching the
 * host. CI runs as root on Debian, where it can.
 */
export function fullDiskSupport(): string | undefined {
  const probe = spawnSync('unshare', ['-rm', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d" && rmdir "$d"'], { encoding: 'utf8' });
  if (probe.error) return `unshare is not available (${probe.error.message}): install util-linux (apt-get install -y util-linux)`;
  if (probe.status !== 0) return `cannot mount a tmpfs in a user namespace here (${probe.stderr.trim()}): run the tests as root, or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)`;
  return undefined;
}

/**
 * Runs a shell script in a private mount namespace where each folder of `full` is a small tmpfs
 * filled to the last byte (a full disk), where `digest` runs the `digest` command. The mounts vanish with the namespace: what the script needs to know about the full
 * folders it must print itself.
 */
export function runOnFullDisk(full: string[], script: string, options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<FullDiskResult> {
  const mounts = full
    .map((dir) => `mkdir -p '${dir}' && mount -t tmpfs -o size=256k tmpfs '${dir}' && (dd if=/dev/zero of='${dir}/.filler' bs=4096 2>/dev/null; true)`)
    .join(' && ');
  const digest = `digest() { '${process.execPath}' '${path.join(REPO_ROOT, 'bin/digest.js')}' "$@"; }`;
  const child = spawn('unshare', ['-rm', 'sh', '-c', `set -u; ${digest}; ${mounts} && ${script}`], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', SMTP_URL: '', DIGEST_CONFIG: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
