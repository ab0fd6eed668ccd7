/**
 * Where the config file is, and what is said when there is none, in a module of its own so the
 * CLI can name and find it without loading the loader (zod, yaml).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, displayPath } from '../errors.js';

export const DEFAULT_CONFIG_FILE = 'digest.config.yaml';

/**
 * The config file a command reads: the one named (`--config`, else the DIGEST_CONFIG environment
 * variable), else digest.config.yaml in `cwd`. Relative names are relative to `cwd`.
 */
export function configFilePath(options: { configPath?: string | undefined; cwd?: string; env?: NodeJS.ProcessEnv } = {}): { file: string; explicit: boolean } {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const named = options.configPath ?? (env.DIGEST_CONFIG || undefined);
  return named === undefined ? { file: path.resolve(cwd, DEFAULT_CONFIG_FILE), explicit: false } : { file: path.resolve(cwd, named), explicit: true };
}

/**
 * There is no config file where one was looked for. Nothing runs then: not the sample setup,
 * which would mail its example readers from whatever folder a cron line's failed `cd` left.
 */
export function missingConfigError(folder: string): ConfigError {
  return new ConfigError('CONFIG_MISSING', `no ${DEFAULT_CONFIG_FILE} in ${folder}: nothing to do`, {
    context: { folder },
    hint:
      `Run \`digest init\` to write a starter config in this folder, or run the command in the project's folder ` +
      `(a cron line: cd /srv/digest && digest run), or name the config with --config FILE or DIGEST_CONFIG=FILE.`,
  });
}

/** The config file a command is to read, or a CONFIG_MISSING / CONFIG_NOT_FOUND error. */
export function requireConfigFile(options: { configPath?: string | undefined; cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const { file, explicit } = configFilePath(options);
  if (existsSync(file)) return file;
  if (!explicit) throw missingConfigError(path.dirname(file));
  const shown = displayPath(file, options.cwd);
  throw new ConfigError('CONFIG_NOT_FOUND', `${shown}: config file not found`, {
    context: { file: shown },
    hint: `Check the path given to --config (or DIGEST_CONFIG), or run \`digest init --config ${shown}\` to write a starter config there.`,
  });
}
