import type { Command } from 'commander';
import { DigestError } from '../../errors.js';
import { common, loadConfigFor, printJson, rel, type CommonOptions, type SetExit } from '../context.js';
import { EXIT, print } from '../output.js';

export function registerReset(program: Command, setExit: SetExit): void {
  common(program.command('reset'))
    .description('forget which stories were seen (of one feed, or of all), so the next run offers them again')
    .argument('[feed]', 'the feed’s name or address (default: every feed)')
    .option('-y, --yes', 'do not ask for confirmation (needed when not run on a terminal)')
    .addHelpText(
      'after',
      '\nThe next run then takes each reset feed\'s current stories as for a new feed (its newest limits.firstRun).\n' +
        'Runs, their digests and who received them stay in the ledger (`digest runs`); stories in a digest\n' +
        'that is still being delivered are kept.',
    )
    .action(async (query: string | undefined, options: CommonOptions & { yes?: boolean }) => {
      const config = await loadConfigFor(options);
      const { planReset, resetSeen } = await import('../../pipeline/reset-seen.js');
      const plan = planReset(config, query);
      const what = plan.feed ? (plan.feed.name ? `"${plan.feed.name}"` : rel(plan.feed.url)) : 'every feed';
      const forgettable = plan.seen - plan.inUnfinishedRun;
      if (forgettable === 0) {
        if (options.json) printJson({ ...plan, forgotten: 0, kept: plan.inUnfinishedRun });
        else print(`Nothing to forget: no stories of ${what} are remembered${plan.inUnfinishedRun ? ' except those in a digest still being delivered' : ''}.\n`);
        setExit(EXIT.OK);
        return;
      }
      const question = `Forget the ${forgettable} stor${forgettable === 1 ? 'y' : 'ies'} seen from ${what}? The next run offers ${plan.feed ? 'its' : 'their'} current stories again. [y/N] `;
      if (!options.yes) {
        if (!process.stdin.isTTY || !process.stdout.isTTY) {
          throw new DigestError('CLI_CONFIRM', `not resetting without confirmation: this would forget the ${forgettable} stor${forgettable === 1 ? 'y' : 'ies'} seen from ${what}`, {
            hint: `Run it on a terminal to be asked, or add --yes: digest reset${query === undefined ? '' : ` ${JSON.stringify(query)}`} --yes`,
          });
        }
        if (!(await confirm(question))) {
          print('Nothing changed.\n');
          setExit(EXIT.OK);
          return;
        }
      }
      const result = resetSeen(config, plan);
      if (options.json) printJson(result);
      else {
        print(`Forgot ${result.forgotten} stor${result.forgotten === 1 ? 'y' : 'ies'} of ${what}. The next \`digest run\` offers ${plan.feed ? 'its' : 'their'} current stories again.\n`);
        if (result.kept > 0) print(`Kept ${result.kept} that are in a digest still being delivered (\`digest runs\`).\n`);
        print('Runs and deliveries stay in the ledger.\n');
      }
      setExit(EXIT.OK);
    });
}

async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.on('close', () => resolve(''));
      rl.question(question).then(resolve, () => resolve(''));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
