/**
 * The preview page `digest serve` shows: one self-contained HTML document (no build step, no
 * external files). It follows the server's event stream and redraws from /api/state; it never
 * reloads itself, so what the editor was looking at (tab, scroll) stays put across saves.
 */
export function previewPage(): string {
  return PAGE;
}

const PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Digest preview</title>
<style>
  :root { --ink:#1f2933; --muted:#6b7280; --line:#e5e7eb; --bg:#f3f4f6; --ok:#15803d; --warn:#b45309; --bad:#b91c1c; --accent:#2563eb; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
  header { position:sticky; top:0; z-index:5; display:flex; flex-wrap:wrap; gap:8px 16px; align-items:center; padding:10px 16px; background:#fff; border-bottom:1px solid var(--line); }
  header h1 { font-size:15px; margin:0; }
  #status { font-size:12px; padding:2px 8px; border-radius:10px; background:var(--line); }
  #status.ok { background:#dcfce7; color:var(--ok); } #status.error { background:#fee2e2; color:var(--bad); } #status.loading { background:#fef3c7; color:var(--warn); }
  .muted { color:var(--muted); }
  .spacer { flex:1; }
  button { font:inherit; padding:4px 10px; border:1px solid #cbd5e1; border-radius:6px; background:#fff; cursor:pointer; }
  button:hover { border-color:var(--accent); }
  button:disabled { opacity:.5; cursor:default; }
  input[type=email] { font:inherit; padding:4px 8px; border:1px solid #cbd5e1; border-radius:6px; width:220px; }
  #inbox { margin:12px 16px 0; padding:10px 14px; background:#fff; border:1px solid var(--line); border-radius:8px; }
  #inbox .from { font-weight:600; } #subject { font-weight:600; } #preheader { color:var(--muted); }
  nav { display:flex; gap:4px; margin:12px 16px 0; flex-wrap:wrap; }
  nav button { border-radius:6px 6px 0 0; border-bottom:none; }
  nav button[aria-selected=true] { background:var(--ink); color:#fff; border-color:var(--ink); }
  nav label.view { display:flex; align-items:center; gap:4px; padding:4px 8px; font-size:13px; cursor:pointer; }
  .layout { display:flex; gap:16px; align-items:flex-start; padding:0 16px 24px; }
  main { position:relative; flex:1; min-width:0; background:#fff; border:1px solid var(--line); border-radius:0 8px 8px 8px; padding:16px; }
  aside { width:300px; flex:none; display:flex; flex-direction:column; gap:12px; }
  aside section, #problems { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
  aside h2, #problems h2 { font-size:13px; margin:0 0 8px; text-transform:uppercase; letter-spacing:.06em; color:var(--muted); }
  .frames { display:flex; gap:16px; flex-wrap:wrap; align-items:flex-start; }
  .device { display:flex; flex-direction:column; gap:6px; }
  .device .label { font-size:12px; color:var(--muted); }
  iframe { border:1px solid var(--line); background:#fff; display:block; height:900px; }
  #frame-desktop { width:600px; } #frame-mobile { width:375px; }
  main[data-tab=desktop] #device-mobile, main[data-tab=mobile] #device-desktop { display:none; }
  main:not([data-tab=both]):not([data-tab=desktop]):not([data-tab=mobile]) .frames { display:none; }
  pre.source { margin:0; white-space:pre-wrap; word-break:break-word; font:12px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
  #view-text, #view-html, #view-mjml { display:none; }
  main[data-tab=text] #view-text, main[data-tab=html] #view-html, main[data-tab=mjml] #view-mjml { display:block; }
  #view-text pre { font-size:13px; max-width:80ch; }
  .meter { position:relative; height:10px; background:var(--line); border-radius:5px; overflow:hidden; }
  .meter span { position:absolute; inset:0 auto 0 0; background:var(--ok); }
  .meter span.warn { background:var(--warn); } .meter span.bad { background:var(--bad); }
  .meter i { position:absolute; top:0; bottom:0; width:2px; background:var(--ink); }
  #size-label { margin-top:6px; font-size:12px; }
  ul.checks { list-style:none; margin:0; padding:0; display:flex; flex-direction:column; gap:6px; }
  ul.checks li { padding-left:22px; position:relative; }
  ul.checks li::before { position:absolute; left:0; font-weight:700; }
  ul.checks li.ok::before { content:"✓"; color:var(--ok); } ul.checks li.bad::before { content:"✗"; color:var(--bad); }
  ul.checks .detail { display:block; font-size:12px; color:var(--muted); }
  ul.checks code { display:block; font-size:11px; color:var(--bad); word-break:break-all; }
  #problems { margin:12px 16px 0; border-color:#fca5a5; background:#fff7f7; }
  #problems[hidden] { display:none; }
  .problem { margin-top:8px; }
  .where { font:600 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
  pre.frame { margin:6px 0 0; padding:8px 0; background:#111827; color:#e5e7eb; border-radius:6px; overflow-x:auto; font:12px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
  pre.frame span { display:block; padding:0 10px; white-space:pre; }
  pre.frame span.hl { background:#7f1d1d; }
  #overlay { position:absolute; inset:0; z-index:3; background:rgba(255,255,255,.82); display:flex; align-items:flex-start; justify-content:center; padding:40px 16px; }
  #overlay[hidden] { display:none; }
  #overlay .card { max-width:760px; width:100%; background:#fff; border:2px solid var(--bad); border-radius:10px; padding:18px 20px; box-shadow:0 10px 30px rgba(0,0,0,.15); }
  #overlay .kind { color:var(--bad); font-weight:700; text-transform:uppercase; font-size:12px; letter-spacing:.08em; }
  #error-message { white-space:pre-wrap; font:13px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; margin:8px 0; }
  #error-hint { margin:8px 0 0; }
  #feeds-failed li, #budget li { font-size:12px; }
  #send-result { font-size:12px; }
</style>
</head>
<body>
<header>
  <h1>Digest preview</h1>
  <span id="status" class="loading">starting…</span>
  <span id="theme" class="muted"></span>
  <span class="spacer"></span>
  <span id="feeds-info" class="muted"></span>
  <button id="refresh" type="button" title="Fetch the feeds again (saving a template never does)">Refresh feeds</button>
  <form id="send-form" hidden>
    <input id="send-to" type="email" required placeholder="you@example.com" aria-label="Send a test to">
    <button id="send" type="submit">Send test</button>
    <span id="send-result"></span>
  </form>
</header>

<div id="inbox" aria-label="How the inbox shows it">
  <div class="muted">From <span class="from" id="from"></span></div>
  <div><span id="subject">…</span></div>
  <div id="preheader"></div>
</div>

<section id="problems" hidden aria-live="polite">
  <h2>MJML problems: <span class="muted">digest run would refuse to send this</span></h2>
  <div id="problem-list"></div>
</section>

<nav role="tablist">
  <button role="tab" data-tab="both">Desktop &amp; mobile</button>
  <button role="tab" data-tab="desktop">Desktop 600 px</button>
  <button role="tab" data-tab="mobile">Mobile 375 px</button>
  <button role="tab" data-tab="text">Plain text</button>
  <button role="tab" data-tab="html">HTML source</button>
  <button role="tab" data-tab="mjml">MJML source</button>
  <span class="spacer"></span>
  <label class="view" title="As Apple Mail, iOS Mail and Outlook.com show it when the reader's device is in dark mode (Gmail's apps invert colours their own way)"><input type="checkbox" id="view-dark"> Dark</label>
  <label class="view" title="As a reader who blocks remote images sees it (most mail programs do, for senders they do not know)"><input type="checkbox" id="view-images-off"> Images off</label>
</nav>

<div class="layout">
  <main id="main" data-tab="both">
    <div id="overlay" hidden role="alert">
      <div class="card">
        <div class="kind" id="error-kind">Template error</div>
        <div class="where" id="error-location"></div>
        <pre id="error-message"></pre>
        <pre class="frame" id="error-frame" hidden></pre>
        <p id="error-hint" class="muted"></p>
        <p class="muted">The preview underneath is the last version that worked. Fix the file and save: this page updates by itself.</p>
      </div>
    </div>
    <div class="frames">
      <div class="device" id="device-desktop"><span class="label">Desktop, 600 px</span><iframe id="frame-desktop" title="The email at 600 px" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"></iframe></div>
      <div class="device" id="device-mobile"><span class="label">Mobile, 375 px</span><iframe id="frame-mobile" title="The email at 375 px" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"></iframe></div>
    </div>
    <div id="view-text"><pre class="source" id="text"></pre></div>
    <div id="view-html"><pre class="source" id="html-source"></pre></div>
    <div id="view-mjml"><pre class="source" id="mjml-source"></pre></div>
  </main>
  <aside>
    <section>
      <h2>Size</h2>
      <div class="meter" id="size-meter"><span id="size-bar"></span><i id="size-budget" title="size budget"></i><i id="size-gmail" title="Gmail clips here" style="background:var(--bad)"></i></div>
      <div id="size-label" class="muted"></div>
      <ul id="budget" class="muted"></ul>
    </section>
    <section>
      <h2>Checks</h2>
      <ul class="checks" id="checks"></ul>
    </section>
    <section>
      <h2>Feeds</h2>
      <div id="feeds-detail" class="muted"></div>
      <ul id="feeds-failed"></ul>
    </section>
  </aside>
</div>

<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, v);
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  };
  const kb = (bytes) => (bytes / 1000).toFixed(1).replace(/\.0$/, '') + ' KB';
  const GMAIL = 102000;
  let state = null;
  let shownRender = null;
  let sources = {};
  let mobileCheck = null;

  const main = $('main');
  const tabs = [...document.querySelectorAll('nav button')];
  function selectTab(tab) {
    main.dataset.tab = tab;
    for (const b of tabs) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
    try { localStorage.setItem('digest-preview-tab', tab); } catch {}
    loadSource(tab);
  }
  for (const b of tabs) b.addEventListener('click', () => selectTab(b.dataset.tab));

  async function loadSource(tab) {
    if (!state || !state.render) return;
    const files = { html: ['/email.html', 'html-source'], mjml: ['/email.mjml', 'mjml-source'] };
    if (!files[tab] || sources[tab] === state.render.id) return;
    const text = await (await fetch(files[tab][0], { cache: 'no-store' })).text();
    sources[tab] = state.render.id;
    $(files[tab][1]).textContent = tab === 'mjml' ? text.split('\\n').map((l, i) => String(i + 1).padStart(4) + '  ' + l).join('\\n') : text;
  }

  function frameLines(frame) {
    const pre = el('pre', { class: 'frame' });
    frame.lines.forEach((text, i) => {
      const n = frame.firstLine + i;
      pre.append(el('span', { class: n === frame.line ? 'hl' : '' }, String(n).padStart(4) + '  ' + text));
    });
    return pre;
  }

  function showError(error) {
    const overlay = $('overlay');
    if (!error) { overlay.hidden = true; return; }
    overlay.hidden = false;
    $('error-kind').textContent = { config: 'Config error', template: 'Template error', fetch: 'Could not fetch the feeds', internal: 'Unexpected error' }[error.kind] || 'Error';
    $('error-location').textContent = error.file ? error.file + (error.line ? ':' + error.line + (error.column ? ':' + error.column : '') : '') : '';
    $('error-message').textContent = error.message;
    $('error-hint').textContent = error.hint || '';
    const frame = $('error-frame');
    if (error.frame) { frame.replaceWith(Object.assign(frameLines(error.frame), { id: 'error-frame' })); } else { frame.hidden = true; frame.textContent = ''; }
  }

  function showProblems(render) {
    const box = $('problems');
    const list = $('problem-list');
    list.replaceChildren();
    const warnings = render ? render.warnings : [];
    box.hidden = warnings.length === 0;
    for (const w of warnings) {
      const where = w.file ? w.file + (w.line ? ':' + w.line : '') : 'line ' + w.mjmlLine + ' of the expanded MJML';
      list.append(el('div', { class: 'problem' },
        el('div', { class: 'where' }, where), el('div', null, w.message + (w.count > 1 ? ' (×' + w.count + ')' : '')),
        w.frame ? frameLines(w.frame) : null));
    }
  }

  function showSize(render) {
    const bytes = render.htmlBytes;
    const budget = render.size.limit;
    const scale = Math.max(bytes, GMAIL, budget || 0) * 1.1;
    const bar = $('size-bar');
    bar.style.width = Math.min(100, (bytes / scale) * 100) + '%';
    bar.className = bytes > GMAIL ? 'bad' : budget && bytes > budget ? 'warn' : '';
    $('size-gmail').style.left = (GMAIL / scale) * 100 + '%';
    const budgetMark = $('size-budget');
    budgetMark.hidden = !budget;
    if (budget) budgetMark.style.left = (budget / scale) * 100 + '%';
    $('size-label').textContent = kb(bytes) + ' of HTML · Gmail clips at about 102 KB' + (budget ? ' · budget ' + kb(budget) : ' · no budget');
    const list = $('budget');
    list.replaceChildren();
    const size = render.size;
    if (size.steps.length) {
      list.append(el('li', null, 'Shortened to fit the budget (was ' + kb(size.originalBytes) + '):'));
      for (const step of size.steps) {
        if (step === 'shorter-ledes') list.append(el('li', null, 'ledes cut to ' + size.ledeWords + ' words'));
        if (step === 'no-images') list.append(el('li', null, size.imagesDropped + ' images left out'));
        if (step === 'fewer-items') list.append(el('li', null, size.droppedItems.length + ' stories left out: ' + size.droppedItems.map((i) => i.headline).join('; ')));
      }
    }
  }

  function showChecks(render) {
    const list = $('checks');
    list.replaceChildren();
    const all = [...render.checks];
    if (mobileCheck) all.push(mobileCheck);
    for (const c of all) {
      const li = el('li', { class: c.ok ? 'ok' : 'bad', 'data-check': c.id }, c.label, el('span', { class: 'detail' }, c.detail));
      for (const example of c.examples || []) li.append(el('code', null, example));
      list.append(li);
    }
  }

  function showFeeds(s) {
    const f = s.feeds;
    const when = f.fetchedAt ? new Date(f.fetchedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
    $('feeds-info').textContent = f.fetching ? 'Fetching feeds…' : f.fetchedAt ? f.items + ' stories, fetched ' + when : '';
    $('refresh').disabled = f.fetching;
    $('feeds-detail').textContent = f.fetchedAt
      ? f.items + ' stories from ' + f.ok + ' of ' + f.total + ' feeds, fetched ' + new Date(f.fetchedAt).toLocaleString() + '. Saving a template re-renders these; “Refresh feeds” fetches again.' + (f.fellBackToLatest ? ' Nothing is new since the last run: showing the latest stories.' : '')
      : 'Not fetched yet.';
    const failed = $('feeds-failed');
    failed.replaceChildren(...f.failed.map((x) => el('li', null, '✗ ' + x.feed + ': ' + x.message)), ...f.warnings.map((w) => el('li', null, w)));
  }

  const views = { dark: $('view-dark'), imagesOff: $('view-images-off') };
  function viewQuery() {
    return (views.dark.checked ? '&dark=1' : '') + (views.imagesOff.checked ? '&images=off' : '');
  }
  function loadFrames(render) {
    for (const id of ['frame-desktop', 'frame-mobile']) $(id).src = '/email.html?frame=1&v=' + render.id + viewQuery();
    const note = (views.dark.checked ? ', dark' : '') + (views.imagesOff.checked ? ', images off' : '');
    $('device-desktop').querySelector('.label').textContent = 'Desktop, 600 px' + note;
    $('device-mobile').querySelector('.label').textContent = 'Mobile, 375 px' + note;
  }
  for (const [key, box] of Object.entries(views)) {
    try { box.checked = localStorage.getItem('digest-preview-' + key) === '1'; } catch {}
    box.addEventListener('change', () => {
      try { localStorage.setItem('digest-preview-' + key, box.checked ? '1' : '0'); } catch {}
      if (shownRender !== null) { mobileCheck = null; loadFrames({ id: shownRender }); }
    });
  }

  function fitFrame(frame) {
    const doc = frame.contentDocument;
    if (!doc || !doc.documentElement) return;
    frame.style.height = Math.max(300, doc.documentElement.scrollHeight + 2) + 'px';
    frame.dataset.renderId = new URL(frame.src).searchParams.get('v');
    if (frame.id === 'frame-mobile') {
      const wide = doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
      mobileCheck = { id: 'mobile-width', ok: wide <= 0, label: 'Fits 375 px', detail: wide <= 0 ? 'no sideways scrolling on a phone' : 'the email is ' + wide + ' px wider than a phone screen: something (a long word, a fixed width, an image) does not shrink' };
      if (state && state.render) showChecks(state.render);
    }
  }
  for (const id of ['frame-desktop', 'frame-mobile']) $(id).addEventListener('load', (e) => fitFrame(e.target));

  function show(s) {
    state = s;
    document.body.dataset.version = s.version;
    document.body.dataset.status = s.status;
    const status = $('status');
    status.className = s.status;
    status.textContent = s.status === 'ok' ? (s.render && s.render.warnings.length ? 'rendered, with MJML problems' : 'up to date') : s.status === 'error' ? 'error' : 'starting…';
    $('theme').textContent = s.config.template ? 'theme: ' + s.config.template + (s.render ? ' · ' + s.render.renderMs + ' ms' : '') : '';
    showError(s.error);
    showFeeds(s);
    const form = $('send-form');
    form.hidden = !s.send.enabled;
    if (s.send.enabled && !$('send-to').value) $('send-to').value = s.send.defaultTo;
    const render = s.render;
    if (!render) return;
    document.title = 'Digest preview: ' + render.subject;
    $('from').textContent = s.config.from || '';
    $('subject').textContent = render.subject;
    $('preheader').textContent = render.preheader;
    $('text').textContent = render.text;
    showProblems(render);
    showSize(render);
    if (shownRender !== render.id) {
      shownRender = render.id;
      mobileCheck = null;
      sources = {};
      loadFrames(render);
    }
    loadSource(main.dataset.tab);
    showChecks(render);
  }

  async function load() {
    const response = await fetch('/api/state', { cache: 'no-store' });
    show(await response.json());
  }

  $('refresh').addEventListener('click', async () => {
    $('refresh').disabled = true;
    await fetch('/api/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  });
  $('send-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = $('send-result');
    result.textContent = 'Sending…';
    $('send').disabled = true;
    try {
      const response = await fetch('/api/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: $('send-to').value }) });
      const body = await response.json();
      result.textContent = response.ok ? 'Sent to ' + body.to + ' via ' + body.transport : '✗ ' + body.error.message + (body.error.hint ? ' ' + body.error.hint : '');
    } catch (error) {
      result.textContent = '✗ ' + error.message;
    } finally {
      $('send').disabled = false;
    }
  });

  let saved = 'both';
  try { saved = localStorage.getItem('digest-preview-tab') || 'both'; } catch {}
  selectTab(saved);
  const events = new EventSource('/events');
  events.addEventListener('update', (event) => {
    // Reload the frames straight away; the rest of the page follows from /api/state.
    const update = JSON.parse(event.data);
    if (update.renderId && update.renderId !== shownRender && state) {
      shownRender = update.renderId;
      mobileCheck = null;
      sources = {};
      loadFrames({ id: update.renderId });
    }
    load().catch(() => {});
  });
})();
</script>
</body>
</html>
`;
