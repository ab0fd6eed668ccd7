import { describe, expect, it } from 'vitest';
import { escapeXml, html, raw } from '../../src/web/html.js';
import { WindowLimiter } from '../../src/web/rate-limit.js';
import { formFields } from '../../src/web/request-body.js';
import { WriteQueue } from '../../src/web/write-queue.js';
import { StateStore } from '../../src/state/state-store.js';
import { loadConfig } from '../../src/config/load-config.js';
import { checkSetup } from '../../src/pipeline/check-setup.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();

describe('pages escape every value by construction', () => {
  it('escapes interpolated values, joins arrays, drops null and false, keeps nested html and raw markup', () => {
    const hostile = `"><script>alert('x')</script>&`;
    const out = html`<p title="${hostile}">${hostile}</p>${[html`<i>${hostile}</i>`, 'a<b']}${null}${undefined}${false}${raw('<hr>')}`;
    expect(out.value).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p><i>&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</i>a&lt;b<hr>',
    );
    expect(escapeXml('a\u0000b\u0008c<&>')).toBe('abc&lt;&amp;&gt;');
  });
});

describe('rate limits', () => {
  it('counts per key in fixed windows and stays bounded', () => {
    const limiter = new WindowLimiter(2, 1000, 100);
    expect([limiter.hit('a', 0), limiter.hit('a', 10), limiter.hit('a', 20), limiter.hit('b', 20)]).toEqual([true, true, false, true]);
    expect(limiter.hit('a', 1000)).toBe(true);
    for (let i = 0; i < 1000; i++) limiter.hit(`k${i}`, 2000);
    expect(limiter.size).toBeLessThanOrEqual(101);
  });
});

describe('form bodies', () => {
  it('reads urlencoded and multipart fields, and nothing from other types', () => {
    expect(formFields(Buffer.from('List-Unsubscribe=One-Click&a=1'), 'application/x-www-form-urlencoded').get('List-Unsubscribe')).toBe('One-Click');
    const multipart = Buffer.from('--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\n\r\nfile\r\n--b--\r\n');
    const fields = formFields(multipart, 'multipart/form-data; boundary="b"');
    expect(fields.get('List-Unsubscribe')).toBe('One-Click');
    expect(fields.has('f')).toBe(false);
    expect([...formFields(Buffer.from('{"a":1}'), 'application/json').keys()]).toEqual([]);
  });
});

describe('the write queue', () => {
  it('commits concurrent writes in one batch, answers each after the sync, and keeps good writes when one fails', async () => {
    const store = StateStore.open(`${tmp.dir()}/state.sqlite`);
    const queue = new WriteQueue(store);
    let syncs = 0;
    const sync = store.sync.bind(store);
    store.sync = () => {
      syncs++;
      return sync();
    };
    const results = await Promise.allSettled([
      queue.write(() => store.suppress('a@example.com', 'unsubscribed', 'web')),
      queue.write(() => store.suppress('b@example.com', 'unsubscribed', 'web')),
      queue.write(() => store.suppress('c@example.com', 'bored' as never, 'web')),
      queue.write(() => store.suppress('d@example.com', 'complaint', 'webhook')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(store.listSuppressions().map((s) => s.email)).toEqual(['a@example.com', 'b@example.com', 'd@example.com']);
    expect(syncs).toBe(1);
    store.close();
  });
});

describe('digest check and reader links', () => {
  it('fails a send setup with web.baseUrl and no DIGEST_SECRET, and warns about links carrying addresses', async () => {
    tmp.write('digest.config.yaml', 'feeds: []\nweb:\n  baseUrl: https://digest.example.org\n');
    const smtp = await checkSetup(loadConfig({ cwd: tmp.dir(), env: { SMTP_URL: 'smtp://127.0.0.1:2525' } }));
    expect(smtp.items.find((i) => i.what === 'DIGEST_SECRET')).toMatchObject({ ok: false, detail: expect.stringMatching(/^not set: `digest run` will refuse to send/) });
    const signed = await checkSetup(loadConfig({ cwd: tmp.dir(), env: { SMTP_URL: 'smtp://127.0.0.1:2525', DIGEST_SECRET: 'x'.repeat(40) } }));
    expect(signed.items.find((i) => i.what === 'DIGEST_SECRET')).toMatchObject({ ok: true });
    tmp.write('digest.config.yaml', 'feeds: []\nunsubscribeUrl: https://example.org/u?e={{email}}\n');
    const legacy = await checkSetup(loadConfig({ cwd: tmp.dir(), env: {} }));
    expect(legacy.items.find((i) => i.what === 'reader links')).toMatchObject({ ok: true, warning: true, detail: expect.stringContaining('anyone who can guess an address can unsubscribe it') });
    tmp.write('digest.config.yaml', 'feeds: []\nunsubscribeUrl: https://example.org/u?e={{email}}\nweb:\n  baseUrl: https://digest.example.org\n');
    expect(() => loadConfig({ cwd: tmp.dir(), env: {} })).toThrow(/both unsubscribeUrl and web.baseUrl are set/);
    tmp.write('digest.config.yaml', 'feeds: []\nweb:\n  baseUrl: "https://digest.example.org/?x=1"\n');
    expect(() => loadConfig({ cwd: tmp.dir(), env: {} })).toThrow(/digest\.config\.yaml:3: web\.baseUrl: expected the public https address/);
  });
});
