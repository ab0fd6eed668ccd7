import { describe, expect, it } from 'vitest';

import { isQuotationParagraph, isShortSentence, isSubstantiveParagraph, selectLede } from '../../src/trim/select-lede.js';

function words(text: string): number {
  return text.split(/\s+/).length;
}

const first = 'The harbour reopened on Monday after a week of repairs to the sea wall, and the first ferry left at dawn.';

describe('selectLede', () => {
  it('skips bylines, datelines, captions, timestamps in any language, disclosures and lead-ins ending in a colon', () => {
    const paragraphs = [
      'By Jane Doe and John Roe, Reuters',
      'Updated at 3:15 p.m. ET on November 19, 2019',
      'November 19, 2019',
      'WASHINGTON (AP) —',
      'Ferry passengers queue at the terminal on Monday. (AP Photo/Evan Vucci)',
      'Photo: Getty Images',
      '5 min read',
      'From the Associated Press:',
      'sexta-feira, 22 de outubro de 2010 às 20:13',
      '22. Oktober 2019, 14:05 Uhr',
      'This post may contain affiliate and/or referral links. Please see my disclosure page.',
      'Disclosure: the author owns shares in the ferry company.',
      'This post has been sponsored by the Ferry Company. All opinions are mine alone.',
      first,
    ];
    expect(selectLede(paragraphs)).toBe(first);
  });

  it('skips headings and labels without sentence punctuation', () => {
    expect(selectLede(['Harbour news', 'Key points', first])).toBe(first);
  });

  it('removes a dateline glued to the first sentence', () => {
    expect(selectLede([`LONDON (Reuters) — ${first}`])).toBe(first);
    expect(selectLede([`WASHINGTON — ${first}`])).toBe(first);
    expect(selectLede([`Hong Kong (CNN Business)${first}`])).toBe(first);
  });

  it('cuts at a sentence boundary within the budget and marks the cut', () => {
    const paragraph = `${first} Repairs cost about two million pounds. The council paid for them from its reserve fund after the storm in March damaged the wall badly and flooded the car park.`;
    const lede = selectLede([paragraph], { maxWords: 30 });
    expect(lede).toBe(`${first} Repairs cost about two million pounds. …`);
    expect(words(lede.replace(' …', ''))).toBeLessThanOrEqual(30);
  });

  it('does not split at abbreviations, initials or U.S.', () => {
    const paragraph = 'Sen. John F. Kennedy Jr. met U.S. officials in Washington on Tuesday. The talks ran late into the night and ended without a deal.';
    expect(selectLede([paragraph], { maxWords: 14 })).toBe('Sen. John F. Kennedy Jr. met U.S. officials in Washington on Tuesday. …');
  });

  it('cuts a first sentence longer than the budget at a word boundary', () => {
    const lede = selectLede([first], { maxWords: 8 });
    expect(lede).toBe('The harbour reopened on Monday after a week…');
    expect(words(lede)).toBe(8);
  });

  it('adds the next paragraph’s whole sentences when the first paragraph is short, without an ellipsis at a paragraph end', () => {
    const lede = selectLede(['The harbour reopened on Monday.', first], { maxWords: 50 });
    expect(lede).toBe(`The harbour reopened on Monday. ${first}`);
    expect(selectLede([first, 'Another paragraph follows here.'], { maxWords: 40 })).toBe(first);
  });

  it('takes an article’s only paragraph when it is a short sentence', () => {
    expect(selectLede(['The bridge reopened.'])).toBe('The bridge reopened.');
    expect(selectLede(['By Jane Doe', 'Advertisement', 'The bridge reopened!'])).toBe('The bridge reopened!');
  });

  it('keeps a short opening sentence and adds the next paragraph to it', () => {
    expect(selectLede(['The bridge reopened.', first])).toBe(`The bridge reopened. ${first}`);
  });

  it('does not extend a short lede into a paragraph that is mainly a quotation', () => {
    const quote = '“We waited two years for this day and the whole town came out to see it,” said Maria Lopez, who runs the bakery.';
    expect(selectLede(['The bridge reopened.', quote, first])).toBe('The bridge reopened.');
    expect(selectLede(['The harbour reopened on Monday.', quote])).toBe('The harbour reopened on Monday.');
    // A paragraph with a short quotation in it is still prose.
    const prose = 'The council, which called the repairs “overdue”, paid for them from its reserve fund after the storm.';
    expect(selectLede(['The harbour reopened on Monday.', prose])).toBe(`The harbour reopened on Monday. ${prose}`);
  });

  it('reads Chinese and Japanese paragraphs as prose and cuts them to the budget', () => {
    const japanese = '先日、不正に改造したiPhoneを販売したとして、商標法違反の疑いで20代の男性が逮捕されたというニュースを耳にしました。商標法違反とはどういうことなのでしょうか。';
    expect(isSubstantiveParagraph(japanese)).toBe(true);
    expect(selectLede(['目次', japanese])).toBe(japanese);
    expect(selectLede([japanese], { maxWords: 35 })).toBe('先日、不正に改造したiPhoneを販売したとして、商標法違反の疑いで20代の男性が逮捕されたというニュースを耳にしました。…');
    const cut = selectLede([japanese], { maxWords: 10 });
    expect(cut).toBe('先日、不正に改造したiPhoneを販売したとして…');
  });

  it('returns an empty lede when nothing reads as prose', () => {
    expect(selectLede(['Harbour news', 'Key points'])).toBe('');
    expect(selectLede(['Please wait…', 'Loading.'])).toBe('');
  });

  it('returns an empty lede when nothing is substantive', () => {
    expect(selectLede([])).toBe('');
    expect(selectLede(['By Jane Doe', 'Advertisement'])).toBe('');
  });

  it('recognises short sentences and quotation paragraphs', () => {
    expect(isShortSentence('The bridge reopened.')).toBe(true);
    expect(isShortSentence('Advertisement.')).toBe(false);
    expect(isShortSentence('AP Photo.')).toBe(false);
    expect(isShortSentence('Harbour news')).toBe(false);
    expect(isQuotationParagraph('“We waited two years for this day,” said Maria Lopez.')).toBe(true);
    expect(isQuotationParagraph('Maria Lopez said: “We waited two years for this day and the whole town came out.”')).toBe(true);
    expect(isQuotationParagraph('The council called the repairs “overdue” and paid for them from its reserve fund.')).toBe(false);
  });

  it('recognises substantive paragraphs', () => {
    expect(isSubstantiveParagraph(first)).toBe(true);
    expect(isSubstantiveParagraph('Published studies show the harbour wall was weak for years before the storm.')).toBe(true);
    expect(isSubstantiveParagraph('The Associated Press reports the United States may also open a liaison office:')).toBe(false);
    expect(isSubstantiveParagraph('Jane Doe | Reuters')).toBe(false);
  });
});
