/**
 * SSRF guard for URLs that come from feed content (article links) rather than from the config:
 * such URLs must not reach loopback, private, link-local (cloud metadata at 169.254.169.254),
 * carrier-grade NAT, multicast or otherwise reserved addresses.
 *
 * The check runs on the addresses DNS actually returns, inside the socket's own lookup, so a host
 * name that resolves to 127.0.0.1 — or re-resolves differently between a check and the connect
 * (DNS rebinding) — is caught at the moment of connecting.
 */
import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';

import { FetchError } from '../errors.js';

/** True when `address` is a plain public unicast address (IPv4-mapped IPv6 is judged as IPv4). */
export function isPublicAddress(address: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return false;
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return isPublicAddress(v6.toIPv4Address().toString());
    // 6to4, Teredo, NAT64 and the like embed other addresses; refuse them rather than decode them.
    return v6.range() === 'unicast';
  }
  return (parsed as ipaddr.IPv4).range() === 'unicast';
}

/** The literal IP of a URL host ("[::1]" → "::1"), or undefined when the host is a name. */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return ipaddr.isValid(bare) ? bare : undefined;
}

/** Host names that always mean this machine, its network or a cloud metadata service. */
const PRIVATE_NAMES = /^(localhost|metadata|metadata\.google\.internal|instance-data)$|\.(localhost|internal|local)$/i;

/**
 * Why a URL from someone else (an OPML export, a page's feed link) may not become a feed, or
 * undefined when it may: it must be http(s), and its host not a private, loopback, link-local
 * (cloud metadata) or reserved address, nor a name that always is one (unless `allowPrivate`:
 * the config's fetch.allowPrivateArticles). Checked without DNS; fetches of such links are also
 * guarded at connect time (createGuardedLookup).
 */
export function publicHttpUrlProblem(value: string, options: { allowPrivate?: boolean } = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'not an http(s) URL';
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return 'not an http(s) URL';
  if (options.allowPrivate) return undefined;
  const literal = literalAddress(url.hostname);
  const private_ = literal !== undefined ? !isPublicAddress(literal) : PRIVATE_NAMES.test(url.hostname.replace(/\.$/, ''));
  return private_ ? 'a private, loopback or reserved address' : undefined;
}

export function blockedAddressError(url: string, address: string, cause?: unknown): FetchError {
  return new FetchError(
    'FETCH_BLOCKED_ADDRESS',
    `Refused to fetch ${url}: it points to ${address}, a private, loopback or reserved address`,
    {
      cause,
      hint:
        'Links found inside feeds may not reach your own machine or private network. ' +
        'If this is a feed you listed yourself, fetch it with allowPrivateNetwork: true.',
      context: { feed: url, address },
    },
  );
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for `http.request` that resolves normally and then fails the connection when any
 * returned address is not public (all of them, so a mixed answer cannot slip a private one through).
 */
export function createGuardedLookup(url: string) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      const blocked = addresses.find((entry) => !isPublicAddress(entry.address));
      if (blocked) {
        callback(blockedAddressError(url, `${hostname} (${blocked.address})`) as NodeJS.ErrnoException, []);
        return;
      }
      if (options.all) {
        callback(null, addresses);
        return;
      }
      const first = addresses[0];
      if (!first) {
        const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        notFound.code = 'ENOTFOUND';
        callback(notFound, []);
        return;
      }
      callback(null, first.address, first.family);
    });
  };
}
