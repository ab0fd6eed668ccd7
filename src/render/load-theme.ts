import type { ResolvedConfig } from '../config/resolve-config.js';
import { loadTemplates, type TemplateSet } from './load-templates.js';

/** The configured theme (`template`) with the configured extra partials (`partials`). */
export function loadTheme(config: Pick<ResolvedConfig, 'templateDir' | 'partialsDir'>): TemplateSet {
  return loadTemplates(config.templateDir, { extraPartialsDir: config.partialsDir });
}
