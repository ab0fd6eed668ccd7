import sanitizeHtml from 'sanitize-html';

/**
 * The email-safe allowlist for article bodies. Email clients render a small subset of HTML and
 * feed content is hostile, so everything else goes: scripts, styles, frames, forms, event
 * handlers, classes and ids, and any URL scheme but http(s) (and mailto for links).
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'a', 'strong', 'em', 'b', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'q', 'cite', 'abbr', 'code', 'pre',
    'blockquote', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'h2', 'h3', 'h4', 'img', 'figure', 'figcaption', 'hr',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'caption',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'title', 'head', 'iframe', 'object', 'svg', 'math', 'form', 'button', 'select'],
  transformTags: {
    h1: 'h2',
    h5: 'h4',
    h6: 'h4',
    article: 'div',
  },
  exclusiveFilter: (frame) => {
    if (frame.tag === 'img') {
      const size = (value: string | undefined): number | undefined => (value && /^\d+$/.test(value) ? Number(value) : undefined);
      const width = size(frame.attribs.width);
      const height = size(frame.attribs.height);
      return !frame.attribs.src || (width !== undefined && width <= 2) || (height !== undefined && height <= 2);
    }
    return false;
  },
};

/** Sanitises body HTML to the email-safe allowlist. Expects URLs already made absolute. */
export function sanitizeBody(html: string): string {
  return sanitizeHtml(html, OPTIONS)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
