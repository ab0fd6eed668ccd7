import { describe, expect, it } from 'vitest';
import { textColumns, wrapText } from '../../src/text/wrap-text.js';

const lines = (text: string) => text.split('\n');

describe('wrapText', () => {
  it('keeps words whole within the width, and a word longer than the width on a line of its own', () => {
    const text = 'Read more at https://example.com/a/very/long/path/that/must/stay/whole today, then come back';
    const wrapped = wrapText(text, 24);
    expect(lines(wrapped)).toEqual(['Read more at', 'https://example.com/a/very/long/path/that/must/stay/whole', 'today, then come back']);
    expect(wrapped.replace(/\n/g, ' ')).toBe(text);
  });

  it('breaks Chinese and Japanese between characters, counting each as two columns', () => {
    const zh = '北京市政府周一宣布，新的地铁线路将于明年开通。这条线路连接城市东部和西部，全长四十公里。「我们希望更多市民选择公共交通」，他说。';
    const wrapped = wrapText(zh, 30);
    expect(lines(wrapped).length).toBeGreaterThan(3);
    for (const line of lines(wrapped)) expect(textColumns(line)).toBeLessThanOrEqual(30);
    expect(wrapped.replace(/\n/g, '')).toBe(zh);
    const ja = '東京の桜が満開になりました。週末は多くの人が花見を楽しむ見込みです。';
    expect(lines(wrapText(ja, 20))).toEqual(['東京の桜が満開になり', 'ました。週末は多くの', '人が花見を楽しむ見込', 'みです。']);
  });

  it('never starts a line with closing punctuation nor ends one with an opening bracket', () => {
    const text = '他说：「好。」她问：「真的吗？」，然后离开了。（完）';
    for (const width of [4, 5, 6, 7, 8, 9, 10, 12]) {
      for (const line of lines(wrapText(text, width))) {
        expect(line, `width ${width}`).not.toMatch(/^[、。，：；！？）」』]/u);
        expect(line, `width ${width}`).not.toMatch(/[（「『]$/u);
      }
      expect(wrapText(text, width).replace(/\n/g, '')).toBe(text);
    }
  });

  it('keeps the spaces of mixed text where it does not break, and drops them where it does', () => {
    const wrapped = wrapText('Apple 发布了新款 iPhone 16，售价为 999 美元。', 24);
    expect(lines(wrapped)).toEqual(['Apple 发布了新款 iPhone', '16，售价为 999 美元。']);
  });

  it('keeps the text’s own line breaks', () => {
    expect(wrapText('first line\n\nsecond line that is long', 12)).toBe('first line\n\nsecond line\nthat is long');
  });
});
