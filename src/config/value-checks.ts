/**
 * Checks on single config values that need no schema library: feed and Redis URLs, email
 * addresses and senders. The schema (schema.ts) applies them to the config file; the web and
 * preview servers, `digest readers` and a config loaded from the cache (load-config-cached.ts)
 * use them without loading zod.
 */

/**
 * What is wrong with a feed address, or undefined when it is a usable http(s) URL, file URL or
 * path. A URL with a typo ("http//host/feed", "https:/host") is named as such: it would otherwise
 * be read as a local path, or rejected without saying what was meant.
 */
export function feedUrlProblem(value: string): string | undefined {
  const typo = /^(https?|file|feed)(?::\/(?!\/)|\/\/|:(?!\/))(.*)$/i.exec(value);
  if (typo) return `${JSON.stringify(value)} looks like a URL with a typo; write ${JSON.stringify(`${typo[1]!.toLowerCase()}://${typo[2]!.replace(/^\/+/, '')}`)}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) {
    // Looks like a URL (and not a Windows drive letter): it must be a well-formed http(s) or file URL.
    let ok = false;
    try {
      const parsed = new URL(value);
      ok = (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== ''
        ? /^https?:\/\//i.test(value)
        : parsed.protocol === 'file:';
    } catch {
      ok = false;
    }
    if (!ok) return `expected a URL or a path, got ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** A Redis address for the delivery queue: redis://[user:password@]host[:port][/db], or rediss:// for TLS. */
export function redisUrlProblem(value: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return `expected a Redis URL such as "redis://127.0.0.1:6379", got ${JSON.stringify(value)}`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return `expected a Redis URL starting with redis:// (or rediss:// for TLS), got ${JSON.stringify(value)}`;
  }
  if (!parsed.hostname) return `the Redis URL ${JSON.stringify(value)} has no host; write e.g. "redis://127.0.0.1:6379"`;
  if (parsed.pathname && parsed.pathname !== '/' && !/^\/\d+$/.test(parsed.pathname)) {
    return `the path of a Redis URL is the database number ("redis://host:6379/0"), got ${JSON.stringify(parsed.pathname)}`;
  }
  return undefined;
}

const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/**
 * What is wrong with an email address, or undefined when it is one a mail server will take: a
 * pragmatic syntax check (one @, a dot in the domain, no spaces or angle brackets) and the
 * lengths SMTP allows, so an address no server accepts is reported when the config is loaded
 * instead of failing at every send.
 */
export function addressProblem(value: string): string | undefined {
  if (!ADDRESS.test(value)) return `${JSON.stringify(value)} is not a valid email address`;
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64) return `the part before @ is ${local.length} characters long; at most 64 are allowed (RFC 5321)`;
  const label = domain.split('.').find((part) => part.length > 63);
  if (label) return `a part of the domain is ${label.length} characters long; at most 63 are allowed (RFC 1035)`;
  if (domain.length > 253) return `the domain is ${domain.length} characters long; at most 253 are allowed (RFC 1035)`;
  if (value.length > 254) return `the address is ${value.length} characters long; at most 254 are allowed (RFC 5321)`;
  return undefined;
}

/** A pragmatic address check, within the lengths SMTP allows (see addressProblem). */
export function isEmailAddress(value: string): boolean {
  return addressProblem(value) === undefined;
}

/**
 * What is wrong with a sender (`from`, `replyTo`): one address, bare or with a display name
 * ("Morning News <digest@news.example>", the name quoted when it holds a comma).
 */
export function mailboxProblem(value: string): string | undefined {
  const notOne = `${JSON.stringify(value)} is not an email address; write "Name <address@example.com>" or "address@example.com"`;
  const angle = /^(?:"(?:[^"\\]|\\.)*"|[^"<>,;]*?)\s*<([^<>]*)>$/.exec(value);
  const address = angle ? angle[1]!.trim() : value;
  if (!angle && /[<>]/.test(value)) return notOne;
  const problem = addressProblem(address);
  if (!problem) return undefined;
  return problem.endsWith('is not a valid email address') ? notOne : problem;
}
