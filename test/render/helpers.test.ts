import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { helpers } from '../../src/render/helpers.js';

function render(source: string, data: object = {}): string {
  const hbs = Handlebars.create();
  for (const [name, helper] of Object.entries(helpers)) hbs.registerHelper(name, helper as Handlebars.HelperDelegate);
  return hbs.compile(source, { noEscape: true })(data);
}

describe('template helpers', () => {
  const date = new Date('2026-03-29T00:30:00Z');

  it('formatDate uses the digest’s locale and time zone', () => {
    expect(render('{{formatDate d "full"}}', { d: date, locale: 'en-GB', timezone: 'UTC' })).toMatch(/^Sunday,? 29 March 2026$/);
    expect(render('{{formatDate d "full"}}', { d: date, locale: 'en-US', timezone: 'America/New_York' })).toMatch(/^Saturday,? March 28,? 2026$/);
    expect(render('{{formatDate d "time"}}', { d: date, locale: 'en-GB', timezone: 'Europe/London' })).toBe('00:30');
    expect(render('{{formatDate d "long"}}', { d: date, locale: 'de-DE', timezone: 'Europe/Berlin' })).toBe('29. März 2026');
    expect(render('[{{formatDate nothing "full"}}]', {})).toBe('[]');
  });

  it('formatDate shows the year of a date outside the digest’s year, and the day of a time not on the digest’s day', () => {
    const digest = { date: new Date('2026-11-27T07:00:00Z'), locale: 'en-GB', timezone: 'Europe/London' };
    const at = (iso: string, style: string) => render(`{{formatDate d "${style}"}}`, { ...digest, d: new Date(iso) });
    expect(at('2026-11-26T18:05:00Z', 'medium')).toBe('26 Nov, 18:05');
    expect(at('2022-03-14T09:30:00Z', 'medium')).toBe('14 Mar 2022, 09:30');
    expect(at('2002-06-01T12:00:00Z', 'short')).toBe('1 Jun 2002');
    expect(at('2026-11-27T06:40:00Z', 'time')).toBe('06:40');
    expect(at('2026-11-26T18:05:00Z', 'time')).toBe('26 Nov, 18:05');
    expect(at('2017-11-27T06:40:00Z', 'time')).toBe('27 Nov 2017, 06:40');
    expect(at('2026-11-25T10:00:00Z', 'weekday')).toBe('Wednesday');
    expect(at('2026-10-01T10:00:00Z', 'weekday')).toBe('1 Oct 2026');
    expect(at('2017-11-27T06:40:00Z', 'long')).toBe('27 November 2017');
    // The year turns in the digest's time zone, not in UTC.
    expect(render('{{formatDate d "short"}}', { date: new Date('2027-01-01T05:00:00Z'), timezone: 'America/Los_Angeles', d: new Date('2026-12-31T20:00:00Z') })).toBe('31 Dec');
  });

  it('plural picks the form for the count', () => {
    expect(render('{{plural 1 "story" "stories"}}')).toBe('1 story');
    expect(render('{{plural 0 "story" "stories"}}')).toBe('0 stories');
    expect(render('{{plural n "feed"}}', { n: 3 })).toBe('3 feeds');
  });

  it('truncate cuts at a word boundary with an ellipsis, only when needed', () => {
    expect(render('{{truncate t 20}}', { t: 'The quick brown fox jumps over the lazy dog' })).toBe('The quick brown fox…');
    expect(render('{{truncate t 50}}', { t: 'Short enough' })).toBe('Short enough');
  });

  it('words keeps at most n words, with an ellipsis only when cut', () => {
    expect(render('{{words t 4}}', { t: 'One two three, four five six' })).toBe('One two three, four…');
    expect(render('{{words t 3}}', { t: 'One two three, four five six' })).toBe('One two three…');
    expect(render('{{words t 10}}', { t: ' Short enough ' })).toBe('Short enough');
    expect(render('[{{words nothing 3}}]', {})).toBe('[]');
  });

  it('wrap keeps words whole within the width', () => {
    const wrapped = render('{{wrap t 20}}', { t: 'one two three four five six seven eight nine ten' });
    expect(wrapped.split('\n').every((line) => line.length <= 20)).toBe(true);
    expect(wrapped.replace(/\n/g, ' ')).toBe('one two three four five six seven eight nine ten');
  });

  it('pluck takes one field of every entry, for join', () => {
    expect(render('{{join (pluck fs "feed") ", "}}', { fs: [{ feed: 'A' }, { feed: 'B' }, { url: 'x' }] })).toBe('A, B');
    expect(render('[{{join (pluck nothing "feed") ", "}}]', {})).toBe('[]');
  });

  it('small helpers: join, upper, default, or, comparisons and arithmetic', () => {
    expect(render('{{join xs " / "}}', { xs: ['a', 'b'] })).toBe('a / b');
    expect(render('{{upper "world"}}')).toBe('WORLD');
    expect(render('{{default name "reader"}}', { name: '' })).toBe('reader');
    expect(render('{{or a b "c"}}', { a: '', b: undefined })).toBe('c');
    expect(render('{{#if (gt n 1)}}many{{/if}}{{#if (eq s "x")}}!{{/if}}', { n: 2, s: 'x' })).toBe('many!');
    expect(render('{{subtract 5 1}} {{add 2 2}}')).toBe('4 4');
  });

  it('imageSize: at most the given width, never wider than the picture, height in proportion; unknown sizes stay unknown', () => {
    const tpl = '{{#with (imageSize image 552)}}{{width}}x{{height}} {{url}} [{{alt}}]{{/with}}';
    expect(render(tpl, { image: { url: 'https://a.example/big.jpg', width: 1200, height: 675 } })).toBe('552x311 https://a.example/big.jpg []');
    expect(render(tpl, { image: { url: 'https://a.example/small.jpg', width: 320, height: 180, alt: 'A ferry' } })).toBe('320x180 https://a.example/small.jpg [A ferry]');
    expect(render(tpl, { image: { url: 'https://a.example/unknown.jpg', width: null, height: null } })).toBe('552x https://a.example/unknown.jpg []');
    expect(render(tpl, { image: 'https://a.example/plain.jpg' })).toBe('552x https://a.example/plain.jpg []');
    expect(render(tpl, { image: null })).toBe('');
  });

  it('brief: whole opening sentences within the word budget; a slightly long first sentence whole; a long one cut', () => {
    const lede = 'The bridge reopened on Monday. Traffic was light. Officials said the repairs cost less than planned and finished two months early.';
    expect(render('{{brief lede 10}}', { lede })).toBe('The bridge reopened on Monday. Traffic was light.');
    expect(render('{{brief lede 4}}', { lede })).toBe('The bridge reopened on Monday.');
    expect(render('{{brief lede 3}}', { lede })).toBe('The bridge reopened…');
    expect(render('{{brief lede 50}}', { lede })).toBe(lede);
  });

  it('words and brief count Chinese and Japanese, which have no spaces, as the trim stage does (two characters a word)', () => {
    const lede = '北京市政府周一宣布，新的地铁线路将于明年开通。这条线路连接城市东部和西部，全长四十公里。官员表示，票价将保持不变。';
    expect(render('{{words lede 10}}', { lede })).toBe('北京市政府周一宣布，新的地铁线路将于明年开…');
    expect(render('{{brief lede 12}}', { lede })).toBe('北京市政府周一宣布，新的地铁线路将于明年开通。');
    expect(render('{{brief lede 30}}', { lede })).toBe(lede);
    expect(render('{{words lede 5}}', { lede: '東京の桜が満開になりました' })).toBe('東京の桜が満開になり…');
  });

  it('concat joins values; hostname names a site', () => {
    expect(render('{{truncate (concat title ": " headline) 30}}', { title: 'Morning Digest', headline: 'Harbour bridge reopens after a year' })).toBe('Morning Digest: Harbour…');
    expect(render('{{hostname url}}', { url: 'https://www.theguardian.com/uk' })).toBe('theguardian.com');
    expect(render('{{hostname url}}', { url: 'not a url' })).toBe('');
  });
});
