import { describe, expect, it } from 'vitest';

import { findQuotations } from '../../src/trim/find-quotations.js';
import { presentQuote, selectQuote } from '../../src/trim/select-quote.js';

const none = { headline: '', lede: '' };

function quoteOf(paragraphs: string | string[], context = none) {
  return selectQuote(Array.isArray(paragraphs) ? paragraphs : [paragraphs], context);
}

describe('selectQuote: attribution patterns', () => {
  it('“…,” Name said — trailing comma removed', () => {
    expect(quoteOf('“Sometimes you have to walk away from the table,” Trump said at a news conference.')).toEqual({
      text: 'Sometimes you have to walk away from the table',
      speaker: 'Trump',
    });
  });

  it('“…,” said Name, with an appositive', () => {
    expect(quoteOf('“We are relieved to have the ferries running again,” said Tom Reed, the harbour master.')).toEqual({
      text: 'We are relieved to have the ferries running again',
      speaker: 'Tom Reed',
    });
  });

  it('Name said: “…”', () => {
    expect(quoteOf('In a statement on Tuesday, Jane Smith said: “The budget protects every job in the harbour.”')).toEqual({
      text: 'The budget protects every job in the harbour.',
      speaker: 'Jane Smith',
    });
  });

  it('straight double quotes', () => {
    expect(quoteOf('"We are not going anywhere, whatever the council decides," Jones said.')).toEqual({
      text: 'We are not going anywhere, whatever the council decides',
      speaker: 'Jones',
    });
  });

  it('titles are dropped from the speaker: "President Trump" → "Trump"', () => {
    expect(quoteOf('“We had to walk away from that particular suggestion,” President Trump said.')?.speaker).toBe('Trump');
    expect(quoteOf('“Our third-quarter results reflected broad-based growth,” said Apple CEO Tim Cook.')?.speaker).toBe('Tim Cook');
    expect(quoteOf('“The house should send an unmistakable signal to everyone,” Interior Minister Wolfgang Peschorn, who serves in a caretaker government, said.')?.speaker).toBe('Wolfgang Peschorn');
  });

  it('a pronoun is resolved to the nearest preceding named person', () => {
    const paragraphs = [
      'Mayor Jane Smith toured the flooded streets on Monday with council engineers.',
      '“We will rebuild every house on this street before the winter,” she said.',
    ];
    expect(quoteOf(paragraphs)).toEqual({ text: 'We will rebuild every house on this street before the winter', speaker: 'Jane Smith' });
  });

  it('a pronoun skips names that are only objects or possessives', () => {
    const paragraphs = [
      'Singer-guitarists Patrick Simmons and Tom Johnston will tour with singer-keyboardist Michael McDonald.',
      'Following a performance of their hit, Simmons teed up McDonald’s cameo. “You might remember him from his own band these days,” he said.',
    ];
    expect(quoteOf(paragraphs)?.speaker).toBe('Simmons');
  });

  it('a role ("the president") is resolved to the person named with that title', () => {
    const paragraphs = [
      'President Donald Trump met Kim Jong Un in Hanoi on Thursday.',
      '“They wanted the sanctions lifted in their entirety and we couldn’t do that,” the president said.',
    ];
    expect(quoteOf(paragraphs)?.speaker).toBe('Donald Trump');
  });

  it('a spokesperson speaks for the organisation', () => {
    expect(quoteOf('“We are cooperating fully with the investigation,” a WeWork spokesperson said.')?.speaker).toBe('WeWork');
  });

  it('guillemets « » and German „ “ marks', () => {
    expect(quoteOf('Prime Minister Jean Castex said: « We will never give up on this essential point. »')).toEqual({
      text: 'We will never give up on this essential point.',
      speaker: 'Jean Castex',
    });
    expect(quoteOf('Chancellor Angela Merkel said: „We will manage this together, step by step.“')).toEqual({
      text: 'We will manage this together, step by step.',
      speaker: 'Angela Merkel',
    });
  });

  it('keeps nested single quotes inside the quotation', () => {
    expect(quoteOf('“He told me, ‘Don’t worry about it,’ and then he walked out of the room,” Smith said.')).toEqual({
      text: 'He told me, ‘Don’t worry about it,’ and then he walked out of the room',
      speaker: 'Smith',
    });
  });

  it('British single quotes when the paragraph has no double quotes', () => {
    expect(quoteOf('‘We make no apology for having an instant rebuttal unit,’ Dominic Raab said.')).toEqual({
      text: 'We make no apology for having an instant rebuttal unit',
      speaker: 'Dominic Raab',
    });
  });

  it('joins a quotation interrupted by its attribution mid-sentence', () => {
    expect(quoteOf('Mayor Jane Smith spoke at dawn. “We will rebuild,” she said, “and we will do it together with every family.”')).toEqual({
      text: 'We will rebuild, and we will do it together with every family.',
      speaker: 'Jane Smith',
    });
  });

  it('gives the second half of “A,” he said. “B.” the same speaker', () => {
    const quote = quoteOf(['“Look,” Trump said. “We’re in position to do something very special here.”']);
    expect(quote).toEqual({ text: 'We’re in position to do something very special here.', speaker: 'Trump' });
  });
});

describe('selectQuote: what does not qualify', () => {
  it('skips scare quotes and fragments under about six words', () => {
    expect(quoteOf('Critics called the plan a “historic” failure and Trump declared it “not a bad idea.”')).toBeNull();
    expect(quoteOf('He said there had been a proposed agreement that was “ready to be signed.”')).toBeNull();
  });

  it('skips passages quoted from other outlets', () => {
    expect(quoteOf('And, the Associated Press adds: “The disintegration of talks came after Trump and Kim had appeared ready to inch toward normalizing relations.”')).toBeNull();
    expect(quoteOf(['From the Associated Press:', '“Talks between the two leaders collapsed on Thursday after the sides failed to bridge a standoff.”'])).toBeNull();
    expect(quoteOf('“The disintegration of talks came as a surprise to everyone involved,” Reuters reported.')).toBeNull();
  });

  it('skips titles of works and names given with "called"', () => {
    expect(quoteOf('Disney said the film “Star Wars: The Rise of Skywalker” opened on Friday.')).toBeNull();
    expect(quoteOf('The campaign, called “Stop the Cuts to Our Schools and Hospitals Now,” began on Monday.')).toBeNull();
  });

  it('skips quotations nobody is named for', () => {
    expect(quoteOf('“This is the end of an era for the town and its people.”')).toBeNull();
    expect(quoteOf('“It’s a shame to see a comrade die in this way,” a doctor on the scene said.')).toBeNull();
    expect(quoteOf('People will shrug and think, “Enough already, just vote and get it over with.”')).toBeNull();
  });

  it('never repeats the lede', () => {
    const paragraphs = ['“We will rebuild every house on this street before the winter,” Jane Smith said.'];
    expect(quoteOf(paragraphs, { headline: '', lede: paragraphs[0] ?? '' })).toBeNull();
  });

  it('returns null for articles without quotations', () => {
    expect(quoteOf(['The harbour reopened on Monday.', 'Repairs cost two million pounds.'])).toBeNull();
    expect(quoteOf([])).toBeNull();
  });
});

describe('selectQuote: choosing among quotations', () => {
  it('prefers a complete statement over a partial quotation woven into a sentence', () => {
    const paragraphs = [
      'Smith said the plan was “a real step forward for the people of this city and beyond.”',
      '“We have waited ten years for this budget and it finally delivers,” Smith said.',
    ];
    expect(quoteOf(paragraphs)?.text).toBe('We have waited ten years for this budget and it finally delivers');
  });

  it('prefers a statement that shares terms with the headline, other things equal', () => {
    // Not when it only "added" it: a continuation costs more than three shared words give.
    const paragraphs = [
      '“It was a long night for everyone in the chamber,” Jane Smith said after the vote.',
      '“The harbour budget protects jobs and the council kept its promise,” Smith said.',
    ];
    expect(quoteOf(paragraphs, { headline: 'Council approves harbour budget', lede: '' })?.text).toBe('The harbour budget protects jobs and the council kept its promise');
  });

  it('cuts a long quotation to its leading sentences', () => {
    const long = `“${'We talked about everything. '.repeat(12)}And then we left.” Smith said.`;
    const text = quoteOf(long)?.text ?? '';
    expect(text.split(' ').length).toBeLessThanOrEqual(45);
    expect(text.endsWith('everything.')).toBe(true);
  });
});

describe('findQuotations and presentQuote', () => {
  it('finds quotations with each kind of mark and runs an unclosed one to the paragraph end', () => {
    const found = findQuotations(['He said “one two” and "three four" and «five six» and „seven eight“.', '“An unclosed quotation that continues']);
    expect(found.map((quotation) => [quotation.text, quotation.closed])).toEqual([
      ['one two', true],
      ['three four', true],
      ['five six', true],
      ['seven eight', true],
      ['An unclosed quotation that continues', false],
    ]);
  });

  it('does not take apostrophes or inch marks for quotation marks', () => {
    expect(findQuotations(['It’s the players’ union’s 6" display.'])).toEqual([]);
  });

  it('presents quotes without a trailing comma', () => {
    expect(presentQuote('Sometimes you have to walk,')).toBe('Sometimes you have to walk');
    expect(presentQuote('Really?')).toBe('Really?');
  });
});
