/**
 * The checks the preview server lists next to the email: things that make an email look broken,
 * get it clipped or filtered, or break the law on bulk mail, and that a template edit can cause.
 */

import { decodeBasicEntities } from '../text/basic-entities.js';

/** Gmail clips a message whose HTML is larger than this ("[Message clipped]"), hiding its end. */
export const GMAIL_CLIP_BYTES = 102_000;

export interface EmailCheck {
  id: 'lang' | 'preheader' | 'image-alt' | 'link-href' | 'http-images' | 'unsubscribe' | 'size';
  ok: boolean;
  /** What is checked, in a few words. */
  label: string;
  /** What was found, and what to do when it is a problem. */
  detail: string;
  /** The offending elements, shortened. */
  examples?: string[];
}

export interface CheckEmailOptions {
  /** The reader's unsubscribe URL (after personalisation), when one is configured. */
  unsubscribeUrl?: string | undefined;
  preheader?: string;
  /** Size budget in bytes (config `maxHtmlKilobytes`), for the size check. */
  maxBytes?: number | null;
}

const MAX_EXAMPLES = 5;

interface Tag {
  name: string;
  attributes: Map<string, string>;
  source: string;
}


/**
 * The <html>, <img> and <a> tags of an email, with their attributes. A scan rather than a DOM:
 * MJML's output is regular, and this runs on every save in the preview server (a DOM of a 100 KB
 * email takes tens of milliseconds to build). Outlook-only conditional comments are skipped.
 */
function scanTags(html: string): Tag[] {
  const visible = html.replace(/<!--[\s\S]*?-->/g, '');
  const tags: Tag[] = [];
  for (const match of visible.matchAll(/<(html|img|a)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi)) {
    const attributes = new Map<string, string>();
    for (const attribute of match[2]!.matchAll(/([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
      attributes.set(attribute[1]!.toLowerCase(), decodeBasicEntities(attribute[2] ?? attribute[3] ?? attribute[4] ?? ''));
    }
    tags.push({ name: match[1]!.toLowerCase(), attributes, source: match[0] });
  }
  return tags;
}

function describe(tag: Tag): string {
  const html = tag.source.replace(/\s+/g, ' ');
  return html.length > 140 ? `${html.slice(0, 137)}…` : html;
}

/** Checks one personalised email's HTML. Pure: no network, no disk. */
export function checkEmail(html: string, options: CheckEmailOptions = {}): EmailCheck[] {
  const tags = scanTags(html);
  const checks: EmailCheck[] = [];

  const lang = tags.find((tag) => tag.name === 'html')?.attributes.get('lang') ?? '';
  checks.push({
    id: 'lang',
    ok: lang !== '',
    label: 'Language set',
    detail: lang ? `<html lang="${lang}">` : 'no lang on <html>: screen readers guess the language. Keep lang="{{lang}}" on <mjml>.',
  });

  const preheader = options.preheader?.trim() ?? '';
  checks.push({
    id: 'preheader',
    ok: preheader !== '',
    label: 'Preheader',
    detail: preheader ? `“${preheader.length > 90 ? `${preheader.slice(0, 87)}…` : preheader}”` : 'empty: inboxes show the first words of the email instead. Fill in preheader.hbs.',
  });

  // alt="" is right for a picture beside the headline it illustrates (decoration: a reader who
  // blocks images or listens to the email is not told the headline twice); a missing alt makes
  // mail programs and screen readers show or read out the file name instead.
  const images = tags.filter((tag) => tag.name === 'img');
  const noAlt = images.filter((img) => {
    const alt = img.attributes.get('alt');
    return alt === undefined || (alt !== '' && alt.trim() === '');
  });
  const described = images.filter((img) => (img.attributes.get('alt') ?? '').trim()).length;
  checks.push({
    id: 'image-alt',
    ok: noAlt.length === 0,
    label: 'Images have alt text',
    detail:
      noAlt.length === 0
        ? `${images.length} image${images.length === 1 ? '' : 's'}, all with an alt attribute (${described} described, ${images.length - described} decorative: alt="")`
        : `${noAlt.length} of ${images.length} images have no alt text (or only spaces): readers who block images, and screen readers, get the file name or nothing useful. Add alt="…" (a description), or alt="" for a picture that only decorates a headline next to it.`,
    ...(noAlt.length ? { examples: noAlt.slice(0, MAX_EXAMPLES).map(describe) } : {}),
  });

  const links = tags.filter((tag) => tag.name === 'a');
  const noHref = links.filter((a) => {
    const href = (a.attributes.get('href') ?? '').trim();
    return href === '' || href === '#' || /^javascript:/i.test(href);
  });
  checks.push({
    id: 'link-href',
    ok: noHref.length === 0,
    label: 'Links go somewhere',
    detail: noHref.length === 0 ? `${links.length} link${links.length === 1 ? '' : 's'}, all with an address` : `${noHref.length} link${noHref.length === 1 ? ' has' : 's have'} no address (href): they do nothing when clicked. Wrap them in {{#if url}}…{{/if}}.`,
    ...(noHref.length ? { examples: noHref.slice(0, MAX_EXAMPLES).map(describe) } : {}),
  });

  const insecure = images.filter((img) => /^http:\/\//i.test(img.attributes.get('src') ?? ''));
  checks.push({
    id: 'http-images',
    ok: insecure.length === 0,
    label: 'Images over https',
    detail: insecure.length === 0 ? 'no http:// images' : `${insecure.length} image${insecure.length === 1 ? ' is' : 's are'} loaded over plain http: some mail programs block them or warn. Use https:// addresses.`,
    ...(insecure.length ? { examples: insecure.slice(0, MAX_EXAMPLES).map((img) => img.attributes.get('src') ?? '') } : {}),
  });

  const unsubscribe = options.unsubscribeUrl;
  const hasLink = unsubscribe !== undefined && links.some((a) => a.attributes.get('href') === unsubscribe);
  checks.push({
    id: 'unsubscribe',
    ok: hasLink,
    label: 'Unsubscribe link',
    detail: hasLink
      ? 'present'
      : unsubscribe === undefined
        ? 'no unsubscribe link: set unsubscribeUrl in the config (bulk mail without one is often filtered as spam).'
        : 'unsubscribeUrl is configured but no link in the email uses it: keep <a href="{{unsubscribeUrl}}"> in the footer.',
  });

  const bytes = Buffer.byteLength(html);
  const budget = options.maxBytes ?? null;
  const over = bytes > GMAIL_CLIP_BYTES || (budget !== null && bytes > budget);
  checks.push({
    id: 'size',
    ok: !over,
    label: 'Size',
    detail: `${(bytes / 1000).toFixed(1)} KB of HTML; Gmail clips at about ${GMAIL_CLIP_BYTES / 1000} KB${budget !== null ? `, budget ${budget / 1000} KB` : ''}${over ? ': the end of the email (and its unsubscribe link) may be hidden' : ''}`,
  });
  return checks;
}
