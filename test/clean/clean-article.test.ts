import { describe, expect, it } from 'vitest';

import { cleanArticle, isTextArticle, isWholePage, nestingDepth, parseTextArticle } from '../../src/clean/clean-article.js';

const base = 'https://blog.example.org/2024/05/story/';

describe('cleanArticle: feed fragments', () => {
  it('keeps one paragraph per block, splits on <br><br>, decodes entities and keeps typography; the title is text, never decoded again', () => {
    const article = cleanArticle({
      title: ' Rock & Roll – the <b>return</b>\n',
      html: '<p>It&#8217;s &ldquo;back&rdquo; &mdash; again&hellip;</p><ul><li>First item</li><li>Second <em>item</em></li></ul><blockquote><p>A quoted paragraph.</p></blockquote><h2>A heading</h2>Loose text one.<br><br>Loose text two<br>same paragraph.',
    });
    expect(article.title).toBe('Rock & Roll – the <b>return</b>');
    expect(article.paragraphs).toEqual([
      'It’s “back” — again…',
      'First item',
      'Second item',
      'A quoted paragraph.',
      'A heading',
      'Loose text one.',
      'Loose text two same paragraph.',
    ]);
  });

  it('removes share widgets, ads, newsletter prompts, related lists, comment forms and cookie notices', () => {
    const article = cleanArticle({
      html: `
        <p>The council approved the budget on Tuesday after a long debate.</p>
        <div class="social-share"><a href="https://twitter.com/intent/tweet">Tweet</a><a href="https://facebook.com/sharer">Share on Facebook</a></div>
        <p>ADVERTISEMENT</p>
        <div class="ad-container"><p>Buy our product today</p></div>
        <aside><p>Pull quote that repeats the text</p></aside>
        <p>Members said the plan would cut costs by a fifth over three years.</p>
        <div class="newsletter-signup"><p>Get the best stories in your inbox</p><form><input type="email"></form></div>
        <p>Sign up for our daily newsletter to get updates.</p>
        <p><strong>Related:</strong> <a href="/other">Another story entirely</a></p>
        <h3>Recommended</h3><ul><li><a href="/a">Story A</a></li><li><a href="/b">Story B</a></li></ul>
        <p>Read more: <a href="/c">Story C</a></p>
        <p>12 Comments</p>
        <p>Leave a Reply</p>
        <div id="comments"><p>Great article, thanks!</p></div>
        <p>We use cookies to improve your experience. By continuing you accept our cookie policy.</p>
        <p>Follow us on Twitter @example</p>
        <p>The post Budget approved appeared first on Example News.</p>`,
      url: base,
    });
    expect(article.paragraphs).toEqual([
      'The council approved the budget on Tuesday after a long debate.',
      'Members said the plan would cut costs by a fifth over three years.',
    ]);
    for (const gone of ['Tweet', 'ADVERTISEMENT', 'Buy our product', 'Pull quote', 'inbox', 'newsletter', 'Another story', 'Story A', 'Story C', 'Comments', 'Leave a Reply', 'Great article', 'cookies', 'Follow us', 'appeared first']) {
      expect(article.html).not.toContain(gone);
    }
  });

  it('removes a highlights box, which repeats a line of the story', () => {
    const article = cleanArticle({
      html: '<div class="field field--name-field-highlights"><div class="field--label">Highlights</div><div class="field--item">She added that an appeal could be made.</div></div><p>Sweden has dropped its investigation, prosecutors said on Tuesday.</p><p>She added that an appeal could be made.</p>',
    });
    expect(article.paragraphs).toEqual(['Sweden has dropped its investigation, prosecutors said on Tuesday.', 'She added that an appeal could be made.']);
  });

  it('keeps a sentence that merely mentions advertising or a newsletter', () => {
    const article = cleanArticle({
      html: '<p>Advertisement revenue fell 12 percent, the company said in its quarterly report.</p><p>The newsletter, founded in 2010, now has 40,000 readers and a paid tier.</p>',
    });
    expect(article.paragraphs).toHaveLength(2);
  });

  it('drops standalone image credits and captions from the text but keeps the figure in the HTML', () => {
    const article = cleanArticle({
      html: '<figure><img src="/img/main.jpg" width="800" height="500" alt="The harbour"><figcaption>The harbour at dawn.</figcaption></figure><p>Photo: Getty Images</p><p>(Photo by Jane Doe/Reuters)</p><p>The harbour reopened on Monday after a week of repairs.</p>',
      url: base,
    });
    expect(article.paragraphs).toEqual(['The harbour reopened on Monday after a week of repairs.']);
    expect(article.html).toContain('<figcaption>The harbour at dawn.</figcaption>');
    expect(article.html).not.toContain('Getty');
    expect(article.image?.url).toBe('https://blog.example.org/img/main.jpg');
  });

  it('drops a caption paragraph followed by its credit line', () => {
    const article = cleanArticle({
      html: '<p>Sheikh Mohammed passes a Boeing 787-10 at the Dubai Air Show on Monday, Nov. 18, 2019.</p><p>Natalie Naccache | Bloomberg | Getty Images</p><p>DUBAI — Emirates finalized a deal to buy 30 Boeing jets, executives said on Wednesday.</p>',
    });
    expect(article.paragraphs).toEqual(['DUBAI — Emirates finalized a deal to buy 30 Boeing jets, executives said on Wednesday.']);
    expect(article.html).toBe('<p>DUBAI — Emirates finalized a deal to buy 30 Boeing jets, executives said on Wednesday.</p>');
  });

  it('sanitises to the email allowlist and makes URLs absolute', () => {
    const article = cleanArticle({
      html: `<p onclick="steal()" class="x" style="color:red">Read <a href="../other/" target="_blank" onmouseover="x()">this</a>,
        <a href="javascript:alert(1)">that</a>, <a href="//cdn.example.net/file.pdf">the PDF</a> and <a href="mailto:desk@example.org">write</a>.</p>
        <script>alert(1)</script><style>p{}</style><iframe src="https://evil.example/"></iframe>
        <p><img src="/a.jpg" onerror="x()" srcset="/a-2x.jpg 2x" width="640" height="480"><img src="data:image/png;base64,AAAA"></p>
        <table><tr><td>cell</td></tr></table>`,
      url: base,
    });
    expect(article.html).not.toMatch(/onclick|onmouseover|onerror|javascript:|<script|<style|<iframe|class=|style=|target=|srcset|data:/);
    expect(article.html).toContain('<a href="https://blog.example.org/2024/05/other/">this</a>');
    expect(article.html).toContain('<a href="https://cdn.example.net/file.pdf">the PDF</a>');
    expect(article.html).toContain('<a href="mailto:desk@example.org">write</a>');
    expect(article.html).toMatch(/,\s+that, <a href/);
    expect(article.html).not.toContain('<a>');
    expect(article.html).toContain('<img src="https://blog.example.org/a.jpg" width="640" height="480" />');
    expect(article.html).toContain('<td>cell</td>');
  });

  it('drops tracking pixels and never picks icons, avatars or pixels as the lead image', () => {
    const article = cleanArticle({
      html: `<p><img src="https://example.org/wp-content/plugins/icons/rss-icon.png" width="16" height="16"></p>
        <p><img class="avatar avatar-96" src="https://secure.gravatar.com/avatar/abc?s=96"></p>
        <p>The story text is here and it is long enough to count.</p>
        <img src="https://stats.wp.com/b.gif?x=1" width="1" height="1">
        <img src="https://www.google-analytics.com/collect?v=1&tid=UA-1" alt="">
        <img src="https://feeds.feedburner.com/~r/example/~4/abc">
        <p><img src="https://no-cache.hubspot.com/cta/default/1764707/a38d2dcb.png"></p>
        <p><img src="https://static.example.com/sc/9b/e151e5.gif"></p>
        <p><img data-lazy-src="/uploads/photo.jpg" src="/images/lazy-placeholder.gif"></p>`,
      url: base,
    });
    expect(article.html).not.toMatch(/stats\.wp\.com|google-analytics|feedburner/);
    expect(article.image?.url).toBe('https://blog.example.org/uploads/photo.jpg');
  });

  it('promotes srcset and <picture> sources when there is no real src', () => {
    const fromSrcset = cleanArticle({ html: '<p>Text here for the story.</p><img srcset="/s.jpg 320w, /l.jpg 1280w, /m.jpg 640w">', url: base });
    expect(fromSrcset.image?.url).toBe('https://blog.example.org/l.jpg');
    const fromPicture = cleanArticle({ html: '<picture><source srcset="/p-800.webp 800w, /p-1600.webp 1600w"><img src="data:image/gif;base64,R0lGOD"></picture><p>Story text.</p>', url: base });
    expect(fromPicture.image?.url).toBe('https://blog.example.org/p-1600.webp');
  });

  it('reads HTML without any tags as plain text, and falls back to text when the HTML is all furniture', () => {
    expect(cleanArticle({ html: 'First &amp; foremost.\n\nSecond paragraph.' }).paragraphs).toEqual(['First & foremost.', 'Second paragraph.']);
    expect(cleanArticle({ html: '<p>Advertisement</p>', text: 'The real text.' }).paragraphs).toEqual(['The real text.']);
  });

  it('takes a byline from the top of the body', () => {
    const article = cleanArticle({ html: '<p class="meta">By Jane Doe and John Roe, Reuters</p><p>By the time the ferry left, the harbour was full.</p>' });
    expect(article.byline).toBe('Jane Doe and John Roe, Reuters');
    expect(article.paragraphs).toEqual(['By the time the ferry left, the harbour was full.']);
    expect(article.html).not.toContain('Jane Doe');
  });

  it('drops a first heading that repeats the title', () => {
    const article = cleanArticle({ title: 'Budget approved', html: '<h1>Budget Approved</h1><p>The council approved the budget.</p>' });
    expect(article.paragraphs).toEqual(['The council approved the budget.']);
  });

  it('reads pathologically nested HTML as text instead of walking thousands of levels', () => {
    const deep = `${'<div>'.repeat(20000)}<p>Deep text here for the story.</p><script>x()</script>${'</div>'.repeat(20000)}`;
    expect(nestingDepth(deep)).toBe(20000);
    expect(cleanArticle({ html: deep }).paragraphs).toEqual(['Deep text here for the story.']);
    expect(cleanArticle({ html: `<html><body>${deep}</body></html>` }).paragraphs).toEqual(['Deep text here for the story.']);
    expect(nestingDepth('<div><p>a<p>b<br><img src=x></div>')).toBe(1);
  });

  it('returns an empty article for empty input', () => {
    expect(cleanArticle({})).toEqual({ title: '', paragraphs: [], html: '', image: null });
  });
});

describe('cleanArticle: whole pages', () => {
  const page = `<!DOCTYPE html><html><head>
    <title>Harbour reopens after repairs | Coast Gazette</title>
    <meta property="og:title" content="Harbour reopens after repairs">
    <meta property="og:site_name" content="Coast Gazette">
    <meta property="og:image" content="/media/harbour-og.jpg">
    <meta name="author" content="Jane Doe">
    </head><body>
    <header><nav><a href="/">Home</a><a href="/news">News</a></nav></header>
    <div class="cookie-banner">We use cookies on this site. Accept all</div>
    <main><article>
      <h1>Harbour reopens after repairs</h1>
      <p class="byline">By Jane Doe</p>
      <p>The harbour reopened on Monday after a week of repairs to the sea wall, the port authority said, and the first ferry left at dawn with a full load of passengers.</p>
      <div class="share-buttons"><a href="#">Share on Facebook</a><a href="#">Tweet</a></div>
      <p>Repairs cost about two million pounds, according to the council, which paid for them from its reserve fund after the storm in March damaged the wall badly.</p>
      <p>“We are relieved to have the ferries running again before the summer,” said harbour master Tom Reed, who has run the port for a decade.</p>
      <div class="related-articles"><h3>Related</h3><ul><li><a href="/a">Storm damage in March</a></li><li><a href="/b">Council budget</a></li></ul></div>
      <p>Fishing boats will be allowed back into the inner basin from next week, once divers have checked the new foundations for any remaining cracks.</p>
    </article></main>
    <aside class="sidebar"><h3>Most read</h3><ol><li><a href="/x">Something else</a></li></ol></aside>
    <section id="comments"><h3>3 Comments</h3><p>Great news!</p></section>
    <footer><p>© 2024 Coast Gazette. All rights reserved.</p></footer>
    </body></html>`;

  it('extracts the main content with Readability and takes title, byline, site name and og:image from the page', () => {
    expect(isWholePage(page)).toBe(true);
    const article = cleanArticle({ html: page, url: 'https://coast.example.com/news/harbour' });
    expect(article.title).toBe('Harbour reopens after repairs');
    expect(article.siteName).toBe('Coast Gazette');
    expect(article.byline).toBe('Jane Doe');
    expect(article.paragraphs).toHaveLength(4);
    expect(article.paragraphs[0]).toMatch(/^The harbour reopened on Monday/);
    expect(article.paragraphs.join(' ')).not.toMatch(/Share on|Tweet|Storm damage|Most read|Great news|cookies|All rights/);
    expect(article.image?.url).toBe('https://coast.example.com/media/harbour-og.jpg');
  });

  it('prefers the feed item title over the page title', () => {
    expect(cleanArticle({ html: page, title: 'Feed title' }).title).toBe('Feed title');
  });

  it('keeps an article that the whole page wraps in a <form> (ASP.NET WebForms)', () => {
    const paragraphs = Array.from({ length: 6 }, (_, index) => `<p>Paragraph ${index + 1} of the council story tells readers what happened at the meeting on Tuesday night, in some detail.</p>`).join('');
    const article = cleanArticle({ html: `<html><head><title>Council</title></head><body><form id="aspnetForm" action="/x"><nav><a href="/">Home</a> <a href="/news">News</a></nav><div id="main"><h1>Council</h1>${paragraphs}</div><input type="hidden" name="__VIEWSTATE" value="abc"><footer>Site footer text</footer></form></body></html>` });
    expect(article.paragraphs).toHaveLength(6);
    expect(article.html).not.toMatch(/Home|Site footer/);
    expect(article.html).not.toContain('<input');
  });

  it('falls back to the densest article container when Readability finds too little', () => {
    const tiny = '<html><head><title>Short</title></head><body><div class="entry-content"><p>Only one short paragraph of text here.</p></div><div class="sidebar-widget"><p>Widget</p></div></body></html>';
    const article = cleanArticle({ html: tiny });
    expect(article.paragraphs).toEqual(['Only one short paragraph of text here.']);
  });
});

describe('cleanArticle: plain text', () => {
  const seedLike = 'NO DEAL: Talks collapse\n\nFirst paragraph of the story.\n\n— Advertisement —\n\nSecond paragraph\nwrapped over two lines.\n\n\nPlease enter your comment!\nPlease enter your name here';

  it('detects the title-on-line-1 text form', () => {
    expect(isTextArticle(seedLike)).toBe(true);
    expect(isTextArticle('A first paragraph that is a sentence.\n\nAnother.')).toBe(false);
    expect(isTextArticle('<p>html</p>\n\nx')).toBe(false);
    expect(isTextArticle('One line only')).toBe(false);
  });

  it('parses the text form into title and body', () => {
    const parsed = parseTextArticle(seedLike);
    expect(parsed.title).toBe('NO DEAL: Talks collapse');
    expect(parsed.text).toMatch(/^\nFirst paragraph/);
  });

  it('splits blank-line paragraphs, joins wrapped lines and drops furniture lines', () => {
    const article = cleanArticle({ text: seedLike });
    expect(article.title).toBe('NO DEAL: Talks collapse');
    expect(article.paragraphs).toEqual(['First paragraph of the story.', 'Second paragraph wrapped over two lines.']);
    expect(article.html).toBe('<p>First paragraph of the story.</p>\n<p>Second paragraph wrapped over two lines.</p>');
  });

  it('uses the given title and keeps line 1 as text when a title is given', () => {
    const article = cleanArticle({ title: 'Given', text: 'Short line\n\nBody & more <b>.' });
    expect(article.title).toBe('Given');
    expect(article.paragraphs).toEqual(['Short line', 'Body & more <b>.']);
    expect(article.html).toContain('Body &amp; more &lt;b&gt;.');
  });

  it('treats every line as a paragraph when there are no blank lines', () => {
    expect(cleanArticle({ title: 't', text: 'One.\nTwo.\nThree.' }).paragraphs).toEqual(['One.', 'Two.', 'Three.']);
  });
});

describe('cleanArticle: the lead image', () => {
  const text = '<p>The harbour reopened on Monday after a week of repairs to the sea wall.</p>';
  const page = (head: string, body: string): string => `<!doctype html><html><head><title>Harbour</title>${head}</head><body><article>${body}${text.repeat(4)}</article></body></html>`;

  it('takes the first meaningful content image before the page’s og:image', () => {
    const article = cleanArticle({ html: page('<meta property="og:image" content="/media/og.jpg">', '<figure><img src="/media/story.jpg" width="800" height="500"></figure>'), url: base });
    expect(article.image?.url).toBe('https://blog.example.org/media/story.jpg');
  });

  it('falls back to og:image, resolved against the page, then twitter:image; never a logo, icon or pixel', () => {
    expect(cleanArticle({ html: page('<meta property="og:image" content="../og.jpg">', ''), url: base }).image?.url).toBe('https://blog.example.org/2024/05/og.jpg');
    expect(cleanArticle({ html: page('<meta property="og:image" content="/img/site_fb_logo.jpg"><meta name="twitter:image" content="https://cdn.example.org/story-card.jpg">', ''), url: base }).image?.url).toBe(
      'https://cdn.example.org/story-card.jpg',
    );
    for (const decorative of ['/favicon.ico', 'https://secure.gravatar.com/blavatar/55bf?s=200', '/images/social_default_logo.png', 'https://stats.wp.com/b.gif', '/img/icons/share.png']) {
      expect(cleanArticle({ html: page(`<meta property="og:image" content="${decorative}">`, ''), url: base }).image).toBeNull();
    }
  });

  it('promotes data-src, data-srcset and srcset lazy images, resolving them', () => {
    const lazy = (img: string): string | null => cleanArticle({ html: `${img}${text}`, url: base }).image?.url ?? null;
    expect(lazy('<img data-src="/uploads/a.jpg" src="/img/blank.gif" width="800" height="500">')).toBe('https://blog.example.org/uploads/a.jpg');
    expect(lazy('<img data-src="photo.jpg">')).toBe('https://blog.example.org/2024/05/story/photo.jpg');
    expect(lazy('<img data-srcset="/b-400.jpg 400w, /b-1200.jpg 1200w" src="data:image/gif;base64,R0lGOD">')).toBe('https://blog.example.org/b-1200.jpg');
    expect(lazy('<img srcset="//cdn.example.net/c.jpg 2x, //cdn.example.net/c-small.jpg 1x">')).toBe('https://cdn.example.net/c.jpg');
  });

  it('drops 1×1 pixels (by attributes, style or tracker) and skips icons, emoji and tiny thumbnails', () => {
    const article = cleanArticle({
      html: `<img src="/p.gif" width="1" height="1"><img src="/q.png" style="width:1px;height:1px"><img src="https://www.facebook.com/tr?id=1&ev=PageView">
        <img src="/favicon.ico"><img class="emoji" src="/smile.png"><img src="/img/thumb.jpg?w=20"><img src="/s.png" width="24" height="24">${text}
        <img src="/uploads/real.jpg" width="640" height="400">`,
      url: base,
    });
    expect(article.image?.url).toBe('https://blog.example.org/uploads/real.jpg');
    expect(article.html).not.toMatch(/p\.gif|q\.png|facebook\.com\/tr/);
  });
});
