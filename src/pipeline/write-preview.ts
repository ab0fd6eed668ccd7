import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { displayPath, EnvironmentError, environmentProblem } from '../errors.js';
import path from 'node:path';

export interface PreviewFiles {
  html: string;
  text: string;
}

/**
 * Writes a file whole or not at all: a reader never sees half a preview, and a failed write (a
 * full disk) leaves no temporary file behind and says what happened.
 */
export function writeFileAtomic(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    const problem = environmentProblem(error);
    throw new EnvironmentError(problem?.code ?? 'WRITE_FAILED', `cannot write ${displayPath(file)}: ${problem?.what ?? (error as Error).message}`, {
      cause: error,
      context: { file: displayPath(file) },
      hint: problem?.hint ?? 'Check that the out folder (out: in the config) exists and is writable.',
    });
  }
}

/** Writes `digest.html` and `digest.txt` into `outDir`. */
export function writePreviewFiles(outDir: string, content: { html: string; text: string }): PreviewFiles {
  const files = { html: path.join(outDir, 'digest.html'), text: path.join(outDir, 'digest.txt') };
  writeFileAtomic(files.html, content.html);
  writeFileAtomic(files.text, content.text);
  return files;
}
