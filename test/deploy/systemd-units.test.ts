import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const DEPLOY = path.join(REPO_ROOT, 'deploy');
const units = readdirSync(DEPLOY).filter((name) => /\.(service|timer)$/.test(name)).sort();
const services = units.filter((name) => name.endsWith('.service'));
const tmp = useTempDir();

/** systemd-analyze, from Debian's `systemd` package. CI installs it (.ci/run); elsewhere it may be missing. */
const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const hasAnalyze = analyze.status === 0;
if (!hasAnalyze && process.env.CI) {
  throw new Error('systemd-analyze is missing: install it with `apt-get install -y systemd` (.ci/run does)');
}
if (!hasAnalyze) console.warn('systemd-analyze not found: the unit files are only checked by reading them (apt-get install -y systemd to verify them)');

/** The settings of a unit file: "Section.Key" → every value given (a key may repeat). */
function settings(file: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  let section = '';
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1]!;
    else {
      const [key, ...value] = line.split('=');
      const name = `${section}.${key!.trim()}`;
      map.set(name, [...(map.get(name) ?? []), value.join('=').trim()]);
    }
  }
  return map;
}
const one = (unit: Map<string, string[]>, key: string) => unit.get(key)?.at(-1);

describe('deploy/: systemd units for digest run, the timer, and digest schedule', () => {
  it('ships the run service with its timer and the scheduler service', () => {
    expect(units).toEqual(expect.arrayContaining(['digest.service', 'digest.timer', 'digest-schedule.service', 'digest-worker.service']));
    const timer = settings(path.join(DEPLOY, 'digest.timer'));
    expect(one(timer, 'Timer.Unit')).toBe('digest.service');
    expect(one(timer, 'Timer.Persistent')).toBe('yes');
    expect(one(timer, 'Install.WantedBy')).toBe('timers.target');
    expect(one(settings(path.join(DEPLOY, 'digest.service')), 'Service.ExecStart')).toMatch(/\/bin\/digest\.js run$/);
    expect(one(settings(path.join(DEPLOY, 'digest-schedule.service')), 'Service.ExecStart')).toMatch(/\/bin\/digest\.js schedule$/);
    expect(one(settings(path.join(DEPLOY, 'digest-worker.service')), 'Service.ExecStart')).toMatch(/\/bin\/digest\.js worker$/);
  });

  it.each(services)('%s is hardened, may write only the state and out folders, and reads secrets from an EnvironmentFile', (name) => {
    const unit = settings(path.join(DEPLOY, name));
    expect(one(unit, 'Service.NoNewPrivileges')).toBe('yes');
    expect(one(unit, 'Service.ProtectSystem')).toBe('strict');
    expect(one(unit, 'Service.ProtectHome')).toBe('yes');
    expect(one(unit, 'Service.PrivateTmp')).toBe('yes');
    expect(one(unit, 'Service.CapabilityBoundingSet')).toBe('');
    expect(one(unit, 'Service.EnvironmentFile')).toMatch(/^\/etc\/digest\/digest\.env$/);
    expect(unit.get('Service.Environment') ?? []).toEqual([]); // no secret written in the unit
    expect(one(unit, 'Service.User')).toBe('digest');
    // The folders writable are where the default config keeps its state and writes its output;
    // a delivery-queue worker writes nothing.
    const workingDirectory = one(unit, 'Service.WorkingDirectory')!;
    const defaults = configSchema.parse({});
    if (name === 'digest-worker.service') {
      expect(unit.get('Service.ReadWritePaths')).toBeUndefined();
      return;
    }
    const writable = (one(unit, 'Service.ReadWritePaths') ?? '').split(/\s+/);
    expect(writable).toEqual(expect.arrayContaining([path.join(workingDirectory, path.dirname(defaults.state)), path.join(workingDirectory, defaults.out)]));
  });

  it.skipIf(!hasAnalyze).each(units)('%s passes systemd-analyze verify', (name) => {
    // verify checks that the program in ExecStart exists: point it at this machine's node.
    const dir = tmp.dir();
    for (const unit of units) {
      const text = readFileSync(path.join(DEPLOY, unit), 'utf8').replaceAll('/usr/bin/node ', `${process.execPath} `);
      writeFileSync(path.join(dir, unit), text);
    }
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, name)], { encoding: 'utf8', cwd: dir });
    // Unknown keys and bad values are only warnings to systemd: any output is a failure here.
    expect({ status: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() }).toEqual({ status: 0, stderr: '', stdout: '' });
  });

  it.skipIf(!hasAnalyze)('systemd-analyze verify catches a misspelt key (the check above can fail)', () => {
    const file = path.join(tmp.dir(), 'digest.service');
    copyFileSync(path.join(DEPLOY, 'digest.service'), file);
    writeFileSync(file, readFileSync(file, 'utf8').replace('NoNewPrivileges=yes', 'NoNewPrivilege=yes').replaceAll('/usr/bin/node ', `${process.execPath} `));
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8' });
    expect(result.stderr).toMatch(/Unknown key 'NoNewPrivilege' in section \[Service\]/);
  });

  it.skipIf(!hasAnalyze).each(services)('%s has a low exposure score in systemd-analyze security', (name) => {
    const output = execFileSync('systemd-analyze', ['security', '--offline=true', path.join(DEPLOY, name)], { encoding: 'utf8' });
    const score = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(output)?.[1]);
    console.log(`${name}: exposure ${score} (0 = fully locked down, 10 = not at all)`);
    expect(score).toBeLessThanOrEqual(2.5);
  });
});
