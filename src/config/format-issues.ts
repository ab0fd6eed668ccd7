import type { z } from 'zod';

/** Renders a zod issue path as the editor would write it: `feeds[2].url`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping (key: value pairs)';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Small edit distance, for "did you mean" suggestions on misspelt keys. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export interface FormattedIssue {
  /** Key path of the offending value (or of the mapping holding an unknown key). */
  path: PropertyKey[];
  message: string;
}

/**
 * Turns zod's issues into one sentence each, in the editor's terms: what was expected and what
 * the file holds. `knownKeys` maps a path (as formatted) to the keys allowed there.
 */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  knownKeys: (path: ReadonlyArray<PropertyKey>) => readonly string[],
): FormattedIssue[] {
  const out: FormattedIssue[] = [];
  for (const issue of issues) {
    const path = [...issue.path];
    const got = valueAt(input, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = knownKeys(path);
        for (const key of issue.keys) {
          const hint = suggest(key, allowed);
          out.push({
            path: [...path, key],
            message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed here: ${allowed.join(', ')}`,
          });
        }
        break;
      }
      case 'invalid_type':
        out.push({
          path,
          message:
            got === undefined
              ? `is required (expected ${issue.expected})`
              : `expected ${issue.expected === 'int' ? 'a whole number' : issue.expected}, got ${describeValue(got)}`,
        });
        break;
      case 'invalid_value':
        out.push({
          path,
          message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(got)}`,
        });
        break;
      case 'too_small':
        out.push({
          path,
          message:
            issue.origin === 'string'
              ? `must not be empty`
              : `must be at least ${String(issue.minimum)}${issue.inclusive === false ? ' (exclusive)' : ''}, got ${describeValue(got)}`,
        });
        break;
      case 'invalid_union': {
        // Report the branch that got furthest: the one whose issues have the longest path.
        // Branch issues carry paths relative to the union; make them absolute first.
        const branches = issue.errors.map((errors) =>
          formatIssues(
            errors.map((e) => ({ ...e, path: [...path, ...e.path] }) as z.core.$ZodIssue),
            input,
            knownKeys,
          ),
        );
        const best = branches
          .filter((b) => b.length > 0)
          .sort((a, b) => Math.max(...b.map((i) => i.path.length)) - Math.max(...a.map((i) => i.path.length)))[0];
        // A branch that got as far as a check of its own (a URL with a typo) says the most.
        const specific = issue.errors.findIndex((errors) => errors.length > 0 && errors.every((e) => e.code === 'custom'));
        if (best && best.some((i) => i.path.length > path.length)) out.push(...best);
        else if (specific >= 0) out.push(...branches[specific]!);
        else
          out.push({
            path,
            message: `expected ${unionExpectation(path)}, got ${describeValue(got)}`,
          });
        break;
      }
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}

function unionExpectation(path: ReadonlyArray<PropertyKey>): string {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (parent === 'feeds' && typeof last === 'number') return 'a feed ({url, name?, section?, limit?}) or a path to a feed list';
  if (parent === 'recipients' && typeof last === 'number') return 'an email address or {email, name}';
  if (last === 'recipients') return 'a list of email addresses or a path to a CSV file';
  return 'a different kind of value';
}
