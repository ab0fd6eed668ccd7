import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { closedPort } from './smtp.js';

/**
 * A real IMAP server for the `--imap` tests: Debian's Dovecot, started on a free port on
 * 127.0.0.1 with a throwaway config, user and Maildir in a temporary folder (nothing under /etc
 * is read or changed). As root (CI) it runs as Dovecot installs itself (users dovecot and
 * dovenull) with the mail owned by nobody; as another user it runs rootless, as that user (no
 * chroot: only root may chroot).
 */

export const DOVECOT = '/usr/sbin/dovecot';
export const DOVECOT_MISSING = `Dovecot is not installed (${DOVECOT} not found): the IMAP tests need a real IMAP server. Install it with \`apt-get install -y dovecot-imapd\` (.ci/run does this).`;

export interface TestImapServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** imap://user@127.0.0.1:port/INBOX (no password: pass it in IMAP_PASSWORD). */
  url: (mailbox?: string) => string;
  /** A logged-in client, for the test's own setup and checks. */
  client: () => Promise<ImapFlow>;
  stop: () => Promise<void>;
}

function waitForPort(port: number, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`Dovecot did not start listening on 127.0.0.1:${port} within ${timeoutMs} ms:\n${log()}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export async function startDovecot(): Promise<TestImapServer> {
  if (!existsSync(DOVECOT)) throw new Error(DOVECOT_MISSING);
  const dir = mkdtempSync(path.join(tmpdir(), 'digest-dovecot-'));
  chmodSync(dir, 0o755);
  const mail = path.join(dir, 'mail');
  mkdirSync(mail);
  mkdirSync(path.join(dir, 'run'));
  const root = process.getuid?.() === 0;
  const me = userInfo();
  const [uid, gid] = root ? [65534, 65534] : [me.uid, me.gid];
  if (root) chownSync(mail, uid, gid);
  const port = await closedPort();
  const user = 'bounces@news.example.com';
  const password = 'imap test password';
  writeFileSync(path.join(dir, 'users'), `${user}:{PLAIN}${password}\n`, { mode: 0o644 });
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${mail}/%n/Maildir
default_internal_user = ${root ? 'dovecot' : me.username}
default_login_user = ${root ? 'dovenull' : me.username}
${root ? '' : `default_internal_group = ${me.username}\n`}first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${mail}/%n
}
service imap-login {
${root ? '' : '  chroot =\n'}  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
namespace inbox {
  inbox = yes
  separator = /
}
${root ? '' : 'service anvil {\n  chroot =\n}\n'}`;
  const configFile = path.join(dir, 'dovecot.conf');
  writeFileSync(configFile, config);
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const log = () => `${output}\n${existsSync(path.join(dir, 'dovecot.log')) ? readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : ''}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([waitForPort(port, 30_000, log), exited.then(() => Promise.reject(new Error(`Dovecot exited at start:\n${log()}`)))]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    url: (mailbox = 'INBOX') => `imap://${encodeURIComponent(user)}@127.0.0.1:${port}/${encodeURIComponent(mailbox)}`,
    async client() {
      const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false, disableAutoIdle: true });
      client.on('error', () => {});
      await client.connect();
      return client;
    },
    stop,
  };
}
