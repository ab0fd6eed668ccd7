/**
 * The `digest` command: argument parsing and exit codes. Each command lives in its own file under
 * commands/ and loads the stages it needs when it runs, so `digest --help` loads no pipeline code.
 */
import { Command, CommanderError } from 'commander';
import { version, printJson, type SetExit } from './context.js';
import { errorJson, EXIT, printError } from './output.js';
import { registerRun } from './commands/run.js';
import { registerSchedule } from './commands/schedule.js';
import { registerRuns } from './commands/runs.js';
import { registerPreview } from './commands/preview.js';
import { registerSend } from './commands/send.js';
import { registerCheck } from './commands/check.js';
import { registerServe } from './commands/serve.js';
import { registerExtract } from './commands/extract.js';
import { registerFeeds } from './commands/feeds.js';
import { registerInit } from './commands/init.js';
import { registerWorker } from './commands/worker.js';
import { registerBounces } from './commands/bounces.js';
import { registerReaders } from './commands/readers.js';
import { registerWeb } from './commands/web.js';
import { registerArchive } from './commands/archive.js';
import { registerReset } from './commands/reset.js';

export function buildProgram(setExit: SetExit): Command {
  const program = new Command('digest')
    .description('Turn RSS, Atom and JSON feeds into a clean email digest, and send or preview it.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `\nExit codes: ${EXIT.OK} done; ${EXIT.PARTIAL} done, but some feeds or recipients failed; ${EXIT.FAILED} could not run.\nEvery command except init and extract needs a config file (digest.config.yaml here, --config FILE or DIGEST_CONFIG);\nwithout one it stops with exit code ${EXIT.FAILED}. \`digest init\` writes a starter.`,
    );
  registerInit(program, setExit);
  registerRun(program, setExit);
  registerSchedule(program, setExit);
  registerRuns(program, setExit);
  registerPreview(program, setExit);
  registerSend(program, setExit);
  registerCheck(program, setExit);
  registerServe(program, setExit);
  registerExtract(program, setExit);
  registerFeeds(program, setExit);
  registerWorker(program, setExit);
  registerBounces(program, setExit);
  registerReaders(program, setExit);
  registerWeb(program, setExit);
  registerArchive(program, setExit);
  registerReset(program, setExit);
  return program;
}

/** Every command and subcommand, so errors come back to main() instead of exiting. */
function exitOverrideAll(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideAll(sub);
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram((c) => {
    code = c;
  });
  exitOverrideAll(program);
  const wantsJson = argv.includes('--json');
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT.OK : EXIT.FAILED;
    }
    if (wantsJson) printJson({ error: errorJson(error), exitCode: EXIT.FAILED });
    else printError(error);
    return EXIT.FAILED;
  }
}
