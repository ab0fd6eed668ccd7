import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import type { WorkerEvent } from '../../queue/run-worker.js';
import { common, loadConfigFor, type CommonOptions, type SetExit } from '../context.js';
import { createOutput, EXIT } from '../output.js';

interface WorkerOptions extends CommonOptions {
  concurrency?: number;
  name?: string;
}

/** How often the worker logs what it sent, when it sent anything. */
const REPORT_EVERY_MS = 30_000;

// Sizing figures: `npm run bench:queue` (bench/queue.ts) on the 2-core development machine,
// 2026-12-02; README.md, "Sizing for 1,000,000 readers", has them all. Keep the two in step.
const SIZING = `
Start any number of workers, on any machines that reach Redis and the mail server; each reads
the same config (delivery.queue or DIGEST_QUEUE_URL, the delivery.* settings) and its own SMTP_URL.
\`digest run\` (the coordinator) enqueues one job per reader and records what the workers report.

  --concurrency   messages in flight in this worker = its SMTP connections (delivery.maxConnections).
                  Also the most messages a SIGKILL of this worker can make go out twice (same
                  Message-ID); they are taken over after delivery.takeoverSeconds (default 30 s).
  rate limit      delivery.rateLimit, messages per second across ALL workers (BullMQ's limiter).

Sizing for 1,000,000 readers (measured with npm run bench:queue on a 2-core machine, a relay
answering each message after 20 ms, 2 connections per worker; see the README for all figures):
  - a connection sends about 1 / (the relay's answer time + 8 ms) messages a second: 36/s at
    20 ms. One 2-connection worker: 72 msg/s, 1,000,000 in 3 h 51 min; two: 143 msg/s (1.97x),
    1 h 57 min. Four on that 2-core machine: 201 msg/s (2.78x; the cores were saturated);
  - a worker needs about 4 ms of CPU per message: about 250 msg/s per core. Past that add
    workers on other cores or machines; the relay's own limits (ask your provider) go in
    delivery.rateLimit and bound the sum of the workers' --concurrency;
  - Redis: 88 MB per 100,000 queued jobs; 816 MB with 1,000,000 queued at once (plan 1 GB;
    about 0.5 GB with hash-max-listpack-value 512). Jobs leave Redis as their results are
    recorded. Run it with appendonly yes and maxmemory-policy noeviction;
  - enqueueing: about 23 s per 100,000 readers (1,000,000 took 6 min on a busy machine);
    workers start sending with the first thousand;
  - the coordinator reads the ledger 1,000 readers at a time: peak RSS 273 MB enqueueing
    1,000,000 (39 MB of live JS heap). Its ledger takes about 205 MB per 1,000,000 readers.

Stop a worker with SIGTERM (or Ctrl-C): it finishes and reports the messages in flight, then exits.
A worker that cannot reach the mail server pauses and retries it (no message loses an attempt).`;

export function registerWorker(program: Command, setExit: SetExit): void {
  common(program.command('worker'), false)
    .description('send the digest to readers queued by `digest run` on the delivery queue (Redis), alongside other workers')
    .option('--concurrency <n>', 'messages in flight at once, one per SMTP connection (default: delivery.maxConnections)', (v) => Number.parseInt(v, 10))
    .option('--name <name>', 'how this worker is named in logs and on the jobs it sends (default: host:pid)')
    .addHelpText('after', SIZING)
    .action(async (options: WorkerOptions) => {
      const { withStopSignal } = await import('../run-report.js');
      if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1 && options.concurrency <= 100)) {
        throw new ConfigError('CLI_BAD_CONCURRENCY', '--concurrency: expected a whole number from 1 to 100', { hint: 'e.g. --concurrency 4: four SMTP connections, four messages in flight.' });
      }
      const config = await loadConfigFor(options);
      const { runWorker } = await import('../../queue/run-worker.js');
      const out = createOutput({ json: false });
      const log = (text: string) => out.line(`[${new Date().toISOString()}] ${text}`);
      for (const warning of config.warnings) out.warn(warning);
      const counts = { sent: 0, retried: 0, refused: 0 };
      let reported = { ...counts };
      let since = Date.now();
      const report = () => {
        if (counts.sent === reported.sent && counts.retried === reported.retried && counts.refused === reported.refused) return;
        const seconds = (Date.now() - since) / 1000;
        const sent = counts.sent - reported.sent;
        log(`last ${Math.round(seconds)} s: sent ${sent} (${(sent / seconds).toFixed(1)}/s), ${counts.retried - reported.retried} refused for now (retried later), ${counts.refused - reported.refused} refused for good; ${counts.sent} sent since start`);
        reported = { ...counts };
        since = Date.now();
      };
      const timer = setInterval(report, REPORT_EVERY_MS);
      const onEvent = (event: WorkerEvent) => {
        switch (event.type) {
          case 'ready':
            log(`worker ${options.name ?? 'started'}: taking jobs from ${event.queue}, sending through ${event.relay} with ${event.concurrency} connection${event.concurrency === 1 ? '' : 's'}; a stopped worker's messages are taken over after ${event.takeoverSeconds} s`);
            break;
          case 'sent':
            counts.sent++;
            break;
          case 'refused':
            if (event.permanent) counts.refused++;
            else counts.retried++;
            break;
          case 'relay-down':
            log(`mail server unreachable: ${event.message}`);
            out.line(`  → ${event.hint}`);
            break;
          case 'relay-back':
            log('the mail server answers again: taking jobs');
            break;
          case 'redis-down':
            log(`lost Redis (${event.message}): waiting for it; messages in flight are reported once it is back`);
            break;
          case 'redis-back':
            log('Redis is back');
            break;
          case 'stopping':
            log(`stopping: finishing ${event.inFlight} message${event.inFlight === 1 ? '' : 's'} in flight`);
            break;
          case 'warning':
            out.warn(event.message);
            break;
        }
      };
      try {
        const summary = await withStopSignal((signal) => runWorker(config, { signal, onEvent, concurrency: options.concurrency, name: options.name }));
        report();
        log(`stopped: sent ${summary.sent}, ${summary.retried} refused for now (retried later), ${summary.refused} refused for good${summary.pauses ? `; paused ${summary.pauses} time${summary.pauses === 1 ? '' : 's'} for the mail server` : ''}`);
      } finally {
        clearInterval(timer);
      }
      setExit(EXIT.OK);
    });
}
