import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { corporaDir } from './corpora.js';

export interface SeedExpectation {
  headline: string;
  lede_starts_with: string;
  lede_max_words: number;
  key_quote_any_of: string[];
  key_quote_speaker: string;
  must_not_appear_anywhere: string[];
}

export const seedDir = path.join(corporaDir, 'seed');
export const hasSeed = existsSync(path.join(seedDir, 'expected.json')) && existsSync(path.join(seedDir, 'no-deal.txt'));

/** The URL the HTML form of the seed pretends to come from (relative links resolve against it). */
export const seedUrl = 'https://news.example.com/2019/02/28/no-deal/';

export function loadSeedText(): string {
  return readFileSync(path.join(seedDir, 'no-deal.txt'), 'utf8');
}

export function loadSeedExpectation(): SeedExpectation {
  return JSON.parse(readFileSync(path.join(seedDir, 'expected.json'), 'utf8')) as SeedExpectation;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The seed as a WordPress feed would deliver it: its paragraphs as <p>s inside the
 * content:encoded fixture, around the fixture's advertisement block. The seed's own furniture
 * blocks (the "— Advertisement —" line, the comment-form labels) are what the fixture renders
 * as HTML, so they are not repeated as paragraphs.
 */
export function seedAsWordPressHtml(): { title: string; html: string } {
  const text = loadSeedText().replace(/\r\n?/g, '\n');
  const [title = '', ...blocks] = text.split(/\n\s*\n/).map((block) => block.trim());
  const advertisement = blocks.findIndex((block) => /^—\s*Advertisement\s*—$/.test(block));
  const paragraphs = (list: string[]): string =>
    list
      .filter((block) => block !== '' && !/^Please enter your comment!/.test(block))
      .map((block) => `<p>${escapeHtml(block).replace(/’/g, '&#8217;').replace(/“/g, '&#8220;').replace(/”/g, '&#8221;')}</p>`)
      .join('\n');
  const fixture = readFileSync(fileURLToPath(new URL('../fixtures/wordpress-content-encoded.html', import.meta.url)), 'utf8');
  const html = fixture
    .replace('{{paragraphs-before-advertisement}}', () => paragraphs(blocks.slice(0, advertisement)))
    .replace('{{paragraphs-after-advertisement}}', () => paragraphs(blocks.slice(advertisement + 1)));
  return { title: title.replace(/’/g, '&#8217;'), html };
}
