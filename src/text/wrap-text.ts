/**
 * Wrapping plain text (an email's text part) at a width in columns, as a terminal or a
 * fixed-width mail reader shows it.
 *
 * Words are kept whole, so a long address stays one line a reader can copy. Chinese and
 * Japanese, which have no spaces between words, may break between any two of their characters,
 * except before closing punctuation (、。，」 and the like, which never start a line) and after
 * opening brackets; their characters take two columns each, as East Asian wide characters do.
 */
import { UNSPACED } from './plain-text.js';

/** Characters a fixed-width display gives two columns (East Asian Wide and Fullwidth). */
const WIDE = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]/u;
/** Punctuation that stays on the line of what it follows. */
const CLOSING = /^[、。，．：；！？）」』】〕〉》〙〗ー…‥・,.:;!?)\]}’”]$/u;
/** Brackets that stay on the line of what they open. */
const OPENING = /^[（「『【〔〈《〘〖([{‘“]$/u;

/** Columns `text` takes: two for a wide character, one for any other. */
export function textColumns(text: string): number {
  let columns = 0;
  for (const character of text) columns += WIDE.test(character) ? 2 : 1;
  return columns;
}

interface Piece {
  text: string;
  /** Whether a space came before it in the text (a break there drops the space). */
  spaced: boolean;
}

/** A paragraph as the pieces a line may break between. */
function pieces(paragraph: string): Piece[] {
  const result: Piece[] = [];
  for (const word of paragraph.split(/\s+/).filter(Boolean)) {
    if (!UNSPACED.test(word)) {
      result.push({ text: word, spaced: true });
      continue;
    }
    // Each character of Chinese or Japanese is a piece; runs of anything else stay together.
    const parts: string[] = [];
    let previous: string | undefined;
    for (const character of word) {
      const joinsPrevious =
        previous !== undefined && (CLOSING.test(character) || OPENING.test(previous) || (!UNSPACED.test(character) && !UNSPACED.test(previous)));
      if (joinsPrevious) parts[parts.length - 1] += character;
      else parts.push(character);
      previous = character;
    }
    parts.forEach((text, index) => result.push({ text, spaced: index === 0 }));
  }
  return result;
}

/** `text` wrapped at `width` columns; its own line breaks are kept. */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((paragraph) => {
      const lines: string[] = [];
      let line = '';
      let columns = 0;
      for (const piece of pieces(paragraph)) {
        const pieceColumns = textColumns(piece.text);
        const gap = line && piece.spaced ? 1 : 0;
        if (line && columns + gap + pieceColumns > width) {
          lines.push(line);
          line = piece.text;
          columns = pieceColumns;
        } else {
          line += (gap ? ' ' : '') + piece.text;
          columns += gap + pieceColumns;
        }
      }
      if (line) lines.push(line);
      return lines.join('\n');
    })
    .join('\n');
}
