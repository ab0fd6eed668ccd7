import type { Command } from 'commander';
import { common, loadConfigFor, logging, type CommonOptions, type LoggingOptions, type SetExit } from '../context.js';
import { createOutput, EXIT, printError } from '../output.js';

export function registerSchedule(program: Command, setExit: SetExit): void {
  logging(common(program.command('schedule'), false))
    .description('keep running and send the digest at each time of the config’s `schedule`, in its `timezone`')
    .addHelpText(
      'after',
      '\nFor a service (systemd, a container) instead of cron. Slots missed while the machine was asleep or off are\ncaught up within `scheduleGraceMinutes`, later ones skipped and logged. Runs never overlap (a lock), and a slot\nalready served by `digest run` is not served again. Stop with Ctrl-C or SIGTERM: a send in progress stops\nstarting messages, and the rest stay pending for the next run.',
    )
    .action(async (options: CommonOptions & LoggingOptions) => {
      const { printRunSummary, withStopSignal } = await import('../run-report.js');
      const config = await loadConfigFor(options);
      const { runSchedule, describeScheduleEvent } = await import('../../pipeline/run-schedule.js');
      const out = createOutput({ json: false, quiet: options.quiet, verbose: options.verbose });
      const log = (text: string, problem = false) => (problem ? out.problem : out.line)(`[${new Date().toISOString()}] ${text}`);
      for (const warning of config.warnings) out.warn(warning);
      log(`scheduling "${config.title}" on "${config.schedule}" in ${config.timezone}; a slot missed by up to ${config.scheduleGraceMinutes} min is caught up`);
      await withStopSignal(
        (signal) =>
          runSchedule(config, {
            signal,
            pipeline: { onProgress: (event) => out.progress(event), onNotice: log },
            onEvent: (event) => {
              out.done();
              if (event.type === 'served' || event.type === 'resumed') {
                const result = event.result;
                printRunSummary(out, config, { ...result, warnings: result.warnings.filter((w) => !config.warnings.includes(w)) });
              }
              if (event.type === 'failed') printError(event.error);
              if (event.type !== 'started') log(describeScheduleEvent(event, config.timezone), event.type === 'failed' || event.type === 'skipped');
            },
          }),
        (signal) => log(`${signal}: stopping (a send in progress finishes the messages in flight; the rest stay pending for the next run)`),
      );
      log('stopped');
      setExit(EXIT.OK);
    });
}
