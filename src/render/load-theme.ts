import { loadTemplates, type TemplateSet } from './load-templates.js';

/** Where a theme lives: the config's `template` and `partials`, resolved to folders. */
export interface ThemeLocation {
  templateDir: string;
  partialsDir?: string | undefined;
}

/** The configured theme (`template`) with the configured extra partials (`partials`). */
export function loadTheme(config: ThemeLocation): TemplateSet {
  return loadTemplates(config.templateDir, { extraPartialsDir: config.partialsDir });
}
