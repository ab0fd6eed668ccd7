import { describe, expect, it } from 'vitest';
import { decodeBasicEntities } from '../../src/text/basic-entities.js';

describe('decodeBasicEntities', () => {
  it('decodes numeric references and XML’s five once', () => {
    expect(decodeBasicEntities('Q&amp;A &#8217;s &#x2014; &lt;b&gt; &quot;x&quot; &apos;y&apos;&nbsp;z')).toBe('Q&A ’s — <b> "x" \'y\'\u00a0z');
    // Once: a reference escaped twice keeps one level.
    expect(decodeBasicEntities('Using &amp;lt;video&amp;gt;')).toBe('Using &lt;video&gt;');
  });

  it('leaves other names as written and drops code points no character has', () => {
    expect(decodeBasicEntities('caf&eacute; &bogus; & more')).toBe('caf&eacute; &bogus; & more');
    expect(decodeBasicEntities('a&#0;b&#xD800;c&#1114112;d')).toBe('abcd');
  });
});
