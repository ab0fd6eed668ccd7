import { randomBytes } from 'node:crypto';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { ConfigError } from '../errors.js';
import { TokenSigner } from '../tokens/tokens.js';

/**
 * The per-reader links of an email: unsubscribe (also the List-Unsubscribe header), preferences,
 * and the issue's web version. With `web.baseUrl` they are `digest web`'s pages carrying a signed
 * token; otherwise the unsubscribe link is the config's `unsubscribeUrl` template, as before.
 */
export interface ReaderLinks {
  /** `unsubscribeUrl` of the config: a template with {{email}}, {{name}}, {{<field>}} (a program of the operator's own). */
  unsubscribeTemplate?: string | undefined;
  /** `web.baseUrl`: links are `digest web`'s, with signed tokens. */
  baseUrl?: string | undefined;
  /** Signs the tokens; needed with `baseUrl`. */
  signer?: TokenSigner | undefined;
  /** The web version of this issue (its archive page), for the `webVersionUrl` token. */
  issueUrl?: string | undefined;
}

export interface ReaderUrls {
  unsubscribeUrl: string | undefined;
  preferencesUrl: string | undefined;
  webVersionUrl: string | undefined;
}

export interface RecipientValues {
  email: string;
  name?: string | undefined;
  fields?: Record<string, string>;
}

/**
 * Fills `{{email}}`, `{{name}}` and any recipient field into an unsubscribe URL template,
 * URL-encoded.
 */
export function unsubscribeUrlFor(template: string | undefined, recipient: RecipientValues): string | undefined {
  if (!template) return undefined;
  const values: Record<string, string> = { ...recipient.fields, email: recipient.email, name: recipient.name ?? '' };
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, key: string) => encodeURIComponent(values[key] ?? ''));
}

/** One reader's links. A string is the old form: just the unsubscribe template. */
export function readerUrls(links: ReaderLinks | string | undefined, recipient: RecipientValues): ReaderUrls {
  if (typeof links === 'string' || links === undefined) {
    return { unsubscribeUrl: unsubscribeUrlFor(links, recipient), preferencesUrl: undefined, webVersionUrl: undefined };
  }
  if (!links.baseUrl) {
    return { unsubscribeUrl: unsubscribeUrlFor(links.unsubscribeTemplate, recipient), preferencesUrl: undefined, webVersionUrl: links.issueUrl };
  }
  if (!links.signer) {
    throw new ConfigError('CONFIG_SECRET_MISSING', 'cannot make signed reader links: DIGEST_SECRET is not set', { hint: SECRET_HINT });
  }
  return {
    unsubscribeUrl: `${links.baseUrl}/unsubscribe?t=${links.signer.sign('unsubscribe', recipient.email)}`,
    preferencesUrl: `${links.baseUrl}/preferences?t=${links.signer.sign('preferences', recipient.email)}`,
    webVersionUrl: links.issueUrl ?? `${links.baseUrl}/archive/`,
  };
}

/** The archive page of run `runId` under `baseUrl`. */
export function issueUrl(baseUrl: string, runId: number): string {
  return `${baseUrl}/archive/${runId}/`;
}

const SECRET_HINT =
  'Set DIGEST_SECRET to a long random value (e.g. `openssl rand -base64 32`) in the environment of `digest run`, `digest schedule` and `digest web`: the same value for all of them (README: "Readers and the web").';

/**
 * The signer for a send through `transport`. With `web.baseUrl` every email carries signed
 * links, so sending for real without DIGEST_SECRET is refused before anything happens. The outbox
 * (files on this machine, nothing leaves it) works without one: its links are signed with a
 * throwaway key, so they do not work, and a warning says so. Without `web.baseUrl` no signer is
 * needed.
 */
export function linkSigner(
  config: Pick<ResolvedConfig, 'web' | 'readerTokens'>,
  transport: 'smtp' | 'outbox',
  baseUrl: string | undefined = config.web.baseUrl,
): { signer: TokenSigner | undefined; warning?: string } {
  if (!baseUrl || config.readerTokens) return { signer: config.readerTokens };
  if (transport === 'outbox') {
    return {
      signer: new TokenSigner(randomBytes(32).toString('base64')),
      warning: 'DIGEST_SECRET is not set: the unsubscribe and preferences links in these messages are signed with a throwaway key and will not work. Set it before sending for real (README: "Readers and the web")',
    };
  }
  throw new ConfigError('CONFIG_SECRET_MISSING', `web.baseUrl is set, so every email carries signed unsubscribe and preferences links, but DIGEST_SECRET is not set: nothing was sent`, {
    hint: SECRET_HINT,
  });
}

/** The links for a preview or a test: the issue URL is the archive's index. */
export function previewLinks(config: Pick<ResolvedConfig, 'web' | 'readerTokens' | 'unsubscribeUrl'>, signer: TokenSigner | undefined): ReaderLinks {
  return {
    unsubscribeTemplate: config.unsubscribeUrl,
    baseUrl: config.web.baseUrl,
    // A preview is never sent: without a secret its links are signed with a throwaway key.
    signer: signer ?? (config.web.baseUrl ? new TokenSigner(randomBytes(32).toString('base64')) : undefined),
    issueUrl: config.web.baseUrl ? `${config.web.baseUrl}/archive/` : undefined,
  };
}
