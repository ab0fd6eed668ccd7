import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { ErrorCode } from '../error-codes.js';
import { ConfigError } from '../errors.js';

/**
 * The rows of a CSV file with a header row (column names trimmed and lower-cased; a BOM, blank
 * lines and ragged rows tolerated). A file that cannot be read or parsed is a ConfigError with
 * `code`, naming the file (and the line, when the parser knows it).
 */
export function readCsvRows(file: string, shown: string, errors: { code: ErrorCode; unreadable: string; hint: string; readHint?: string }): Record<string, string>[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(errors.code, `${errors.unreadable} ${shown} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: error,
      context: { file: shown },
      ...(errors.readHint ? { hint: errors.readHint } : {}),
    });
  }
  try {
    return parseCsv(text.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as Record<string, string>[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ConfigError(errors.code, `${shown}${line ? `:${line}` : ''}: ${(error as Error).message}`, {
      cause: error,
      context: { file: shown, ...(line ? { line } : {}) },
      hint: errors.hint,
    });
  }
}
