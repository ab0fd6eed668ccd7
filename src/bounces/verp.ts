import type { TokenSigner } from '../tokens/tokens.js';
import { ConfigError, displayPath } from '../errors.js';

/**
 * VERP (variable envelope return path): every message goes out with its own envelope sender,
 * `bounces+RUN-SIGNATURE@example.com`, so the bounce a mail server sends back to that address
 * says which run and which reader it is about, whatever the bounce's format and even when it
 * quotes nothing of the original message.
 *
 * RUN is the run's number; SIGNATURE is the 'bounce' signature (TokenSigner: HMAC-SHA256 under a
 * key derived from DIGEST_SECRET, cut to 64 bits, lower-case base32, 13 characters) of the run
 * and the reader's lower-cased address. The address itself is not in the token: the reader is
 * found by comparing with the signatures of that run's recipients, and nobody without the secret
 * can make a token that names a reader (they would have to guess 64 bits). Lower case survives
 * servers that fold the case of local parts; the whole local part stays far below SMTP's 64.
 */

const SIGNATURE_BYTES = 8;
const SIGNATURE_LENGTH = Math.ceil((SIGNATURE_BYTES * 8) / 5);

function signedData(runId: number, address: string): string {
  return `run ${runId}\u0000${address.trim().toLowerCase()}`;
}

/** The token for one reader of one run: `RUN-SIGNATURE`. */
export function bounceToken(signer: TokenSigner, runId: number, address: string): string {
  if (!Number.isSafeInteger(runId) || runId < 0) throw new RangeError(`run id ${runId} cannot go in a bounce token`);
  return `${runId}-${signer.signature('bounce', signedData(runId, address), SIGNATURE_BYTES)}`;
}

/** `bounces@example.com` + token → `bounces+token@example.com`. */
export function verpAddress(bounceAddress: string, token: string): string {
  const at = bounceAddress.lastIndexOf('@');
  if (at < 1) throw new RangeError(`"${bounceAddress}" is not an address a bounce can be sent to`);
  return `${bounceAddress.slice(0, at)}+${token}@${bounceAddress.slice(at + 1)}`;
}

/** A token as found in a bounce, before it is checked. */
export interface BounceTokenCandidate {
  token: string;
  runId: number;
  signature: string;
}

/**
 * Every candidate token in a text: the part after the last `+` of the local part of an address
 * (`bounces+12-abcdefghijklm@…`), whatever its domain, since the operator may have changed
 * `delivery.bounceAddress` since the message went out. Candidates are only hints; a token counts
 * once it verifies for a reader of its run.
 */
export function findBounceTokens(text: string): BounceTokenCandidate[] {
  const found = new Map<string, BounceTokenCandidate>();
  const pattern = new RegExp(`\\+(\\d{1,15})-([a-z2-7]{${SIGNATURE_LENGTH}})@[a-z0-9-]+(?:\\.[a-z0-9-]+)+`, 'gi');
  for (const match of text.matchAll(pattern)) {
    const runId = Number(match[1]);
    const signature = match[2]!.toLowerCase();
    const token = `${runId}-${signature}`;
    if (Number.isSafeInteger(runId) && !found.has(token)) found.set(token, { token, runId, signature });
  }
  return [...found.values()];
}

/** True when `candidate` was signed for `address` with the current or an older secret (constant time). */
export function tokenMatches(signer: TokenSigner, candidate: BounceTokenCandidate, address: string): boolean {
  return signer.verifySignature('bounce', signedData(candidate.runId, address), candidate.signature);
}

/**
 * Finds which of a run's recipients a token names. The signatures under the current secret are
 * computed once per run (a map lookup per bounce after that); a token signed with an older secret
 * (DIGEST_SECRET_PREVIOUS, during a rotation) is checked against each recipient in turn.
 */
export class BounceTokenResolver {
  private readonly byRun = new Map<number, Map<string, string>>();

  constructor(
    private readonly signer: TokenSigner,
    /** The addresses a run was sent to. */
    private readonly recipientsOf: (runId: number) => readonly string[],
  ) {}

  resolve(candidate: BounceTokenCandidate): string | undefined {
    let signatures = this.byRun.get(candidate.runId);
    if (!signatures) {
      signatures = new Map();
      for (const address of this.recipientsOf(candidate.runId)) signatures.set(bounceToken(this.signer, candidate.runId, address).split('-')[1]!, address);
      this.byRun.set(candidate.runId, signatures);
    }
    const current = signatures.get(candidate.signature);
    if (current !== undefined) return tokenMatches(this.signer, candidate, current) ? current : undefined;
    for (const address of signatures.values()) if (tokenMatches(this.signer, candidate, address)) return address;
    return undefined;
  }
}

/**
 * The envelope sender (SMTP MAIL FROM, the Return-Path a receiver records) of one reader's copy:
 * `delivery.bounceAddress` with that reader's token; the bare bounce address when there is no
 * run (a test send) or no secret to sign with; undefined when no bounce address is configured,
 * in which case the envelope sender is the From address, as before.
 */
export function envelopeSender(bounceAddress: string | undefined, signer: TokenSigner | undefined, runId: number | undefined, recipient: string): string | undefined {
  if (!bounceAddress) return undefined;
  if (!signer || runId === undefined) return bounceAddress;
  return verpAddress(bounceAddress, bounceToken(signer, runId, recipient));
}

/**
 * The signer for bounce tokens: the config's reader-token signer (DIGEST_SECRET, and
 * DIGEST_SECRET_PREVIOUS while rotating). With `delivery.bounceAddress` set it is required: a
 * bounce address without signed tokens could not say which reader a bounce is about, and
 * `digest bounces` would trust nothing in it.
 */
export function loadBounceSigner(config: { source?: string | null; readerTokens?: TokenSigner | undefined; delivery: { bounceAddress?: string | undefined } }): TokenSigner | undefined {
  if (config.delivery.bounceAddress && !config.readerTokens) {
    throw new ConfigError('CONFIG_SECRET_MISSING', `${config.source ? displayPath(config.source) : 'the config'}: delivery.bounceAddress is set, but the DIGEST_SECRET environment variable is not`, {
      hint: 'Each message’s envelope sender carries a token signed with DIGEST_SECRET so a bounce names its reader. Set DIGEST_SECRET to a long random value (`openssl rand -base64 32`) in the environment of every digest command, or remove delivery.bounceAddress.',
    });
  }
  return config.readerTokens;
}
