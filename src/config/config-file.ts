/** The config file's name, in a module of its own so the CLI can name it without loading the loader. */
export const DEFAULT_CONFIG_FILE = 'digest.config.yaml';
