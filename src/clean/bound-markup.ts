/**
 * Bounds on how much markup the clean stage builds into a tree. The largest of the 251 real pages
 * in the shared corpora holds 1.0 MB and 9,900 elements once scripts, styles, SVG and comments are
 * gone; a page many times that is hostile or broken (the fetch stage accepts up to 10 MB), and
 * parsing and scoring all of it would take tens of seconds and gigabytes. Past these bounds only
 * the start of the markup is read: an article's headline, lede and quote are at its start.
 */

/** Characters of markup read (after inert markup is stripped): three times the largest real page. */
export const MAX_MARKUP_CHARS = 3_000_000;
/**
 * Nodes read, counted as elements and character references (the parser makes a text node of
 * every "&amp;"): three times the most in a real page (10,200).
 */
export const MAX_MARKUP_NODES = 20_000;

/**
 * The start of `html` within the bounds, cut before a tag or character reference so that none
 * is split (the parser closes whatever the cut leaves open). Markup within the bounds is
 * returned as it is.
 */
export function boundMarkup(html: string, maxChars = MAX_MARKUP_CHARS, maxNodes = MAX_MARKUP_NODES): string {
  let end = html.length;
  if (end > maxChars) {
    // Inside a tag, cut before it; inside text, cut the text (not back to the last tag, which
    // may be the start of one enormous paragraph).
    const open = html.lastIndexOf('<', maxChars - 1);
    end = open > html.lastIndexOf('>', maxChars - 1) ? open : maxChars;
    if (/[\uD800-\uDBFF]/.test(html[end - 1] ?? '')) end -= 1;
  }
  const node = /<[a-zA-Z]|&(?:#\d|#x[\da-f]|[a-z][a-z\d]*;)/gi;
  let count = 0;
  for (let match = node.exec(html); match && match.index < end; match = node.exec(html)) {
    count += 1;
    if (count > maxNodes) {
      end = match.index;
      break;
    }
  }
  return end === html.length ? html : html.slice(0, end);
}

/** The start of plain text within MAX_MARKUP_CHARS, cut at a space when there is one near. */
export function boundText(text: string, maxChars = MAX_MARKUP_CHARS): string {
  if (text.length <= maxChars) return text;
  const space = text.lastIndexOf(' ', maxChars);
  let end = space > maxChars - 1000 ? space : maxChars;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end -= 1;
  return text.slice(0, end);
}
