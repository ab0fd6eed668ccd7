import type { Command } from 'commander';
import { common, type CommonOptions, type SetExit } from '../context.js';
import { errorJson, EXIT, jsonText, print, printError } from '../output.js';

export function registerExtract(program: Command, setExit: SetExit): void {
  common(program.command('extract'))
    .description('clean and trim single articles (HTML pages, or text with the title on line 1) and print the blocks')
    .argument('<inputs...>', 'files or http(s) URLs')
    .option('--lede-words <n>', 'word budget for the lede', (v) => Number.parseInt(v, 10))
    .addHelpText('after', '\nWith --json, prints one JSON object per input per line:\n  {"input", "headline", "lede", "quote": {"text", "speaker"} | null, "text", "image": {"url", "width", "height"} | null}')
    .action(async (inputs: string[], options: CommonOptions & { ledeWords?: number }) => {
      const { extractInput } = await import('../../pipeline/extract-inputs.js');
      let failed = 0;
      for (const input of inputs) {
        try {
          const result = await extractInput(input, options.ledeWords ? { ledeMaxWords: options.ledeWords } : {});
          if (options.json) process.stdout.write(`${jsonText(result, 0)}\n`);
          else {
            print(`── ${input}\n`);
            print(`Headline: ${result.headline}\n`);
            print(`Lede:     ${result.lede}\n`);
            print(`Quote:    ${result.quote ? `“${result.quote.text}” — ${result.quote.speaker}` : '(none)'}\n`);
            print(`Image:    ${result.image ? `${result.image.url}${result.image.width ? ` (${result.image.width}${result.image.height ? `×${result.image.height}` : ''} px)` : ''}` : '(none)'}\n\n`);
          }
        } catch (error) {
          failed++;
          if (options.json) process.stdout.write(`${jsonText({ input, error: errorJson(error) }, 0)}\n`);
          else printError(error);
        }
      }
      setExit(failed === 0 ? EXIT.OK : failed === inputs.length ? EXIT.FAILED : EXIT.PARTIAL);
    });
}
