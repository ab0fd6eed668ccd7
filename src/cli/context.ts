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

/** A path as the user would type it: relative to the current folder when it is inside it. */
export function rel(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
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

/** Loads and validates the config the options name (zod and yaml are loaded here, on first use). */
export async function loadConfigFor(options: CommonOptions): Promise<ResolvedConfig> {
  const { loadConfig } = await import('../config/load-config.js');
  return loadConfig(options.config ? { configPath: options.config } : {});
}

export function pad(text: string | number, width: number, right = false): string {
  const value = String(text);
  return right ? value.padStart(width) : value.padEnd(width);
}

export function plural(count: number, word: string, plural = `${word}s`): string {
  return `${count} ${count === 1 ? word : plural}`;
}
