import { describe, expect, it } from 'vitest';

import { splitSentences } from '../../src/text/split-sentences.js';

describe('splitSentences', () => {
  it('splits Chinese and Japanese after 。！？ without a space', () => {
    expect(splitSentences('商標法違反の疑いで逮捕されました。ニュースを耳にしました！本当に？「はい。」')).toEqual([
      '商標法違反の疑いで逮捕されました。',
      'ニュースを耳にしました！',
      '本当に？',
      '「はい。」',
    ]);
  });

  it('splits after . ! ? and … with closing quotes, before a capital, digit or opening quote', () => {
    expect(splitSentences('It worked. Then it failed! Why? “Nobody knows,” he said. 2019 was worse… Really.')).toEqual([
      'It worked.',
      'Then it failed!',
      'Why?',
      '“Nobody knows,” he said.',
      '2019 was worse…',
      'Really.',
    ]);
    expect(splitSentences('He said, “We are done.” The room went quiet.')).toEqual(['He said, “We are done.”', 'The room went quiet.']);
  });

  it('does not split at titles, initials, acronyms or before a lowercase word', () => {
    expect(splitSentences('Dr. Jane Smith met Sen. John F. Kennedy at 9 a.m. on Jan. 5 in the U.S. capital.')).toHaveLength(1);
    expect(splitSentences('“Why?” she asked. “Because.”')).toEqual(['“Why?” she asked.', '“Because.”']);
  });

  it('returns the text as one sentence when it has no end punctuation', () => {
    expect(splitSentences('no punctuation here')).toEqual(['no punctuation here']);
    expect(splitSentences('')).toEqual([]);
  });
});
