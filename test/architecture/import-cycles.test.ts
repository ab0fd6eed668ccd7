import { createRequire } from 'node:module';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractTsConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/temp-dir.js';

/**
 * The seams of ARCHITECTURE.md, checked by dependency-cruiser with the rules in
 * .dependency-cruiser.cjs: no import cycle between files of src/, nor between its stage folders;
 * no stage (fetch … schedule) imports the config, the orchestration, the preview server or the CLI.
 */
describe('the pipeline’s seams', () => {
  it('has no import cycles between files or between stage folders, and no stage reads the config', async () => {
    const require = createRequire(import.meta.url);
    const rules = require(`${REPO_ROOT}/.dependency-cruiser.cjs`) as { forbidden: unknown[]; options: Record<string, unknown> };
    const cwd = process.cwd();
    process.chdir(REPO_ROOT);
    let result;
    try {
      result = await cruise(['src'], { ...rules.options, ruleSet: { forbidden: rules.forbidden } } as never, undefined, { tsConfig: extractTsConfig('tsconfig.json') });
    } finally {
      process.chdir(cwd);
    }
    const output = result.output as ICruiseResult;
    const cycles = output.summary.violations.map((v) =>
      v.cycle ? `${v.rule.name}: ${[v.from, ...v.cycle.map((step) => (typeof step === 'string' ? step : step.name))].join(' → ')}` : `${v.rule.name}: ${v.from} → ${v.to}`,
    );
    expect(output.summary.totalCruised).toBeGreaterThan(100);
    expect(cycles).toEqual([]);
  }, 120_000);
});
