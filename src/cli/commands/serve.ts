import type { Command } from 'commander';
import { common, configFileFor, rel, type CommonOptions, type SetExit } from '../context.js';
import { createOutput, EXIT } from '../output.js';

export function registerServe(program: Command, setExit: SetExit): void {
  common(program.command('serve'), false)
    .description('a live preview for template editors: a page on 127.0.0.1 that re-renders on every save')
    .option('-p, --port <n>', 'port on 127.0.0.1 (default: serve.port in the config, 4580; 0 = any free port)', (v) => Number.parseInt(v, 10))
    .option('--refresh', 'fetch the feeds at start instead of using the stories cached by the last serve')
    .addHelpText(
      'after',
      '\nWatches the theme, the partials folder, the config and its feed lists. Saving a template re-renders from the\nstories already fetched (never refetching); "Refresh feeds" on the page fetches again. Opens nothing: open the\nprinted address in a browser. Ctrl+C stops it.',
    )
    .action(async (options: CommonOptions & { port?: number; refresh?: boolean }) => {
      const configFile = configFileFor(options);
      const { loadConfig } = await import('../../config/load-config.js');
      const load = () => loadConfig(options.config ? { configPath: options.config } : {});
      let port = options.port;
      if (port === undefined || Number.isNaN(port)) {
        try {
          port = load().serve.port;
        } catch {
          // A broken config is shown on the page (and fixed there); serve on the default port.
          port = 4580;
        }
      }
      const { startPreviewServer } = await import('../../preview/preview-server.js');
      const out = createOutput({ json: false });
      const server = await startPreviewServer({
        port,
        configFile,
        refresh: Boolean(options.refresh),
        loadConfig: load,
        onRebuild: (event) => {
          const time = new Date().toTimeString().slice(0, 8);
          const why = event.reasons.join(', ');
          if (event.ok) out.line(`${time} rendered in ${Math.round(event.ms)} ms${event.fetched ? ' (feeds fetched)' : ''}${why ? ` · ${why}` : ''}`);
          else out.line(`${time} ✗ ${event.error?.split('\n')[0]}${why ? ` · ${why}` : ''}`);
        },
      });
      out.line(`Preview: ${server.url}`);
      out.line('Open it in a browser; it updates on every save. Ctrl+C to stop.');
      await server.ready;
      out.line(`Watching ${server.session.state().watching.map(rel).join(', ') || 'nothing'}`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      setExit(EXIT.OK);
    });
}
