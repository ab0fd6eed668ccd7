import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { ConfigError, StateError } from '../errors.js';
import { fillTokens } from '../render/personalise.js';
import { WEB_VARIANT } from '../audience/readers.js';
import { issueUrl } from '../audience/reader-links.js';
import { StateStore, type ArchivedIssue } from '../state/state-store.js';
import { escapeHtml, escapeXml, html, raw } from './html.js';
import { page, siteFrom, type Site } from './layout.js';

/**
 * The archive of past digests: an index (newest first), one page per digest (its stored
 * rendering, with every per-reader part blanked: no address, no name, no personal link), and an
 * RSS feed of the issues. `digest web` serves it; `digest archive --out DIR` writes the same
 * pages as files. Pages link to each other relatively, so the files work wherever they are put.
 */

/** How many issues the feed carries. */
export const FEED_ISSUES = 30;

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function formatDate(iso: string, site: Site): string {
  const key = `${site.locale}\0${site.timezone}`;
  let format = dateFormats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(site.locale, { dateStyle: 'long', timeZone: site.timezone });
    } catch {
      format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });
    }
    dateFormats.set(key, format);
  }
  return format.format(new Date(iso));
}

/** When an issue went out: the slot it served, else when its run started. */
function issueDate(issue: Pick<ArchivedIssue, 'slot' | 'startedAt'>): string {
  return issue.slot ?? issue.startedAt;
}

/** The archive's index page (at /archive/). */
export function archiveIndexPage(site: Site, issues: readonly ArchivedIssue[]): string {
  // A thousand issues: each line is built as a string (escaped value by value) rather than as
  // nested templates, and each day's date is formatted once.
  const dates = new Map<string, string>();
  const dateOf = (issue: ArchivedIssue) => {
    const iso = issueDate(issue);
    const day = iso.slice(0, 13);
    let shown = dates.get(day);
    if (shown === undefined) dates.set(day, (shown = escapeHtml(formatDate(iso, site))));
    return shown;
  };
  const lines = issues.map(
    (issue) =>
      `<li><div class="date">${dateOf(issue)}</div><a href="${issue.id}/">${escapeHtml(issue.subject)}</a>${issue.itemCount ? ` <span class="muted">· ${issue.itemCount} ${issue.itemCount === 1 ? 'story' : 'stories'}</span>` : ''}</li>\n`,
  );
  const body = html`<h1>Past issues</h1>
${issues.length === 0 ? html`<p>No digest has gone out yet.</p>` : ''}
<ol class="issues">
${raw(lines.join(''))}</ol>
<p class="muted">Follow new issues in a feed reader: <a href="feed.xml">RSS</a>.</p>`;
  return page(site, { title: 'Past issues', body, depth: 1, index: true });
}

/**
 * One issue's page (at /archive/<id>/): the email as sent, with the per-reader values blanked
 * and a bar linking back to the index. The full rendering is used when the email had to leave
 * stories out (`web` variant), so "N more stories" links lead to all of them.
 */
export function archiveIssuePage(site: Site, store: StateStore, id: number): string | undefined {
  if (!store.isArchived(id)) return undefined;
  const run = store.getRun(id)!;
  const rendering = store.runVariant(id, WEB_VARIANT) ?? run;
  const base = site.baseUrl ?? '..';
  // No reader: the address reads "you" ("… because you subscribed to it"), name and fields are
  // empty, and the personal links lead to pages saying where the reader's own links are.
  const values = new Map<string, string>([
    ['email', 'you'],
    ['unsubscribeUrl', `${base}/unsubscribe`],
    ['preferencesUrl', `${base}/preferences`],
    ['webVersionUrl', site.baseUrl ? issueUrl(site.baseUrl, id) : './'],
  ]);
  const { html: email } = fillTokens(rendering, values);
  const bar = html`<div style="font-family:${raw(site.fonts.heading)};font-size:14px;padding:10px 16px;text-align:center;background:${raw(site.colors.content)};border-bottom:1px solid ${raw(site.colors.divider)}"><a href="../" style="color:${raw(site.colors.accent)}">← ${site.title}: past issues</a> · <span style="color:${raw(site.colors.muted)}">${formatDate(issueDate(run), site)}</span></div>`;
  const head = html`<meta name="referrer" content="no-referrer"><link rel="alternate" type="application/rss+xml" title="${site.title}" href="../feed.xml">`;
  // The rendering is a whole document MJML made (its values were escaped when it was rendered).
  return email.replace(/<head(\s[^>]*)?>/i, (open) => `${open}${head.value}`).replace(/<body([^>]*)>/i, (open) => `${open}${bar.value}`);
}

/** RSS 2.0 of the latest issues, each with its stories as a list. Needs the public address. */
export function archiveFeed(site: Site, store: StateStore, baseUrl: string, limit = FEED_ISSUES): string {
  const issues = store.archivedIssues(limit);
  const channelLink = `${baseUrl}/archive/`;
  const items = issues.map((issue) => {
    const stories = store.runStories(issue.id);
    const list = html`${issue.preheader ? html`<p>${issue.preheader}</p>` : ''}<ul>${stories.map((s) => html`<li>${s.url ? html`<a href="${s.url}">${s.title ?? s.url}</a>` : (s.title ?? '')}</li>`)}</ul>`;
    const link = issueUrl(baseUrl, issue.id);
    return `<item>
<title>${escapeXml(issue.subject)}</title>
<link>${escapeXml(link)}</link>
<guid isPermaLink="true">${escapeXml(link)}</guid>
<pubDate>${new Date(issueDate(issue)).toUTCString()}</pubDate>
<description>${escapeXml(list.value)}</description>
</item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${escapeXml(site.title)}</title>
<link>${escapeXml(channelLink)}</link>
<description>${escapeXml(site.tagline ?? `Past issues of ${site.title}`)}</description>
<language>${escapeXml(site.locale)}</language>
<atom:link href="${escapeXml(`${baseUrl}/archive/feed.xml`)}" rel="self" type="application/rss+xml"/>
${issues[0] ? `<lastBuildDate>${new Date(issueDate(issues[0])).toUTCString()}</lastBuildDate>\n` : ''}${items.join('\n')}
</channel>
</rss>
`;
}

export interface ArchiveWriteResult {
  dir: string;
  issues: number;
  files: string[];
}

/**
 * `digest archive --out DIR`: the archive as static files, laid out as `digest web` serves it
 * (DIR/archive/index.html, DIR/archive/<id>/index.html, DIR/archive/feed.xml): publish DIR as
 * the site's root. The feed needs the public address (`web.baseUrl`, or `baseUrl` here).
 */
export function writeArchive(config: ResolvedConfig, outDir: string, options: { baseUrl?: string } = {}): ArchiveWriteResult {
  const baseUrl = (options.baseUrl ?? config.web.baseUrl)?.replace(/\/+$/, '');
  if (!baseUrl) {
    throw new ConfigError('ARCHIVE_NO_BASE_URL', 'the archive needs the public address it will be published at (for its feed and its links)', {
      hint: 'Set web.baseUrl in the config, or pass --base-url https://digest.example.com',
    });
  }
  try {
    const parsed = new URL(baseUrl);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    throw new ConfigError('ARCHIVE_BAD_BASE_URL', `"${baseUrl}" is not an http(s) address`, { hint: 'Give the address the archive will be published at, e.g. --base-url https://digest.example.com' });
  }
  if (config.statePath === ':memory:') {
    throw new StateError('ARCHIVE_NO_STATE', 'there is no state file to read past digests from', { hint: 'Point `state:` at the file `digest run` uses.' });
  }
  const site = { ...siteFrom(config), baseUrl, archive: true };
  const store = StateStore.open(config.statePath);
  const files: string[] = [];
  const write = (relative: string, content: string) => {
    const file = path.join(outDir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    // Whole or not at all: a web server never serves half a page.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, content);
    renameSync(temporary, file);
    files.push(file);
  };
  try {
    const issues = store.archivedIssues();
    write('archive/index.html', archiveIndexPage(site, issues));
    write('archive/feed.xml', archiveFeed(site, store, baseUrl));
    for (const issue of issues) write(`archive/${issue.id}/index.html`, archiveIssuePage(site, store, issue.id)!);
    return { dir: outDir, issues: issues.length, files };
  } finally {
    store.close();
  }
}
