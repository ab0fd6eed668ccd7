import { createHash, randomBytes } from 'node:crypto';
import { displayPath, TemplateError, type ErrorContext } from '../errors.js';
import type { Digest, DigestItem, DigestSection } from '../types.js';
import { TEMPLATE_FILES, type TemplateName, type TemplateSet } from './load-templates.js';
import { locateLine, stripLineMarks, type LineMap, type TemplateLocation } from './line-marks.js';
import { fitToBudget, type SizeReport } from './size-budget.js';
import { loadMjml } from './load-mjml.js';

/** Settings from the config that shape the rendering (not the content). */
export interface RenderSettings {
  tagline?: string | undefined;
  locale: string;
  theme: Record<string, unknown> & { showFailedFeeds?: boolean; readMore?: 'lead' | 'all' | 'none'; contentsMinStories?: number };
  webVersionUrl?: string | undefined;
  /** Whether an unsubscribe link exists (its per-recipient value is filled in later). */
  hasUnsubscribe: boolean;
  /** Whether a preferences link exists (`web.baseUrl`; filled in per recipient). */
  hasPreferences?: boolean;
  /**
   * The web version is the issue's archive page (`web.baseUrl` without a fixed `webVersionUrl`),
   * known only once the run is recorded: a token filled in when sending.
   */
  webVersionPerIssue?: boolean;
  /** Extra recipient fields (CSV columns) templates may use as `recipient.<field>`. */
  recipientFields?: readonly string[];
  /** Size budget of the HTML in bytes (config `maxHtmlKilobytes`); none when absent or 0. */
  maxHtmlBytes?: number | null;
  /** Word budget of ledes shortened to meet the size budget. */
  shortLedeWords?: number;
}

export interface RenderOptions {
  /** soft: MJML problems become warnings (preview); strict: they stop the render (sending). */
  validation: 'soft' | 'strict';
}

/** A problem MJML found, traced back to the template line that wrote it. */
export interface RenderWarning {
  message: string;
  /** The template file (as shown to the user) the problem is in, when it can be traced. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based line in the expanded MJML source (RenderedDigest.mjml). */
  mjmlLine?: number;
  tagName?: string;
  /** How often the problem occurs: a partial inside {{#each}} repeats it once per item. */
  count: number;
}

/** "partials/item.hbs:4: mj-text cannot be used inside mj-section… (×10)" */
export function formatRenderWarning(warning: RenderWarning): string {
  const place = warning.file ? `${warning.file}${warning.line ? `:${warning.line}` : ''}: ` : warning.mjmlLine ? `line ${warning.mjmlLine} of the expanded MJML: ` : '';
  return `${place}${warning.message}${warning.count > 1 ? ` (×${warning.count})` : ''}`;
}

interface MjmlProblem {
  line?: number;
  message: string;
  tagName?: string;
}

/** Traces MJML's problems to template lines and folds repeats (one per item) into one entry. */
export function mapMjmlProblems(problems: readonly MjmlProblem[], lines: LineMap): RenderWarning[] {
  const byKey = new Map<string, RenderWarning>();
  for (const problem of problems) {
    const location = locateLine(lines, problem.line);
    const file = location ? displayPath(location.file) : undefined;
    const key = location ? `${location.file}:${location.line}:${problem.message}` : `?:${problem.line}:${problem.message}`;
    const known = byKey.get(key);
    if (known) {
      known.count++;
      continue;
    }
    byKey.set(key, {
      message: problem.message,
      ...(file ? { file, line: location!.line } : {}),
      ...(problem.line !== undefined ? { mjmlLine: problem.line } : {}),
      ...(problem.tagName ? { tagName: problem.tagName } : {}),
      count: 1,
    });
  }
  return [...byKey.values()];
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
  /** The HTML's size, and what was left out to keep it within the size budget. */
  size: SizeReport;
  /**
   * The digest as the email shows it: its `items` are the email's stories, in order (shortened
   * ledes and dropped images as rendered); `leftOut` adds the stories the size budget left out.
   */
  digest: Digest;
}

/** Per-recipient values a template can use; each becomes a token until personalisation. */
export const RECIPIENT_TOKENS = ['email', 'name', 'unsubscribeUrl', 'preferencesUrl', 'webVersionUrl'] as const;

export function token(marker: string, name: string): string {
  return `%%${marker}:${name}%%`;
}

/** Headlines of one feed linked by name under "More from …". */
const MORE_LINKS_PER_FEED = 3;
/**
 * With more feeds than this over their limits (a first run of a long feed list), "More from …"
 * becomes one paragraph of feed names and counts, linked to the feeds' sites, without headlines.
 */
const MORE_DETAILED_FEEDS = 6;

/** The data every template sees. Documented for editors in templates/README.md. */
export function templateData(digest: Digest, settings: RenderSettings, marker: string, omitted = 0) {
  const readMore = settings.theme.readMore ?? 'lead';
  const position = new Map(digest.items.map((item, index) => [item, index + 1]));
  const itemData = (item: DigestItem) => {
    const number = position.get(item) ?? 0;
    const isLead = item === digest.lead;
    return {
      headline: item.headline,
      url: item.url,
      feedName: item.feedName,
      section: item.section,
      published: item.published,
      lede: item.lede,
      quote: item.quote,
      image: imageData(item.image, item.headline),
      alsoIn: item.alsoIn,
      /** Its place in the email, from 1; `anchor` ("story-3") is the id the contents link to. */
      number,
      anchor: `story-${number}`,
      isLead,
      /** Whether to show the read-more link (config `theme.readMore`: lead, all or none). */
      readMore: Boolean(item.url) && (readMore === 'all' || (readMore === 'lead' && isLead)),
    };
  };
  const items = digest.items.map(itemData);
  const byItem = new Map(digest.items.map((item, index) => [item, items[index]!]));
  const recipient: Record<string, string> = {
    email: token(marker, 'email'),
    name: token(marker, 'name'),
  };
  for (const field of settings.recipientFields ?? []) recipient[field] = token(marker, `field.${field}`);
  const sections = gatherSingles(digest.sections, String(settings.theme.inBriefLabel ?? 'In brief')).map((section, index) => ({
    name: section.name,
    /** The id of the section's heading ("section-2"), for links from the contents. */
    anchor: `section-${index + 1}`,
    items: section.items.map((item) => byItem.get(item)!),
  }));
  const lead = digest.lead ? byItem.get(digest.lead) : undefined;
  const moreFrom = moreFromGroups(digest);
  return {
    title: digest.title,
    tagline: settings.tagline,
    date: digest.date,
    timezone: digest.timezone,
    locale: settings.locale,
    lang: settings.locale.split('-')[0] ?? 'en',
    theme: settings.theme,
    lead,
    sections,
    items,
    firstItem: items[0],
    itemCount: items.length,
    feedCount: new Set(digest.items.map((item) => item.feedUrl)).size,
    /** Minutes the email takes to read (headlines, ledes and quotes at 230 words a minute). */
    readingMinutes: Math.max(1, Math.round(digest.items.map((item) => `${item.headline} ${item.lede} ${item.quote?.text ?? ''}`).join(' ').split(/\s+/).filter(Boolean).length / 230)),
    /** "In this issue": shown from `theme.contentsMinStories` stories on. */
    showContents: (settings.theme.contentsMinStories ?? 8) > 0 && items.length >= (settings.theme.contentsMinStories ?? 8),
    moreFrom,
    /** True when `moreFrom` is too long to list headlines: show one line of feeds and counts. */
    moreFromInline: moreFrom.length > MORE_DETAILED_FEEDS,
    failures: digest.failures,
    showFailures: digest.failures.length > 0 && settings.theme.showFailedFeeds !== false,
    webVersionUrl: settings.webVersionPerIssue ? token(marker, 'webVersionUrl') : settings.webVersionUrl,
    /** Stories left out to keep the email within its size budget. */
    moreCount: omitted,
    unsubscribeUrl: settings.hasUnsubscribe ? token(marker, 'unsubscribeUrl') : undefined,
    preferencesUrl: settings.hasPreferences ? token(marker, 'preferencesUrl') : undefined,
    recipient,
  };
}

/**
 * Sections named after their feed that hold one story each (a long feed list with `section` left
 * at its default) are gathered, when there are two or more, into one section at the end (config
 * `theme.inBriefLabel`): thirty one-story sections would be thirty headings saying what each
 * story's source line says again.
 */
export function gatherSingles(sections: readonly DigestSection[], label: string): DigestSection[] {
  const single = (section: DigestSection) => section.items.length === 1 && section.items[0]!.feedName === section.name;
  const singles = sections.filter(single);
  if (singles.length < 2) return [...sections];
  return [...sections.filter((section) => !single(section)), { name: label, items: singles.flatMap((section) => section.items) }];
}

/**
 * "More from <feed>": per feed, the stories over a limit (left-out.ts), counted, the newest few
 * with a headline and a link (none when more than MORE_DETAILED_FEEDS feeds have some), and the
 * feed's website when it names one.
 */
function moreFromGroups(digest: Digest) {
  const groups: { feed: string; site: string | null; count: number; stories: { headline: string; url: string }[]; rest: number }[] = [];
  const byFeed = new Map<string, (typeof groups)[number]>();
  for (const story of digest.leftOut) {
    if (!story.listed) continue;
    let group = byFeed.get(story.feedUrl);
    if (!group) {
      group = { feed: story.feed, site: story.feedSite, count: 0, stories: [], rest: 0 };
      byFeed.set(story.feedUrl, group);
      groups.push(group);
    }
    group.count++;
    if (story.url && story.headline && group.stories.length < MORE_LINKS_PER_FEED) group.stories.push({ headline: story.headline, url: story.url });
  }
  for (const group of groups) {
    if (groups.length > MORE_DETAILED_FEEDS) group.stories = [];
    group.rest = group.count - group.stories.length;
  }
  return groups;
}

/**
 * The image as templates see it: `image.url`, `image.width`, `image.height`. `{{image}}` alone
 * still prints the URL (a non-enumerable toString), so themes written when the image was a plain
 * URL keep working.
 */
function imageData(image: DigestItem['image'], headline: string) {
  if (!image) return null;
  const data = { ...image, alt: altText(image.alt, headline) };
  Object.defineProperty(data, 'toString', { value: () => image.url, enumerable: false });
  return data;
}

/**
 * The picture's own description, when the source gives one that says more than the headline
 * next to it; otherwise empty (alt=""): the picture is then decoration, and a reader who blocks
 * images, or hears the email read out, is not told the headline twice.
 */
function altText(alt: string | undefined, headline: string): string {
  const words = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const said = words(alt ?? '');
  if (!said) return '';
  const title = words(headline);
  return title.includes(said) || said.includes(title) ? '' : (alt ?? '').trim();
}

/**
 * Starts loading MJML without waiting for it: a run calls this once it knows there is news, so
 * the load overlaps the fetching instead of following it. Rendering awaits the same import.
 */
export function preloadRenderer(): void {
  loadMjml().catch(() => undefined);
}

/**
 * Renders the digest once: Handlebars expands the templates (subject, preheader, text, and the
 * MJML layout), then MJML compiles the layout to email HTML. Never call this per recipient.
 * When the HTML is over the size budget, renders smaller versions until one fits (size-budget.ts);
 * `size` says what was left out.
 */
export async function renderDigest(
  digest: Digest,
  templates: TemplateSet,
  settings: RenderSettings,
  options: RenderOptions,
): Promise<RenderedDigest> {
  const budget = { limit: settings.maxHtmlBytes ?? null, shortLedeWords: settings.shortLedeWords ?? 25 };
  const fitted = await fitToBudget(digest, budget, (version, omitted) => renderOnce(version, templates, settings, options, omitted));
  return { ...fitted.rendered, size: fitted.report, digest: fitted.digest };
}

async function renderOnce(
  digest: Digest,
  templates: TemplateSet,
  settings: RenderSettings,
  options: RenderOptions,
  omitted: number,
): Promise<Omit<RenderedDigest, 'size' | 'digest'>> {
  const marker = `r${randomBytes(6).toString('hex')}`;
  const data = templateData(digest, settings, marker, omitted);
  const run = (name: TemplateName, extra: object = {}): string => {
    try {
      return templates.render[name]({ ...data, ...extra }, { allowProtoPropertiesByDefault: false });
    } catch (error) {
      throw templateRuntimeError(error, templates, name);
    }
  };

  const subject = oneLine(run('subject'));
  const preheader = oneLine(run('preheader'));
  const { text: mjml, lines } = stripLineMarks(run('layout', { preheader }), templates.lineMarker);
  const text = tidyText(run('text', { preheader }));

  // MJML takes a while to load (load-mjml.ts): on first use, not when the CLI starts.
  const mjml2html = await loadMjml();
  let result: Awaited<ReturnType<typeof mjml2html>>;
  const layoutFile = displayPath(`${templates.dir}/${TEMPLATE_FILES.layout}`);
  try {
    // Not MJML's minify: it costs more than the rest of the render (htmlnano) and needs cssnano
    // for CSS; compactHtml below makes the same saving in a millisecond.
    result = await mjml2html(mjml, {
      validationLevel: options.validation,
      keepComments: false,
      filePath: templates.dir,
    });
  } catch (error) {
    // Strict validation throws with the list of errors; anything else is a broken document.
    const listed = (error as { errors?: MjmlProblem[]; details?: MjmlProblem[] }).errors ?? (error as { details?: MjmlProblem[] }).details;
    if (!listed?.length) {
      throw new TemplateError('TEMPLATE_MJML', `${layoutFile}: MJML could not read the layout: ${(error as Error).message}`, {
        cause: error,
        context: { file: layoutFile } satisfies ErrorContext,
        hint: 'Check that the layout is one <mjml> element with <mj-head> and <mj-body> inside (https://documentation.mjml.io).',
      });
    }
    const problems = mapMjmlProblems(listed, lines);
    const first = problems[0]!;
    throw new TemplateError('TEMPLATE_MJML', `${first.file ?? layoutFile}${first.line ? `:${first.line}` : ''}: MJML rejected the template:\n  ${problems.map(formatRenderWarning).join('\n  ')}`, {
      cause: error,
      context: { file: first.file ?? layoutFile, ...(first.line ? { line: first.line } : {}), problems } satisfies ErrorContext,
      hint: 'Check the MJML tags at the lines named above (https://documentation.mjml.io lists where each tag may go); `digest serve` shows them as you edit.',
    });
  }
  const warnings = mapMjmlProblems(result.errors, lines);
  result.html = compactHtml(result.html);
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
  const entry = `${templates.dir}/${TEMPLATE_FILES[name]}`;
  const message = error instanceof Error ? error.message : String(error);
  const at = (usage: TemplateLocation | undefined) => {
    const file = displayPath(usage?.file ?? entry);
    return { shown: `${file}${usage ? `:${usage.line}` : ''}`, context: { file, ...(usage ? { line: usage.line } : {}) } };
  };
  const partial = /The partial (\S+) could not be found/.exec(message);
  if (partial) {
    const where = at(findUsage(templates, 'partial', partial[1]!));
    return new TemplateError('TEMPLATE_PARTIAL_MISSING', `${where.shown}: uses the partial "${partial[1]}", which does not exist`, {
      cause: error,
      context: where.context,
      hint: `Partials are the files in ${displayPath(`${templates.dir}/partials`)}/ (available: ${[...templates.partials.keys()].join(', ') || 'none'}). Check the name after {{> …}}.`,
    });
  }
  const helper = /Missing helper: "?([^"]+)"?/.exec(message);
  if (helper) {
    const where = at(findUsage(templates, 'helper', helper[1]!));
    return new TemplateError('TEMPLATE_HELPER_MISSING', `${where.shown}: uses "${helper[1]}", which is neither a helper nor a value`, {
      cause: error,
      context: where.context,
      hint: 'templates/README.md lists every helper and value; check the spelling.',
    });
  }
  const where = at(undefined);
  return new TemplateError('TEMPLATE_RUNTIME', `${where.shown}: ${message}`, { cause: error, context: where.context });
}

/**
 * Where a partial or helper is used, for errors Handlebars raises while rendering (they carry no
 * location). The entry templates are searched first, then the partials.
 */
export function findUsage(templates: Pick<TemplateSet, 'trees'>, kind: 'partial' | 'helper', name: string): TemplateLocation | undefined {
  for (const [file, tree] of templates.trees) {
    let found: number | undefined;
    const visit = (node: unknown): void => {
      if (found !== undefined || node === null || typeof node !== 'object') return;
      if (Array.isArray(node)) {
        for (const child of node) visit(child);
        return;
      }
      const n = node as { type?: string; name?: { original?: unknown }; path?: { original?: unknown }; params?: unknown[]; loc?: { start: { line: number } } };
      const isPartial = n.type === 'PartialStatement' || n.type === 'PartialBlockStatement';
      const matches = kind === 'partial' ? isPartial && n.name?.original === name : !isPartial && n.path?.original === name && (n.type === 'SubExpression' || (n.params?.length ?? 0) > 0 || n.type === 'BlockStatement');
      if (matches && n.loc) {
        found = n.loc.start.line;
        return;
      }
      for (const [key, value] of Object.entries(n)) if (key !== 'loc' && typeof value === 'object') visit(value);
    };
    visit(tree);
    if (found !== undefined) return { file, line: found };
  }
  return undefined;
}

/**
 * Removes the indentation MJML writes (about a fifth of its output): every run of whitespace that
 * holds a line break becomes one line break, which a browser shows exactly as before (a space),
 * and <style> blocks lose their spaces. <pre> and <textarea>, where whitespace shows, are kept.
 */
export function compactHtml(html: string): string {
  return html
    .split(/(<(pre|textarea)\b[\s\S]*?<\/\2>)/i)
    .map((part, index) => {
      if (index % 3 === 2) return '';
      if (index % 3 === 1) return part;
      return part
        .replace(/[ \t\r]*\n\s*/g, '\n')
        .replace(/(<style\b[^>]*>)([^<]*)(<\/style>)/g, (_, open: string, css: string, close: string) => `${open}${css.replace(/\s+/g, ' ').replace(/\s*([{};,])\s*/g, '$1').trim()}${close}`);
    })
    .join('');
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
