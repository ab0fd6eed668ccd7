/**
 * Issue 10, "A cron job that can never silently do the wrong thing": the CLI cases, each run as
 * a user (or cron) runs it, against a real SMTP server and real files.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { writeSampleProject } from '../support/sample-project.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
let servers: TestSmtpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function smtp(behaviour: Parameters<typeof startSmtpServer>[0] = {}) {
  const server = await startSmtpServer(behaviour);
  servers.push(server);
  return server;
}

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(text).not.toMatch(/looks like a bug/);
}

describe('no config file: nothing runs but init, extract and --help', () => {
  it('digest run in an empty folder with SMTP_URL set refuses, naming the folder and digest init, and mails nobody', async () => {
    const server = await smtp();
    const cwd = tmp.dir();
    const result = await runCli(['run'], { cwd, env: { SMTP_URL: server.url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: no digest.config.yaml in ${cwd}: nothing to do`);
    expect(result.stderr).toMatch(/digest init/);
    expectNoStack(result.stderr);
    expect(result.stdout).toBe('');
    expect(server.messages).toHaveLength(0);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('every other command refuses the same way, and --json says so in JSON', async () => {
    const cwd = tmp.dir();
    for (const args of [['preview'], ['send', '--to', 'me@example.com'], ['check'], ['serve', '--port', '0'], ['feeds'], ['feeds', 'add', 'https://example.com/feed'], ['runs'], ['runs', 'retry', '1'], ['schedule']]) {
      const result = await runCli(args, { cwd });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(`no digest.config.yaml in ${cwd}`);
      expectNoStack(result.stderr);
    }
    const json = await runCli(['run', '--json'], { cwd });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'CONFIG_MISSING', context: { folder: cwd } }, exitCode: 1 });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('extract and --help still work without a config', async () => {
    const cwd = tmp.dir();
    const article = tmp.write('a.txt', 'Title line\n\nA paragraph that says something worth reading about the day.\n');
    expect((await runCli(['extract', article], { cwd })).code).toBe(0);
    expect((await runCli(['--help'], { cwd })).code).toBe(0);
    expect((await runCli(['run', '--help'], { cwd })).code).toBe(0);
  });

  it('digest init writes a commented starter config that loads, deciding the transport and saying so', async () => {
    const cwd = tmp.dir();
    const init = await runCli(['init'], { cwd });
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^Wrote digest.config.yaml/m);
    expect(init.stdout).toMatch(/SMTP_URL is not set: .*delivery\.transport: outbox/);
    const text = readFileSync(path.join(cwd, 'digest.config.yaml'), 'utf8');
    expect(text).toMatch(/^# /m);
    expect(text).toMatch(/^ {2}transport: outbox/m);
    // The starter has no feeds yet: check says what to do, and nothing else is wrong.
    const check = await runCli(['check'], { cwd });
    expect(check.stdout).toMatch(/✗ feeds: no feeds configured/);
    expect(check.stdout.split('\n').filter((line) => line.startsWith('✗'))).toHaveLength(1);

    // A second init does not overwrite the file.
    const again = await runCli(['init'], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/digest.config.yaml already exists/);

    // With SMTP_URL set, the starter sends over SMTP.
    const other = path.join(cwd, 'other');
    const smtpInit = await runCli(['init', '--config', 'other/digest.config.yaml'], { cwd, env: { SMTP_URL: 'smtp://mail.example.com:587' } });
    expect(smtpInit.code).toBe(0);
    expect(smtpInit.stdout).toMatch(/SMTP_URL is set: .*delivery\.transport: smtp/);
    expect(readFileSync(path.join(other, 'digest.config.yaml'), 'utf8')).toMatch(/^ {2}transport: smtp/m);
  });

  it('the sample project (as npm start runs it) works, and so does DIGEST_CONFIG from another folder', async () => {
    const project = writeSampleProject(tmp.dir());
    const result = await runCli(['run'], { cwd: project });
    expect(result.code).toBe(0);
    expect(readdirSync(path.join(project, 'out/outbox'))).toHaveLength(2);

    const elsewhere = path.join(project, 'feeds');
    const viaEnv = await runCli(['runs', '--json'], { cwd: elsewhere, env: { DIGEST_CONFIG: path.join(project, 'digest.config.yaml') } });
    expect(viaEnv.code).toBe(0);
    expect(JSON.parse(viaEnv.stdout)).toHaveLength(1);
    expect(existsSync(path.join(elsewhere, '.digest'))).toBe(false);
  });
});
