import type { ResolvedConfig } from '../config/resolve-config.js';
import type { RenderSettings } from '../render/render-digest.js';

/** The part of the config that shapes rendering. */
export function renderSettings(config: ResolvedConfig): RenderSettings {
  return {
    tagline: config.tagline,
    locale: config.locale,
    theme: config.theme,
    webVersionUrl: config.webVersionUrl,
    hasUnsubscribe: Boolean(config.unsubscribeUrl || config.web.baseUrl),
    hasPreferences: Boolean(config.web.baseUrl),
    webVersionPerIssue: Boolean(config.web.baseUrl) && config.web.archive && !config.webVersionUrl,
    recipientFields: [...new Set(config.recipients.flatMap((r) => Object.keys(r.fields)))],
    maxHtmlBytes: config.maxHtmlKilobytes > 0 ? config.maxHtmlKilobytes * 1000 : null,
    shortLedeWords: Math.max(10, Math.floor(config.limits.ledeWords / 2)),
  };
}
