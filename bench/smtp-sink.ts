/**
 * The benchmarks' mail server: smtp-server in a child process (so it does not share the measured
 * process's CPU or event loop), accepting and discarding every message, optionally answering each
 * one after `delayMs` as a real relay would.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '..');

const SINK = `
import { SMTPServer } from 'smtp-server';
const delay = Number(process.argv[1]) || 0;
let received = 0;
const server = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false, size: 0,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      received++;
      if (delay > 0) setTimeout(callback, delay);
      else callback();
    });
  },
});
server.on('error', () => {});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.server.address().port })));
process.stdin.on('data', () => console.log(JSON.stringify({ received })));
`;

export interface SmtpSink {
  url: string;
  pid: number;
  /** Messages received so far. */
  received(): Promise<number>;
  stop(): void;
}

export async function startSink(options: { delayMs?: number } = {}): Promise<SmtpSink> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SINK, String(options.delayMs ?? 0)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(((await lines.next()).value as string) ?? '{}') as { port?: number; received?: number };
  const { port } = await next();
  return {
    url: `smtp://127.0.0.1:${port}`,
    pid: child.pid!,
    async received() {
      child.stdin!.write('\n');
      return (await next()).received ?? 0;
    },
    stop: () => child.kill(),
  };
}
