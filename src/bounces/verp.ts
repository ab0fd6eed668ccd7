import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * VERP (variable envelope return path): every message goes out with its own envelope sender,
 * `bounces+TOKEN@example.com`, so the bounce a mail server sends back to that address says which
 * run and which reader it is about, whatever the bounce's format and even when it quotes nothing
 * of the original message.
 *
 * TOKEN is lower-case base32 (survives servers that fold the case of local parts) of
 *   version (1 byte) · run id (unsigned LEB128) · MAC (8 bytes)
 * where MAC = HMAC-SHA256(bounce key, "v1" · run id · lower-cased address), cut to 64 bits. It
 * carries no address: the reader is found by computing the MAC for each recipient of that run
 * (once per run, cached) and comparing in constant time. A forger who does not hold the key would
 * have to guess 64 bits to make a bounce that suppresses anybody. 16–20 characters, so the local
 * part stays far below the 64 octets SMTP allows.
 */

const VERSION = 1;
const MAC_BYTES = 8;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** The key bounce tokens are signed with, derived from the shared secret (DIGEST_SECRET). */
export function bounceKey(secret: string | Buffer): Buffer {
  return createHmac('sha256', secret).update('newsletter-digest bounce token v1').digest();
}

function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer | undefined {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text.toLowerCase()) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) return undefined;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 255);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

function leb128(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 128;
    out.push(byte);
  } while (rest > 0);
  return out;
}

function mac(key: Buffer, runId: number, address: string): Buffer {
  return createHmac('sha256', key).update(`v${VERSION}\u0000${runId}\u0000${address.trim().toLowerCase()}`).digest().subarray(0, MAC_BYTES);
}

/** The token for one reader of one run. */
export function bounceToken(key: Buffer, runId: number, address: string): string {
  if (!Number.isSafeInteger(runId) || runId < 0) throw new RangeError(`run id ${runId} cannot go in a bounce token`);
  return base32(Buffer.from([VERSION, ...leb128(runId), ...mac(key, runId, address)]));
}

/** `bounces@example.com` + token → `bounces+token@example.com`. */
export function verpAddress(bounceAddress: string, token: string): string {
  const at = bounceAddress.lastIndexOf('@');
  if (at < 1) throw new RangeError(`"${bounceAddress}" is not an address a bounce can be sent to`);
  return `${bounceAddress.slice(0, at)}+${token}@${bounceAddress.slice(at + 1)}`;
}

/** What a token says before it is checked: the run, and the MAC to find the reader by. */
export interface DecodedToken {
  token: string;
  runId: number;
  mac: Buffer;
}

/** Reads a token's parts; undefined when it is not one of ours (wrong length, version, alphabet). */
export function decodeBounceToken(token: string): DecodedToken | undefined {
  const bytes = unbase32(token);
  if (!bytes || bytes.length < 2 + MAC_BYTES || bytes[0] !== VERSION) return undefined;
  let runId = 0;
  let scale = 1;
  let i = 1;
  for (; i < bytes.length - MAC_BYTES; i++) {
    const byte = bytes[i]!;
    runId += (byte & 127) * scale;
    scale *= 128;
    if ((byte & 128) === 0) break;
  }
  // The run id must end exactly where the MAC begins, and be written the one canonical way
  // (no padding bytes, no extra characters): one token per run and reader.
  const idBytes = i;
  if (idBytes !== bytes.length - MAC_BYTES - 1 || !Number.isSafeInteger(runId)) return undefined;
  if (leb128(runId).length !== idBytes || base32(bytes) !== token.toLowerCase()) return undefined;
  return { token: token.toLowerCase(), runId, mac: bytes.subarray(bytes.length - MAC_BYTES) };
}

/** True when `decoded` was made with `key` for `address` (constant-time comparison). */
export function tokenMatches(key: Buffer, decoded: DecodedToken, address: string): boolean {
  return timingSafeEqual(mac(key, decoded.runId, address), decoded.mac);
}

/**
 * Every candidate token in a text: the part after the last `+` of the local part of any address
 * (`bounces+TOKEN@…`, `<bounces+TOKEN@…>`), whatever its domain, since the operator may have
 * changed `delivery.bounceAddress` since the message went out. Candidates are only hints; a token
 * counts once a reader's MAC matches it.
 */
export function findBounceTokens(text: string): DecodedToken[] {
  const found = new Map<string, DecodedToken>();
  for (const match of text.matchAll(/\+([a-z2-7]{16,24})@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi)) {
    const decoded = decodeBounceToken(match[1]!);
    if (decoded && !found.has(decoded.token)) found.set(decoded.token, decoded);
  }
  return [...found.values()];
}
