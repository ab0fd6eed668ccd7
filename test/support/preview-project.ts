import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { serve, startHttpServer, type TestHttpServer } from './http.js';
import { REPO_ROOT } from './temp-dir.js';

export interface PreviewProject {
  dir: string;
  configFile: string;
  /** The project's own copy of a shipped theme, for tests to edit. */
  themeDir: string;
  /** Serves the three sample feeds; `feedRequests()` counts what was fetched. */
  http: TestHttpServer;
  feedRequests(): number;
  loadConfig(env?: NodeJS.ProcessEnv): ReturnType<typeof loadConfig>;
  configText(extra?: string): string;
  close(): Promise<void>;
}

const FEEDS = [
  { file: 'world-news.rss.xml', name: 'World Desk', section: 'World', type: 'application/rss+xml', priority: 1 },
  { file: 'science-notes.atom.xml', name: 'Science Notes', section: 'Science', type: 'application/atom+xml' },
  { file: 'city-culture.json', name: 'City & Culture', section: 'Culture', type: 'application/feed+json' },
];

/**
 * A folder with a digest.config.yaml, its own copy of a theme (`theme/`), and the sample feeds
 * served over HTTP on 127.0.0.1: what an editor running `digest serve` has.
 */
export async function createPreviewProject(tmp: { dir: () => string; write: (name: string, content: string) => string }, theme = 'default'): Promise<PreviewProject> {
  const routes = Object.fromEntries(FEEDS.map((feed) => [`/${feed.file}`, serve(readFileSync(path.join(REPO_ROOT, 'feeds', feed.file)), feed.type)]));
  const http = await startHttpServer(routes);
  const dir = tmp.dir();
  const themeDir = path.join(dir, 'theme');
  cpSync(path.join(REPO_ROOT, 'templates', theme), themeDir, { recursive: true });
  const configText = (extra = '') =>
    [
      'title: Morning Digest',
      'template: ./theme',
      'unsubscribeUrl: https://example.com/unsubscribe?email={{email}}',
      'webVersionUrl: https://example.com/today',
      'recipients: [editor@example.com]',
      'feeds:',
      // The sample feeds are dated November 2026: no age limit, so the tests do not depend on today.
      ...FEEDS.flatMap((feed) => [`  - url: ${http.origin}/${feed.file}`, `    name: ${feed.name}`, `    section: ${feed.section}`, '    fullText: never', '    maxAgeDays: 0', ...('priority' in feed ? [`    priority: ${feed.priority}`] : [])]),
      extra,
      '',
    ].join('\n');
  const configFile = tmp.write('digest.config.yaml', configText());
  return {
    dir,
    configFile,
    themeDir,
    http,
    feedRequests: () => http.requests.filter((r) => FEEDS.some((feed) => r.path === `/${feed.file}`)).length,
    loadConfig: (env = {}) => loadConfig({ configPath: configFile, cwd: dir, env }),
    configText,
    close: () => http.close(),
  };
}
