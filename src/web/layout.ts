import type { ResolvedConfig } from '../config/resolve-config.js';
import { html, raw, type SafeHtml } from './html.js';

/** What every page of `digest web` shows around its content, from the config. */
export interface Site {
  title: string;
  tagline: string | undefined;
  /** `web.baseUrl`, or undefined (links on pages are relative then). */
  baseUrl: string | undefined;
  locale: string;
  timezone: string;
  archive: boolean;
  subscribe: boolean;
  colors: { accent: string; text: string; background: string; content: string; muted: string; divider: string };
  fonts: { body: string; heading: string };
}

const COLOR = /^(#[0-9a-f]{3,8}|[a-z]{3,20}|(rgb|rgba|hsl|hsla)\([0-9.,%\s]+\))$/i;
const FONT = /^[\w\s,'"-]+$/;

/** A theme value for the page's CSS, or the fallback when it is not a plain colour or font list. */
function safe(value: unknown, pattern: RegExp, fallback: string): string {
  return typeof value === 'string' && pattern.test(value.trim()) ? value.trim() : fallback;
}

export function siteFrom(config: Pick<ResolvedConfig, 'title' | 'tagline' | 'web' | 'locale' | 'timezone' | 'theme'>): Site {
  const theme = config.theme;
  return {
    title: config.title,
    tagline: config.tagline,
    baseUrl: config.web.baseUrl,
    locale: config.locale,
    timezone: config.timezone,
    archive: config.web.archive,
    subscribe: config.web.subscribe,
    colors: {
      accent: safe(theme.accentColor, COLOR, '#c2410c'),
      text: safe(theme.textColor, COLOR, '#1f2933'),
      background: safe(theme.backgroundColor, COLOR, '#f4f1ec'),
      content: safe(theme.contentBackgroundColor, COLOR, '#ffffff'),
      muted: safe(theme.mutedColor, COLOR, '#6b7280'),
      divider: safe(theme.dividerColor, COLOR, '#e5e7eb'),
    },
    fonts: { body: safe(theme.fontFamily, FONT, 'Georgia, serif'), heading: safe(theme.headingFontFamily, FONT, 'Helvetica, Arial, sans-serif') },
  };
}

/** How many folders below the site root a page sits (so its links work served or as static files). */
export type Depth = number;

function root(depth: Depth): string {
  return depth <= 0 ? './' : '../'.repeat(depth);
}

/** The depth of a request path: /x → 0, /archive/ → 1, /archive/12/ → 2. */
export function depthOf(pathname: string): Depth {
  return Math.max(0, pathname.split('/').length - 2);
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** How deep the page is below the site root (for relative links). */
  depth?: Depth;
  /** Extra elements in <head>. */
  head?: SafeHtml;
  /** Whether search engines may index it (the archive); pages with personal links never. */
  index?: boolean;
}

/** A whole page: the digest's name, the content, and links to the archive and the sign-up form. */
export function page(site: Site, options: PageOptions): string {
  const c = site.colors;
  const up = root(options.depth ?? 0);
  const css = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:${c.background};color:${c.text};font-family:${site.fonts.body};font-size:17px;line-height:1.55}
main{max-width:640px;margin:0 auto;padding:24px 16px 48px}
.card{background:${c.content};border-radius:6px;padding:28px 28px 24px;margin-top:12px}
header a{color:inherit;text-decoration:none}
header{font-family:${site.fonts.heading};padding:8px 4px 0}
header .name{font-size:22px;font-weight:700}
header .tagline{color:${c.muted};font-size:14px}
h1{font-family:${site.fonts.heading};font-size:24px;line-height:1.25;margin:0 0 12px}
h2{font-family:${site.fonts.heading};font-size:18px;margin:24px 0 8px}
a{color:${c.accent}}
p{margin:0 0 14px}
.muted{color:${c.muted};font-size:14px}
label{display:block;margin:10px 0 4px;font-family:${site.fonts.heading};font-size:15px}
input[type=email],input[type=text]{display:block}
input[type=email],input[type=text],select{width:100%;max-width:420px;padding:10px 12px;font-size:16px;border:1px solid ${c.divider};border-radius:4px;background:#fff;color:inherit}
.check{display:flex;gap:10px;align-items:center;margin:6px 0;font-family:${site.fonts.body};font-size:16px}
.check input{width:20px;height:20px;margin:0}
button{font-family:${site.fonts.heading};font-size:16px;padding:11px 20px;border-radius:4px;border:1px solid ${c.accent};background:${c.accent};color:#fff;cursor:pointer;margin:12px 8px 0 0}
button.quiet{background:transparent;color:${c.accent}}
fieldset{border:0;padding:0;margin:0 0 8px}
legend{font-family:${site.fonts.heading};font-weight:700;margin-bottom:4px}
hr{border:0;border-top:1px solid ${c.divider};margin:24px 0}
ol.issues{list-style:none;padding:0;margin:0}
ol.issues li{padding:12px 0;border-bottom:1px solid ${c.divider}}
ol.issues .date{color:${c.muted};font-size:14px;font-family:${site.fonts.heading}}
footer{margin-top:20px;text-align:center;font-family:${site.fonts.heading};font-size:13px;color:${c.muted}}
footer a{color:${c.muted}}
.hp{position:absolute;left:-5000px;width:1px;height:1px;overflow:hidden}
`;
  const links = [
    site.archive ? html`<a href="${up}archive/">Past issues</a>` : null,
    site.archive ? html`<a href="${up}archive/feed.xml">RSS</a>` : null,
    site.subscribe ? html`<a href="${up}subscribe">Subscribe</a>` : null,
  ].filter((link): link is SafeHtml => link !== null);
  return `<!doctype html>${html`<html lang="${site.locale.split('-')[0] ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="${options.index ? 'index,follow' : 'noindex,nofollow'}">
<title>${options.title} · ${site.title}</title>
<style>${raw(css)}</style>
${site.archive ? html`<link rel="alternate" type="application/rss+xml" title="${site.title}" href="${up}archive/feed.xml">` : ''}
${options.head ?? ''}
</head>
<body>
<main>
<header><a href="${up}${site.archive ? 'archive/' : ''}"><div class="name">${site.title}</div>${site.tagline ? html`<div class="tagline">${site.tagline}</div>` : ''}</a></header>
<div class="card">
${options.body}
</div>
<footer>${links.map((link, i) => html`${i ? ' · ' : ''}${link}`)}</footer>
</main>
</body>
</html>`.value}`;
}
