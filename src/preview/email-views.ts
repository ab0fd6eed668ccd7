/**
 * The preview's "Dark" and "Images off" views of the email (`digest serve`): the same HTML,
 * shown the way a reader would see it in those settings, without changing the rendering.
 *
 *  - Dark: the email's `prefers-color-scheme: dark` rules apply as they do in Apple Mail, iOS
 *    Mail and Outlook.com when the reader's device is in dark mode. (Gmail's apps ignore such
 *    rules and invert colours their own way; no preview can show that.) A frame cannot be told
 *    its own colour scheme, so the media conditions are rewritten: dark ones always hold, light
 *    ones never.
 *  - Images off: what a reader who blocks remote images sees (most mail programs do by default
 *    for unknown senders): every <img> loses its address and keeps its alt text and size.
 */
export interface EmailView {
  dark?: boolean;
  imagesOff?: boolean;
}

export function applyEmailView(html: string, view: EmailView): string {
  let out = html;
  if (view.dark) {
    out = out
      .replace(/\(\s*prefers-color-scheme\s*:\s*dark\s*\)/gi, '(min-width: 0px)')
      .replace(/\(\s*prefers-color-scheme\s*:\s*light\s*\)/gi, '(max-width: 0px)')
      .replace(/<head([^>]*)>/i, '<head$1><style>:root{color-scheme:dark}</style>');
  }
  if (view.imagesOff) {
    out = out.replace(/<img\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi, (_tag, attributes: string) => `<img${attributes.replace(/\s(?:src|srcset)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi, '')}>`);
  }
  return out;
}

/** The view a request asks for: `?dark=1&images=off`. */
export function emailViewOf(params: URLSearchParams): EmailView {
  return { dark: params.get('dark') === '1', imagesOff: params.get('images') === 'off' };
}
