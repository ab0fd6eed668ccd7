import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { common, loadConfigFor, type CommonOptions, type SetExit } from '../context.js';
import { createOutput, EXIT } from '../output.js';

export function registerWeb(program: Command, setExit: SetExit): void {
  common(program.command('web'), false)
    .description('the server for readers: one-click unsubscribe, sign-up with confirmation, preferences, the archive')
    .option('--host <address>', 'address to listen on (default: web.host in the config, 127.0.0.1)')
    .option('-p, --port <n>', 'port (default: web.port in the config, 4590; 0 = any free port)', (v) => Number(v))
    .addHelpText(
      'after',
      '\nNeeds web.baseUrl (the public https address, served by a reverse proxy in front of this) and DIGEST_SECRET\n(the same value `digest run` uses) in the environment. DIGEST_WEBHOOK_SECRET turns on POST /webhooks/bounce.\nREADME "Readers and the web" has a systemd unit and a proxy example. Ctrl+C or SIGTERM stops it.',
    )
    .action(async (options: CommonOptions & { host?: string; port?: number }) => {
      if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) {
        throw new ConfigError('CLI_BAD_PORT', `--port: expected a port number from 0 to 65535`, { hint: 'e.g. digest web --port 4590' });
      }
      const config = await loadConfigFor(options);
      const { startWebServer } = await import('../../web/web-server.js');
      const out = createOutput({ json: false });
      for (const warning of config.warnings) out.warn(warning);
      const log = (text: string) => out.line(`[${new Date().toISOString()}] ${text}`);
      const server = await startWebServer(config, { ...(options.host ? { host: options.host } : {}), ...(options.port !== undefined ? { port: options.port } : {}), onLog: log });
      log(`digest web: listening on ${server.url} for ${config.web.baseUrl}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await server.close();
      log('stopped');
      setExit(EXIT.OK);
    });
}
