import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PreviewFiles {
  html: string;
  text: string;
}

/** Writes a file whole or not at all: a reader never sees half a preview. */
export function writeFileAtomic(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

/** Writes `digest.html` and `digest.txt` into `outDir`. */
export function writePreviewFiles(outDir: string, content: { html: string; text: string }): PreviewFiles {
  const files = { html: path.join(outDir, 'digest.html'), text: path.join(outDir, 'digest.txt') };
  writeFileAtomic(files.html, content.html);
  writeFileAtomic(files.text, content.text);
  return files;
}
