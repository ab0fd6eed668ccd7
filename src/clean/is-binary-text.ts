/**
 * Binary data that arrived as text (an image or archive served as the article, a body decoded in
 * the wrong way): control characters and replacement characters, which real text has next to
 * none of. Random bytes decode to about a quarter of them (as Latin-1) or over half (as UTF-8);
 * a page whose whole text is mis-decoded (mojibake) stays under a few percent.
 */

/** C0 controls other than tab, line feed, form feed and carriage return; DEL; C1 controls; U+FFFD. */
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f\ufffd]/g;
/** Characters looked at: enough to tell, bounded for a 10 MB input. */
const SAMPLE = 65_536;
/** Share of control characters above which the input is not text. */
const THRESHOLD = 0.1;

export function isBinaryText(text: string): boolean {
  const sample = text.length > SAMPLE ? text.slice(0, SAMPLE) : text;
  if (sample.length === 0) return false;
  const controls = sample.match(CONTROL)?.length ?? 0;
  return controls / sample.length > THRESHOLD;
}
