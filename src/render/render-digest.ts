import { createHash, randomBytes } from 'node:crypto';
import { displayPath, TemplateError, type ErrorContext } from '../errors.js';
import type { Digest, DigestItem } from '../types.js';
import { TEMPLATE_FILES, type TemplateName, type TemplateSet } from './load-templates.js';

/** Settings from the config that shape the rendering (not the content). */
export interface RenderSettings {
  tagline?: string | undefined;
  locale: string;
  theme: Record<string, unknown> & { showFailedFeeds?: boolean };
  webVersionUrl?: string | undefined;
  /** Whether an unsubscribe link exists (its per-recipient value is filled in later). */
  hasUnsubscribe: boolean;
  /** Extra recipient fields (CSV columns) templates may use as `recipient.<field>`. */
  recipientFields?: readonly string[];
}

export interface RenderOptions {
  /** soft: MJML problems become warnings (preview); strict: they stop the render (sending). */
  validation: 'soft' | 'strict';
}

export interface RenderWarning {
  message: string;
  line?: number;
  tagName?: string;
}

/**
 * A digest rendered once, with per-recipient values left as tokens that `personalise` fills in.
 */
export interface RenderedDigest {
  subject: string;
  preheader: string;
  html: string;
  text: string;
  /** The MJML source Handlebars produced (for the preview's source view and for debugging). */
  mjml: string;
  warnings: RenderWarning[];
  /** Hash of subject, html and text before personalisation: the same digest has the same hash. */
  hash: string;
  /** The token marker of this render; personalise() replaces `%%<marker>:name%%`. */
  marker: string;
}

/** Per-recipient values a template can use; each becomes a token until personalisation. */
export const RECIPIENT_TOKENS = ['email', 'name', 'unsubscribeUrl'] as const;

export function token(marker: string, name: string): string {
  return `%%${marker}:${name}%%`;
}

/** The data every template sees. Documented for editors in templates/README.md. */
export function templateData(digest: Digest, settings: RenderSettings, marker: string) {
  const items = digest.items.map(itemData);
  const recipient: Record<string, string> = {
    email: token(marker, 'email'),
    name: token(marker, 'name'),
  };
  for (const field of settings.recipientFields ?? []) recipient[field] = token(marker, `field.${field}`);
  return {
    title: digest.title,
    tagline: settings.tagline,
    date: digest.date,
    timezone: digest.timezone,
    locale: settings.locale,
    lang: settings.locale.split('-')[0] ?? 'en',
    theme: settings.theme,
    sections: digest.sections.map((section) => ({ name: section.name, items: section.items.map(itemData) })),
    items,
    firstItem: items[0],
    itemCount: items.length,
    feedCount: new Set(digest.items.map((item) => item.feedUrl)).size,
    failures: digest.failures,
    showFailures: digest.failures.length > 0 && settings.theme.showFailedFeeds !== false,
    webVersionUrl: settings.webVersionUrl,
    unsubscribeUrl: settings.hasUnsubscribe ? token(marker, 'unsubscribeUrl') : undefined,
    recipient,
  };
}

function itemData(item: DigestItem) {
  return {
    headline: item.headline,
    url: item.url,
    feedName: item.feedName,
    section: item.section,
    published: item.published,
    lede: item.lede,
    quote: item.quote,
    image: item.image,
    alsoIn: item.alsoIn,
  };
}

/**
 * Renders the digest once: Handlebars expands the templates (subject, preheader, text, and the
 * MJML layout), then MJML compiles the layout to email HTML. Never call this per recipient.
 */
export async function renderDigest(
  digest: Digest,
  templates: TemplateSet,
  settings: RenderSettings,
  options: RenderOptions,
): Promise<RenderedDigest> {
  const marker = `r${randomBytes(6).toString('hex')}`;
  const data = templateData(digest, settings, marker);
  const run = (name: TemplateName, extra: object = {}): string => {
    try {
      return templates.render[name]({ ...data, ...extra }, { allowProtoPropertiesByDefault: false });
    } catch (error) {
      throw templateRuntimeError(error, templates, name);
    }
  };

  const subject = oneLine(run('subject'));
  const preheader = oneLine(run('preheader'));
  const mjml = run('layout', { preheader });
  const text = tidyText(run('text', { preheader }));

  // MJML takes most of a second to load: load it on first use, not when the CLI starts.
  const { default: mjml2html } = await import('mjml');
  let result: Awaited<ReturnType<typeof mjml2html>>;
  const layoutFile = displayPath(`${templates.dir}/${TEMPLATE_FILES.layout}`);
  try {
    result = await mjml2html(mjml, { validationLevel: options.validation, keepComments: false, filePath: templates.dir });
  } catch (error) {
    // Strict validation throws with the list of errors; anything else is a broken document.
    const details = (error as { details?: { line?: number; message: string; tagName?: string }[] }).details;
    const problems = details?.map((d) => `line ${d.line ?? '?'} of the expanded MJML: ${d.message}`) ?? [(error as Error).message];
    throw new TemplateError('TEMPLATE_MJML', `${layoutFile}: MJML rejected the layout:\n  ${problems.join('\n  ')}`, {
      cause: error,
      context: { file: layoutFile } satisfies ErrorContext,
      hint: 'Check the MJML tags in the layout and partials (https://documentation.mjml.io); `digest preview` shows the expanded source.',
    });
  }
  const warnings = result.errors.map((e) => ({ message: e.message, line: e.line, tagName: e.tagName }));
  const hash = createHash('sha256')
    .update(subject)
    .update('\0')
    .update(result.html.split(marker).join(''))
    .update('\0')
    .update(text.split(marker).join(''))
    .digest('hex');
  return { subject, preheader, html: result.html, text, mjml, warnings, hash, marker };
}

function templateRuntimeError(error: unknown, templates: TemplateSet, name: TemplateName): TemplateError {
  const file = displayPath(`${templates.dir}/${TEMPLATE_FILES[name]}`);
  const message = error instanceof Error ? error.message : String(error);
  const partial = /The partial (\S+) could not be found/.exec(message);
  if (partial) {
    return new TemplateError('TEMPLATE_PARTIAL_MISSING', `${file}: uses the partial "${partial[1]}", which does not exist`, {
      cause: error,
      context: { file },
      hint: `Partials are the files in ${displayPath(`${templates.dir}/partials`)}/ (available: ${[...templates.partials.keys()].join(', ') || 'none'}). Check the name after {{> …}}.`,
    });
  }
  const helper = /Missing helper: "?([^"]+)"?/.exec(message);
  if (helper) {
    return new TemplateError('TEMPLATE_HELPER_MISSING', `${file}: uses "${helper[1]}", which is neither a helper nor a value`, {
      cause: error,
      context: { file },
      hint: 'templates/README.md lists every helper and value; check the spelling.',
    });
  }
  return new TemplateError('TEMPLATE_RUNTIME', `${file}: ${message}`, { cause: error, context: { file } });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Collapses the blank lines that template tags leave behind; at most one empty line in a row. */
function tidyText(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.replace(/\s+$/, ''))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}
