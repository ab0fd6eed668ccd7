import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../errors.js';

/**
 * Signed reader tokens: what goes in every per-reader link (unsubscribe, preferences, confirm)
 * instead of the reader's address.
 *
 * A token is the reader's address (and what the token is for, and when it expires) encrypted
 * under a synthetic IV that is its HMAC (the SIV construction, with HMAC-SHA256 and AES-256-CTR):
 * changing any bit of it changes the HMAC the receiver computes, so forging or altering one needs
 * the secret, and so does reading the address out of it (links get logged by proxies and
 * scanners). The same inputs give the same token, so a reader's links are stable.
 *
 *   token = base64url( iv[16] ‖ AES-256-CTR(encKey, iv, payload) )
 *   iv    = HMAC-SHA256(macKey, payload)[0..16)
 *   payload = version[1] ‖ purpose[1] ‖ expires (Unix seconds, 0 = never)[4] ‖ UTF-8 address
 *
 * Both keys come from the secret through HKDF-SHA256. The secret is `DIGEST_SECRET`; older ones
 * in `DIGEST_SECRET_PREVIOUS` (comma-separated) still verify, so links in mail already sent keep
 * working while the secret is rotated. Checks compare in constant time and try every key.
 */

export type TokenPurpose = 'unsubscribe' | 'preferences' | 'confirm' | 'bounce';

const PURPOSE_CODES: Record<TokenPurpose, number> = { unsubscribe: 1, preferences: 2, confirm: 3, bounce: 4 };
const VERSION = 1;
const IV_BYTES = 16;
const HEADER_BYTES = 6;
/** The shortest secret accepted: 32 characters, e.g. `openssl rand -base64 32` gives 44. */
export const MIN_SECRET_LENGTH = 32;

export interface TokenClaims {
  purpose: TokenPurpose;
  email: string;
  /** When the token stops being accepted; undefined: never. */
  expiresAt?: Date;
}

/**
 * - `ok`: authentic, for this purpose, not expired;
 * - `expired`: authentic and for this purpose, but past its time (say so: the reader can ask for
 *   a new one, and nothing about forging is revealed by it);
 * - `invalid`: anything else, forged, altered, truncated, for another purpose, signed with an
 *   unknown secret. Deliberately one answer: no hint which part was wrong.
 */
export type TokenCheck = { status: 'ok'; claims: TokenClaims } | { status: 'expired'; claims: TokenClaims } | { status: 'invalid' };

interface Keys {
  mac: Buffer;
  enc: Buffer;
}

function deriveKeys(secret: string): Keys {
  const material = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'newsletter-digest', 'reader-token-v1', 64));
  return { mac: material.subarray(0, 32), enc: material.subarray(32, 64) };
}

function siv(keys: Keys, payload: Buffer): Buffer {
  return createHmac('sha256', keys.mac).update(payload).digest().subarray(0, IV_BYTES);
}

function ctr(keys: Keys, iv: Buffer, data: Buffer, decrypt: boolean): Buffer {
  const cipher = decrypt ? createDecipheriv('aes-256-ctr', keys.enc, iv) : createCipheriv('aes-256-ctr', keys.enc, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, unpadded: survives systems that change the case of a local part. */
export function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export class TokenSigner {
  readonly #keys: Keys[];

  /** `secret` signs and verifies; each of `previous` only verifies. */
  constructor(secret: string, previous: readonly string[] = []) {
    this.#keys = [secret, ...previous].map(deriveKeys);
  }

  /**
   * The signer from `DIGEST_SECRET` (and `DIGEST_SECRET_PREVIOUS`), or undefined when it is not
   * set. A secret that is set but too short is a ConfigError: a guessable secret lets anyone
   * unsubscribe anyone.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): TokenSigner | undefined {
    const secret = env.DIGEST_SECRET?.trim();
    const previous = (env.DIGEST_SECRET_PREVIOUS ?? '')
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (!secret) {
      if (previous.length > 0) {
        throw new ConfigError('CONFIG_SECRET', 'DIGEST_SECRET_PREVIOUS is set but DIGEST_SECRET is not', {
          hint: 'DIGEST_SECRET signs new links; DIGEST_SECRET_PREVIOUS only lists older secrets that links in mail already sent were signed with. Set DIGEST_SECRET too.',
        });
      }
      return undefined;
    }
    for (const [name, value] of [['DIGEST_SECRET', secret], ...previous.map((p, i) => [`DIGEST_SECRET_PREVIOUS (secret ${i + 1})`, p])] as const) {
      if (value.length < MIN_SECRET_LENGTH) {
        throw new ConfigError('CONFIG_SECRET', `${name} is too short (${value.length} characters; at least ${MIN_SECRET_LENGTH} are needed)`, {
          hint: 'Use a long random value, e.g. the output of `openssl rand -base64 32`, kept in an environment file only the service can read.',
        });
      }
    }
    return new TokenSigner(secret, previous);
  }

  /** A token for `email` and `purpose`, valid until `expiresAt` (or for ever). */
  sign(purpose: TokenPurpose, email: string, options: { expiresAt?: Date } = {}): string {
    const expires = options.expiresAt ? Math.max(1, Math.ceil(options.expiresAt.getTime() / 1000)) : 0;
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt8(VERSION, 0);
    header.writeUInt8(PURPOSE_CODES[purpose], 1);
    header.writeUInt32BE(expires, 2);
    const payload = Buffer.concat([header, Buffer.from(email, 'utf8')]);
    const keys = this.#keys[0]!;
    const iv = siv(keys, payload);
    return Buffer.concat([iv, ctr(keys, iv, payload, false)]).toString('base64url');
  }

  /** Checks a token for `purpose` at time `now` (see TokenCheck). Never throws. */
  verify(token: unknown, purpose: TokenPurpose, now: Date = new Date()): TokenCheck {
    if (typeof token !== 'string' || token.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(token)) return { status: 'invalid' };
    const raw = Buffer.from(token, 'base64url');
    if (raw.length <= IV_BYTES + HEADER_BYTES) return { status: 'invalid' };
    const iv = raw.subarray(0, IV_BYTES);
    const body = raw.subarray(IV_BYTES);
    // Every key is tried, whichever matches: the time taken does not depend on the token.
    let payload: Buffer | undefined;
    for (const keys of this.#keys) {
      const candidate = ctr(keys, iv, body, true);
      if (timingSafeEqual(siv(keys, candidate), iv) && !payload) payload = candidate;
    }
    if (!payload || payload.readUInt8(0) !== VERSION || payload.readUInt8(1) !== PURPOSE_CODES[purpose]) return { status: 'invalid' };
    const expires = payload.readUInt32BE(2);
    const claims: TokenClaims = { purpose, email: payload.subarray(HEADER_BYTES).toString('utf8'), ...(expires ? { expiresAt: new Date(expires * 1000) } : {}) };
    if (expires && now.getTime() >= expires * 1000) return { status: 'expired', claims };
    return { status: 'ok', claims };
  }

  /**
   * A short signature of `data` for `purpose` (HMAC-SHA256, truncated to `bytes`, lower-case
   * base32), for identifiers that must stay short, such as a VERP envelope address
   * (`bounces+<data>-<signature>@…`, local parts are at most 64 characters).
   */
  signature(purpose: TokenPurpose, data: string, bytes = 10): string {
    return base32(this.#mac(this.#keys[0]!, purpose, data).subarray(0, bytes));
  }

  /** Whether `signature` is `data`'s signature for `purpose` under any known secret (constant time). */
  verifySignature(purpose: TokenPurpose, data: string, signature: string): boolean {
    const given = Buffer.from(signature.toLowerCase(), 'utf8');
    let ok = false;
    for (const keys of this.#keys) {
      const bytes = Math.floor((given.length * 5) / 8);
      const expected = Buffer.from(base32(this.#mac(keys, purpose, data).subarray(0, bytes)), 'utf8');
      if (bytes >= 8 && expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
    }
    return ok;
  }

  #mac(keys: Keys, purpose: TokenPurpose, data: string): Buffer {
    return createHmac('sha256', keys.mac).update(`${purpose}\0${data}`).digest();
  }
}
