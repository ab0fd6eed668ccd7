import type { ArticleInput } from '../../src/clean/clean-article.js';

/**
 * Hostile and broken article inputs (issue 3, "Bad input"), built deterministically. The tests
 * assert what each extracts; `npm run bench` times each.
 */

export const SENTENCE = 'The council approved the harbour budget on Tuesday after a long debate about the sea wall.';
const MB = 1024 * 1024;

/** Deterministic bytes (a linear congruential generator), so every run sees the same garbage. */
export function garbageBytes(length: number, seed = 42): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

function repeatTo(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length));
}

const quote = (index: number): string => `“We will finish the sea wall before the winter storms arrive, whatever it costs,” said Jane Doe, the harbour master, on day ${index + 1}.`;

export const badInputs = {
  'empty input': (): ArticleInput => ({}),
  'empty HTML and text': (): ArticleInput => ({ html: '  \n ', text: '' }),
  'empty page': (): ArticleInput => ({ html: '<!doctype html><html><head><title></title></head><body></body></html>' }),
  'empty elements': (): ArticleInput => ({ html: '<p></p><div> </div><p>&nbsp;</p><br><br>' }),
  'binary garbage (UTF-8)': (): ArticleInput => ({ html: garbageBytes(MB).toString('utf8') }),
  'binary garbage (Latin-1)': (): ArticleInput => ({ html: garbageBytes(MB).toString('latin1') }),
  'binary garbage in a page': (): ArticleInput => ({ html: `<html><body>${garbageBytes(MB).toString('latin1')}</body></html>` }),
  'binary garbage as text': (): ArticleInput => ({ title: 'Upload', text: garbageBytes(MB).toString('utf8') }),
  '10 MB page of paragraphs': (): ArticleInput => ({
    html: `<!doctype html><html><head><title>Budget approved</title></head><body><article>${repeatTo(`<p>${SENTENCE} ${SENTENCE} ${SENTENCE}</p>\n`, 10 * MB)}</article></body></html>`,
    url: 'https://news.example.com/budget',
  }),
  '10 MB fragment': (): ArticleInput => ({ html: repeatTo(`<p>${SENTENCE} ${SENTENCE}</p>`, 10 * MB) }),
  '10 MB paragraph': (): ArticleInput => ({ html: `<html><body><article><p>${repeatTo(`${SENTENCE} `, 10 * MB)}</p></article></body></html>` }),
  '10 MB of text': (): ArticleInput => ({ text: `Budget approved\n\n${repeatTo(`${SENTENCE} ${SENTENCE}\n\n`, 10 * MB)}` }),
  '10 MB of div soup': (): ArticleInput => ({ html: `<html><body>${repeatTo('<div>x</div>', 10 * MB)}</body></html>` }),
  '10 MB of links': (): ArticleInput => ({ html: `<html><body><p>${SENTENCE}</p><p>${repeatTo('<a href="/x">link</a> ', 10 * MB)}</p></body></html>`, url: 'https://news.example.com/' }),
  '10 MB of character references': (): ArticleInput => ({ html: `<p>${SENTENCE}</p><p>${repeatTo('&amp;&#8220;&#x201D;&nbsp;', 10 * MB)}</p>` }),
  '10 MB comment left open': (): ArticleInput => ({ html: `<html><body><p>${SENTENCE}</p><!--${repeatTo('<p>hidden</p>', 10 * MB)}</body></html>` }),
  '50,000 nested divs': (): ArticleInput => ({ html: `<html><body>${'<div>'.repeat(50_000)}<p>${SENTENCE}</p>${'</div>'.repeat(50_000)}</body></html>` }),
  '50,000 unclosed divs': (): ArticleInput => ({ html: `<html><body>${'<div><span>'.repeat(50_000)}<p>${SENTENCE}</p></body></html>` }),
  '100,000 nested inline tags': (): ArticleInput => ({ html: `<html><body><p>${'<b><i>'.repeat(50_000)}${SENTENCE}</p></body></html>` }),
  '5,000 nested tables': (): ArticleInput => ({ html: `<html><body>${'<table><tr><td>'.repeat(5_000)}${SENTENCE}${'</td></tr></table>'.repeat(5_000)}</body></html>` }),
  'a thousand straight quotation marks': (): ArticleInput => ({ html: `<p>${SENTENCE}</p><p>${'"'.repeat(1_000)}</p>` }),
  'a thousand curly quotation marks': (): ArticleInput => ({ html: `<p>${SENTENCE}</p><p>${'“ ”'.repeat(500)}</p>` }),
  'a thousand short quotations': (): ArticleInput => ({ html: `<p>${SENTENCE}</p><p>${'He said "yes" and "no" and '.repeat(500)}</p>` }),
  'a thousand quotation paragraphs': (): ArticleInput => ({ html: `<p>${SENTENCE}</p>${Array.from({ length: 1_000 }, (_, index) => `<p>${quote(index)}</p>`).join('')}` }),
  'a thousand quotations in one paragraph': (): ArticleInput => ({
    html: `<p>${SENTENCE}</p><p>${Array.from({ length: 1_000 }, (_, index) => `“We will finish section ${index} of the sea wall before the winter,” said Jane Doe.`).join(' ')}</p>`,
  }),
  'unbalanced curly quotes': (): ArticleInput => ({ html: `<p>${SENTENCE}</p><p>${'“We will finish the wall, said Jane Doe. '.repeat(1_000)}</p>` }),
  'unbalanced straight quotes': (): ArticleInput => ({ html: `<p>${SENTENCE}</p><p>${'"We will finish the wall, said Jane Doe. '.repeat(1_001)}</p>` }),
  'unbalanced guillemets and low quotes': (): ArticleInput => ({
    html: `<p>${SENTENCE}</p>${Array.from({ length: 1_000 }, (_, index) => `<p>${index % 2 ? '«' : '„'}Quoted words number ${index} go on and on, said Mayor Smith${index % 3 ? '»' : ''}</p>`).join('')}`,
  }),
  'a closing quote first': (): ArticleInput => ({ html: `<p>${SENTENCE}</p><p>” said nobody. “And then the paragraph ends</p><p>” and another “ opens</p>` }),
} satisfies Record<string, () => ArticleInput>;

export type BadInputName = keyof typeof badInputs;
