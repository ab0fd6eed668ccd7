import { describe, expect, it } from 'vitest';
import { repairC1, repairMojibake, repairText } from '../../src/parse/repair-text.js';

describe('repairText', () => {
  it('reads C1 control characters as the windows-1252 characters their authors typed', () => {
    expect(repairC1('don\u0092t \u0093quote\u0094 \u0085 \u0080 5')).toBe('don’t “quote” … € 5');
    expect(repairC1('plain ascii')).toBe('plain ascii');
  });

  it('decodes double-encoded UTF-8 back to the intended characters', () => {
    expect(repairMojibake('â€¦')).toBe('…');
    expect(repairMojibake('CafÃ© â€œbrÃ»lÃ©eâ€\u009d')).toBe('Café “brûlée”');
    expect(repairText('itâ€™s')).toBe('it’s');
  });

  it('leaves real text alone, including lone accented capitals', () => {
    for (const text of ['À la carte', 'São Paulo', 'Ã', 'naïve café', 'Große Straße', '年', 'â€']) {
      expect(repairText(text)).toBe(text);
    }
  });
});
