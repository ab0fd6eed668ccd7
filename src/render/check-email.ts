import { parseHTML } from 'linkedom';

/**
 * The checks the preview server lists next to the email: things that make an email look broken,
 * get it clipped or filtered, or break the law on bulk mail, and that a template edit can cause.
 */

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

function describe(element: Element): string {
  const html = element.outerHTML.replace(/\s+/g, ' ');
  return html.length > 140 ? `${html.slice(0, 137)}…` : html;
}

/** Checks one personalised email's HTML. Pure: no network, no disk. */
export function checkEmail(html: string, options: CheckEmailOptions = {}): EmailCheck[] {
  const { document } = parseHTML(html);
  const checks: EmailCheck[] = [];

  const lang = document.documentElement?.getAttribute('lang') ?? '';
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

  const images = Array.from(document.querySelectorAll('img')) as Element[];
  const noAlt = images.filter((img) => !(img.getAttribute('alt') ?? '').trim());
  checks.push({
    id: 'image-alt',
    ok: noAlt.length === 0,
    label: 'Images have alt text',
    detail: noAlt.length === 0 ? `${images.length} image${images.length === 1 ? '' : 's'}, all with alt text` : `${noAlt.length} of ${images.length} images have no alt text: readers who block images, and screen readers, see nothing. Add alt="…" to the <mj-image>.`,
    ...(noAlt.length ? { examples: noAlt.slice(0, MAX_EXAMPLES).map(describe) } : {}),
  });

  const links = Array.from(document.querySelectorAll('a')) as Element[];
  const noHref = links.filter((a) => {
    const href = (a.getAttribute('href') ?? '').trim();
    return href === '' || href === '#' || /^javascript:/i.test(href);
  });
  checks.push({
    id: 'link-href',
    ok: noHref.length === 0,
    label: 'Links go somewhere',
    detail: noHref.length === 0 ? `${links.length} link${links.length === 1 ? '' : 's'}, all with an address` : `${noHref.length} link${noHref.length === 1 ? ' has' : 's have'} no address (href): they do nothing when clicked. Wrap them in {{#if url}}…{{/if}}.`,
    ...(noHref.length ? { examples: noHref.slice(0, MAX_EXAMPLES).map(describe) } : {}),
  });

  const insecure = images.filter((img) => /^http:\/\//i.test(img.getAttribute('src') ?? ''));
  checks.push({
    id: 'http-images',
    ok: insecure.length === 0,
    label: 'Images over https',
    detail: insecure.length === 0 ? 'no http:// images' : `${insecure.length} image${insecure.length === 1 ? ' is' : 's are'} loaded over plain http: some mail programs block them or warn. Use https:// addresses.`,
    ...(insecure.length ? { examples: insecure.slice(0, MAX_EXAMPLES).map((img) => img.getAttribute('src') ?? '') } : {}),
  });

  const unsubscribe = options.unsubscribeUrl;
  const hasLink = unsubscribe !== undefined && links.some((a) => a.getAttribute('href') === unsubscribe);
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
