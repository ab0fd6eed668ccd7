/**
 * Separators between a headline and a site, section or author name in a title ("Story | Site",
 * "Story – Section – Site"). A colon is not one: "NO DEAL: …" is a kicker that belongs to the
 * headline. Hyphens and dashes only count with spaces around them.
 */
const TITLE_SEPARATOR = /\s+(?:\||[-–—]|::|·|•|»|«|\/\/)\s+/g;

export interface TitleParts {
  /** The segments between separators, as written (untrimmed, possibly empty). */
  parts: string[];
  /** The separators, with their spaces: `separators[i]` sits between `parts[i]` and `parts[i + 1]`. */
  separators: string[];
}

/** Splits a title at its separators, keeping both. */
export function splitTitle(title: string): TitleParts {
  const parts: string[] = [];
  const separators: string[] = [];
  let last = 0;
  for (const match of title.matchAll(TITLE_SEPARATOR)) {
    parts.push(title.slice(last, match.index));
    separators.push(match[0]);
    last = match.index + match[0].length;
  }
  parts.push(title.slice(last));
  return { parts, separators };
}

/** The title's non-empty segments ("Story | Section | Site" → three). */
export function titleSegments(title: string): string[] {
  return splitTitle(title).parts.filter((segment) => segment.trim() !== '');
}

/** The title before its last separator ("Story | Section | Site" → "Story | Section"), or undefined without one. */
export function titleBeforeLastSeparator(title: string): string | undefined {
  const last = [...title.matchAll(TITLE_SEPARATOR)].pop();
  return last ? title.slice(0, last.index) : undefined;
}
