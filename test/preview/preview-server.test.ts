import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPreviewServer, type PreviewServer, type PreviewServerOptions } from '../../src/preview/preview-server.js';
import type { PreviewState, RebuildEvent } from '../../src/preview/preview-session.js';
import { createPreviewProject, type PreviewProject } from '../support/preview-project.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
let project: PreviewProject | undefined;
let server: PreviewServer | undefined;
let smtp: TestSmtpServer | undefined;
let rebuilds: RebuildEvent[] = [];

afterEach(async () => {
  await server?.close();
  await project?.close();
  await smtp?.close();
  server = project = smtp = undefined;
  rebuilds = [];
});

async function start(options: Partial<PreviewServerOptions> & { env?: NodeJS.ProcessEnv } = {}): Promise<PreviewServer> {
  project ??= await createPreviewProject(tmp);
  const current = project;
  server = await startPreviewServer({
    port: 0,
    configFile: current.configFile,
    cwd: current.dir,
    loadConfig: () => current.loadConfig(options.env),
    onRebuild: (event) => rebuilds.push(event),
    ...options,
  });
  await server.ready;
  return server;
}

/** Resolves once the server's state satisfies `test` (checked after every rebuild). */
function waitForState(test: (state: PreviewState, html: string) => boolean, timeoutMs = 10_000): Promise<PreviewState> {
  const session = server!.session;
  return new Promise((resolve, reject) => {
    const check = () => {
      const state = session.state();
      if (!test(state, session.emailHtml())) return;
      clearTimeout(timer);
      stop();
      resolve(state);
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`state never matched; last: ${JSON.stringify({ ...session.state(), render: undefined }).slice(0, 800)}`));
    }, timeoutMs);
    const stop = session.onUpdate(check);
    check();
  });
}

function edit(file: string, change: (text: string) => string): void {
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; type: string }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: await response.text(), type: response.headers.get('content-type') ?? '' };
}

function post(path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return fetch(new URL(path, server!.url), { method: 'POST', headers, body: JSON.stringify(body) });
}

describe('digest serve: the preview server', () => {
  it('serves the page, the state and the email, on 127.0.0.1 only', async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Digest preview</title>');

    const state = JSON.parse((await get(`${url}api/state`)).body) as PreviewState;
    expect(state).toMatchObject({ status: 'ok', error: null, feeds: { total: 3, ok: 3, items: 10, fetching: false }, send: { enabled: false }, config: { template: './theme' } });
    expect(state.render!.subject).toMatch(/^Morning Digest: NO DEAL/);
    expect(state.render!.preheader).not.toMatch(/NO DEAL/); // the subject names the lead; the preheader the next stories
    expect(state.render!.preheader.length).toBeGreaterThan(20);
    expect(state.render!.text).toContain('Rotterdam port strike ends');
    expect(state.render!.warnings).toEqual([]);
    expect(state.render!.checks.filter((c) => !c.ok)).toEqual([]);
    expect(state.render!.size).toMatchObject({ steps: [], limit: 100_000 });
    expect(state.watching.map((p) => path.basename(p)).sort()).toEqual(['digest.config.yaml', 'theme']);

    const html = await get(`${url}email.html`);
    expect(html.type).toMatch(/^text\/html/);
    expect(html.body).toContain('Rotterdam port strike ends');
    expect(html.body).toContain('subscriber@example.com'); // the preview reader, not a real one
    expect((await get(`${url}email.html?frame=1`)).body).toContain('<head><base target="_blank">');
    expect((await get(`${url}email.txt`)).body).toContain('== WORLD ==');
    expect((await get(`${url}email.mjml`)).body).toMatch(/^<mjml lang="en">/);

    // Another site's page cannot read from it or post to it.
    const port = new URL(url).port;
    const rebound = await new Promise<number>((resolve) => {
      httpRequest({ host: '127.0.0.1', port, path: '/api/state', headers: { host: `evil.example:${port}` } }, (r) => resolve(r.statusCode ?? 0)).end();
    });
    expect(rebound).toBe(403);
    expect((await post('/api/refresh', {}, { 'content-type': 'text/plain' })).status).toBe(403);
    expect((await post('/api/refresh', {}, { 'content-type': 'application/json', origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/api/send', { to: 'a@example.com' })).status).toBe(409);
  });

  it('re-renders on a template save without fetching the feeds again; "Refresh feeds" fetches', async () => {
    await start();
    const fetched = project!.feedRequests();
    expect(fetched).toBe(3);
    edit(path.join(project!.themeDir, 'partials/lead.hbs'), (t) => t.replace('{{lead.lede}}', 'EDITED: {{lead.lede}}'));
    await waitForState((_, html) => html.includes('EDITED: President Trump'));
    expect(project!.feedRequests()).toBe(fetched);
    expect(rebuilds.at(-1)).toMatchObject({ ok: true, fetched: false, reasons: [expect.stringMatching(/theme\/partials\/lead\.hbs$/)] });

    const before = server!.session.state().version;
    expect((await post('/api/refresh', {})).status).toBe(202);
    await waitForState((s) => s.version > before && !s.feeds.fetching && s.status === 'ok');
    expect(project!.feedRequests()).toBe(fetched + 3);
  });

  it('turns a burst of file events into one rebuild', async () => {
    await start();
    const item = path.join(project!.themeDir, 'partials/item.hbs');
    const before = rebuilds.length;
    const version = server!.session.state().version;
    // Ten events in one turn of the event loop, as an editor's save burst arrives: the quiet period
    // restarts on each, so exactly one rebuild follows (no timing involved: nothing runs in between).
    for (let i = 0; i < 10; i++) server!.session.fileChanged(item);
    await waitForState((s) => s.version > version);
    await server!.session.settled();
    expect(rebuilds.length - before).toBe(1);
    expect(rebuilds.at(-1)!.reasons).toEqual([expect.stringMatching(/theme\/partials\/item\.hbs$/)]);
  });

  it('never runs two rebuilds at once: saves during a rebuild queue one more, which sees the last save', async () => {
    await start();
    const item = path.join(project!.themeDir, 'partials/item.hbs');
    const original = readFileSync(item, 'utf8');
    const before = rebuilds.length;
    for (let i = 0; i < 6; i++) {
      writeFileSync(item, original.replace('{{brief lede 24}}', `STEP-${i} {{brief lede 24}}`));
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    await waitForState((_, html) => html.includes('STEP-5 '));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const mine = rebuilds.slice(before);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < mine.length; i++) expect(mine[i]!.startedAt).toBeGreaterThanOrEqual(mine[i - 1]!.startedAt + mine[i - 1]!.ms);
    expect(server!.session.emailHtml()).toContain('STEP-5 ');
  });

  it('reloads the config on save, and fetches again only when the feeds or limits changed', async () => {
    await start();
    const fetched = project!.feedRequests();
    writeFileSync(project!.configFile, project!.configText().replace('title: Morning Digest', 'title: Evening Digest'));
    await waitForState((s) => s.render?.subject.startsWith('Evening Digest: ') ?? false);
    expect(project!.feedRequests()).toBe(fetched);

    writeFileSync(project!.configFile, project!.configText('limits:\n  perFeed: 1'));
    const state = await waitForState((s) => s.feeds.items === 3 && s.status === 'ok');
    expect(project!.feedRequests()).toBe(fetched + 3);
    expect(state.render!.subject).toMatch(/^Morning Digest: /);

    // Switching the theme renders with it, and watches its folder instead.
    writeFileSync(project!.configFile, project!.configText('limits:\n  perFeed: 1').replace('template: ./theme', 'template: compact'));
    const compact = await waitForState((s) => s.render?.theme === 'compact');
    expect(compact.render!.subject).toMatch(/^Morning Digest: 3 headlines, /);
    expect(compact.watching.some((p) => p.endsWith(path.join('templates', 'compact')))).toBe(true);
    expect(compact.watching.some((p) => p.endsWith(`${path.sep}theme`))).toBe(false);
    expect(project!.feedRequests()).toBe(fetched + 3);
  });

  it('shows a broken config, template or MJML as an error with file and line, and recovers on the next good save', async () => {
    await start();
    const goodSubject = server!.session.state().render!.subject;

    writeFileSync(project!.configFile, project!.configText('limits:\n  perFed: 2'));
    let state = await waitForState((s) => s.status === 'error');
    expect(state.error).toMatchObject({ kind: 'config', code: 'CONFIG_INVALID', line: expect.any(Number) });
    expect(state.error!.message).toMatch(/digest.config.yaml:\d+: limits.perFed: .*perFeed/);
    expect(state.render!.subject).toBe(goodSubject); // the last good rendering stays
    writeFileSync(project!.configFile, project!.configText());
    await waitForState((s) => s.status === 'ok');

    const item = path.join(project!.themeDir, 'partials/item.hbs');
    const original = readFileSync(item, 'utf8');
    const quoteLine = original.split('\n').findIndex((l) => l.includes('{{#if quote}}')) + 1;
    writeFileSync(item, original.replace('{{#if quote}}{{> quote}}{{/if}}', '{{#if quote}}{{> quote}}'));
    state = await waitForState((s) => s.status === 'error');
    expect(state.error).toMatchObject({ kind: 'template', code: 'TEMPLATE_SYNTAX', file: expect.stringMatching(/theme\/partials\/item\.hbs$/), line: quoteLine });
    expect(state.error!.frame!.lines[state.error!.frame!.line - state.error!.frame!.firstLine]).toContain('{{#if quote}}');

    writeFileSync(item, original.replace('{{> quote}}', '{{> qoute}}'));
    state = await waitForState((s) => s.error?.code === 'TEMPLATE_PARTIAL_MISSING');
    expect(state.error!.message).toMatch(new RegExp(`theme/partials/item\\.hbs:${quoteLine}: uses the partial "qoute"`));

    const ledeLine = original.split('\n').findIndex((l) => l.includes('{{brief lede 24}}')) + 1;
    writeFileSync(item, original.replace(original.split('\n')[ledeLine - 1]!, '</mj-text></mj-column><mj-text>{{lede}}</mj-text><mj-column><mj-text>'));
    state = await waitForState((s) => s.status === 'ok' && (s.render?.warnings.length ?? 0) > 0);
    expect(state.render!.warnings[0]).toMatchObject({ file: expect.stringMatching(/theme\/partials\/item\.hbs$/), line: ledeLine, count: expect.any(Number), message: expect.stringMatching(/mj-text cannot be used inside mj-section/) });

    writeFileSync(item, original);
    state = await waitForState((s) => s.status === 'ok' && s.render?.warnings.length === 0);
    expect(state.error).toBeNull();
  });

  it('keeps the fetched stories for its next start; refresh: true fetches anyway', async () => {
    await start();
    expect(project!.feedRequests()).toBe(3);
    await server!.close();
    await start();
    expect(project!.feedRequests()).toBe(3);
    expect(server!.session.state().feeds.items).toBe(10);
    await server!.close();
    await start({ refresh: true });
    expect(project!.feedRequests()).toBe(6);
  });

  it('sends a test copy through the configured SMTP server', async () => {
    smtp = await startSmtpServer();
    await start({ env: { SMTP_URL: smtp.url } });
    expect(server!.session.state().send).toMatchObject({ enabled: true, defaultTo: 'editor@example.com', transport: expect.stringMatching(/^SMTP 127\.0\.0\.1:\d+$/) });
    expect((await post('/api/send', { to: 'nope' })).status).toBe(400);
    const response = await post('/api/send', { to: 'editor@example.com' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ to: 'editor@example.com', items: 10 });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.parsed.subject).toMatch(/^Morning Digest: NO DEAL/);
  });

  it('tells the page about every rebuild over server-sent events', async () => {
    const { url } = await start();
    const received: string[] = [];
    const request = httpRequest(`${url}events`);
    const opened = new Promise<void>((resolve) => {
      request.on('response', (response) => {
        expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
        response.on('data', (chunk: Buffer) => received.push(chunk.toString()));
        resolve();
      });
    });
    request.end();
    await opened;
    const version = server!.session.state().version;
    edit(path.join(project!.themeDir, 'subject.hbs'), (t) => `Hello ${t}`);
    await waitForState((s) => s.render?.subject.startsWith('Hello') ?? false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    request.destroy();
    const events = received.join('').split('\n\n').filter((e) => e.includes('event: update'));
    expect(events.at(-1)).toContain(`"version":${version + 1}`);
  });
});
