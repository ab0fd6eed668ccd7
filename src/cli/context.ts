/**
 * What every command shares: the common options, loading the config, printing JSON and paths.
 * Kept light on purpose: nothing here imports a stage, so `digest --help` loads no pipeline code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { DEFAULT_CONFIG_FILE, requireConfigFile } from '../config/config-file.js';
import { PACKAGE_DIR } from '../config/package-dir.js';
import { ConfigError } from '../errors.js';
import { jsonText } from './output.js';

export interface CommonOptions {
  config?: string;
  json?: boolean;
}

/** Sets the process's exit code (main() returns it; tests call main() in-process). */
export type SetExit = (code: number) => void;

export function version(): string {
  try {
    return (JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** A path as the user would type it: relative to the current folder when it is inside it. URLs stay as they are. */
export function rel(file: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return file;
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${jsonText(value)}\n`);
}

/** The options that set how much a command prints (run, schedule, runs retry, preview, send, check). */
export interface LoggingOptions {
  quiet?: boolean;
  verbose?: boolean;
}

/** Adds --quiet and --verbose. */
export function logging(command: Command): Command {
  return command
    .option('-q, --quiet', 'print only problems (warnings, errors, what failed): for cron, no output means all went well')
    .option('-v, --verbose', 'print more: every progress step, and a line per feed');
}

/**
 * Makes `sub` the default subcommand of `parent` (as `digest feeds` is `digest feeds list`)
 * without swallowing a mistyped subcommand as its argument: `digest runs show 3` says that "show"
 * is not one of the commands, and which are (worded as `digest feeds` words it).
 */
export function defaultSubcommand(parent: Command, sub: Command): Command {
  return sub.allowExcessArguments(true).hook('preAction', (_hook, action) => {
    const [word] = action.args;
    if (word === undefined) return;
    const names = parent.commands.map((command) => command.name());
    throw new ConfigError('CLI_UNKNOWN_COMMAND', `"${word}" is not a ${parent.name()} command; the ${parent.name()} commands are: ${names.join(', ')}`, {
      hint: `See \`digest ${parent.name()} --help\`.`,
    });
  });
}

/** Adds the options every command takes. */
export function common(command: Command, json = true): Command {
  command.option('-c, --config <file>', `config file (default: DIGEST_CONFIG, else ${DEFAULT_CONFIG_FILE} in this folder; there must be one)`);
  if (json) command.option('--json', 'print a machine-readable result on stdout instead of text');
  return command;
}

/**
 * The config file the options name (--config, DIGEST_CONFIG, else digest.config.yaml here). There
 * must be one: without it this throws CONFIG_MISSING, naming the folder and `digest init`.
 */
export function configFileFor(options: CommonOptions): string {
  return requireConfigFile({ configPath: options.config });
}

/**
 * Loads and validates the config the options name. An unchanged config comes from the config
 * cache (config/load-config-cached.ts); zod and yaml are loaded only to read a changed one.
 * `noCache` (`digest check --no-cache`) reads and validates the file in any case.
 */
export async function loadConfigFor(options: CommonOptions, load: { noCache?: boolean } = {}): Promise<ResolvedConfig> {
  const { loadConfigCached } = await import('../config/load-config-cached.js');
  return loadConfigCached({ ...(options.config ? { configPath: options.config } : {}), ...(load.noCache ? { noCache: true } : {}) });
}

export function pad(text: string | number, width: number, right = false): string {
  const value = String(text);
  return right ? value.padStart(width) : value.padEnd(width);
}

export function plural(count: number, word: string, plural = `${word}s`): string {
  return `${count} ${count === 1 ? word : plural}`;
}
