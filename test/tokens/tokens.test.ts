import { describe, expect, it } from 'vitest';
import { base32, MIN_SECRET_LENGTH, TokenSigner } from '../../src/tokens/tokens.js';

const SECRET = 'k7Yq2vN9xW4pL8sT1mB6cR3dF5gH0jZa';
const OLD = 'old-secret-old-secret-old-secret-0';
const NOW = new Date('2026-11-28T07:00:00Z');
/** Where the synthetic IV ends and the encrypted payload starts. */
const IV_END = 16;

describe('signed reader tokens', () => {
  it('round-trips the address and purpose, and does not carry the address readably', () => {
    const signer = new TokenSigner(SECRET);
    const token = signer.sign('unsubscribe', 'ada.lovelace@example.com');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(signer.verify(token, 'unsubscribe', NOW)).toEqual({ status: 'ok', claims: { purpose: 'unsubscribe', email: 'ada.lovelace@example.com' } });
    const decoded = Buffer.from(token, 'base64url').toString('latin1');
    expect(decoded).not.toContain('ada');
    expect(decoded).not.toContain('example');
    // Stable: the same reader gets the same link in every digest.
    expect(signer.sign('unsubscribe', 'ada.lovelace@example.com')).toBe(token);
    // Unicode addresses survive.
    const intl = signer.sign('preferences', 'jürgen@bücher.example');
    expect(signer.verify(intl, 'preferences', NOW)).toMatchObject({ status: 'ok', claims: { email: 'jürgen@bücher.example' } });
  });

  it('rejects every altered token with the same answer', () => {
    const signer = new TokenSigner(SECRET);
    const token = signer.sign('unsubscribe', 'ada@example.com');
    const raw = Buffer.from(token, 'base64url');
    // Flip each bit of each byte in turn: none verifies.
    for (let i = 0; i < raw.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const changed = Buffer.from(raw);
        changed[i]! ^= 1 << bit;
        expect(signer.verify(changed.toString('base64url'), 'unsubscribe', NOW)).toEqual({ status: 'invalid' });
      }
    }
    for (const bad of ['', 'x', token.slice(0, -2), token + 'AA', token.slice(2), `${token}.`, 'a'.repeat(5000), 42, null, undefined, { t: token }]) {
      expect(signer.verify(bad, 'unsubscribe', NOW)).toEqual({ status: 'invalid' });
    }
    // A token signed by someone else's secret, or for another purpose, is just as invalid.
    expect(new TokenSigner('someone-elses-secret-someone-elses').verify(token, 'unsubscribe', NOW)).toEqual({ status: 'invalid' });
    expect(signer.verify(token, 'preferences', NOW)).toEqual({ status: 'invalid' });
    expect(signer.verify(token, 'confirm', NOW)).toEqual({ status: 'invalid' });
  });

  it('expires tokens given a time, and says so only for authentic ones', () => {
    const signer = new TokenSigner(SECRET);
    const expiresAt = new Date(NOW.getTime() + 48 * 3600_000);
    const token = signer.sign('confirm', 'new@example.com', { expiresAt });
    expect(signer.verify(token, 'confirm', NOW)).toEqual({ status: 'ok', claims: { purpose: 'confirm', email: 'new@example.com', expiresAt } });
    expect(signer.verify(token, 'confirm', new Date(expiresAt.getTime() - 1000)).status).toBe('ok');
    expect(signer.verify(token, 'confirm', expiresAt)).toMatchObject({ status: 'expired', claims: { email: 'new@example.com' } });
    const raw = Buffer.from(token, 'base64url');
    raw[IV_END]! ^= 1;
    expect(signer.verify(raw.toString('base64url'), 'confirm', new Date(expiresAt.getTime() + 1000))).toEqual({ status: 'invalid' });
  });

  it('rotates: tokens signed with a previous secret still verify, new ones use the current secret', () => {
    const before = new TokenSigner(OLD);
    const oldToken = before.sign('unsubscribe', 'ada@example.com');
    const rotated = new TokenSigner(SECRET, [OLD]);
    expect(rotated.verify(oldToken, 'unsubscribe', NOW)).toMatchObject({ status: 'ok', claims: { email: 'ada@example.com' } });
    const newToken = rotated.sign('unsubscribe', 'ada@example.com');
    expect(newToken).not.toBe(oldToken);
    expect(new TokenSigner(SECRET).verify(newToken, 'unsubscribe', NOW).status).toBe('ok');
    // Once the old secret is dropped from the list, its tokens stop working.
    expect(new TokenSigner(SECRET).verify(oldToken, 'unsubscribe', NOW)).toEqual({ status: 'invalid' });
  });

  it('short signatures for VERP addresses: lower-case base32, any case accepted, rotation honoured', () => {
    const signer = new TokenSigner(SECRET, [OLD]);
    const signature = signer.signature('bounce', '12.7');
    expect(signature).toMatch(/^[a-z2-7]{16}$/);
    expect(signer.verifySignature('bounce', '12.7', signature)).toBe(true);
    expect(signer.verifySignature('bounce', '12.7', signature.toUpperCase())).toBe(true);
    expect(signer.verifySignature('bounce', '12.8', signature)).toBe(false);
    expect(signer.verifySignature('unsubscribe', '12.7', signature)).toBe(false);
    expect(signer.verifySignature('bounce', '12.7', signature.slice(0, 4))).toBe(false);
    expect(signer.verifySignature('bounce', '12.7', '')).toBe(false);
    expect(signer.verifySignature('bounce', '12.7', new TokenSigner(OLD).signature('bounce', '12.7'))).toBe(true);
    expect(base32(Buffer.from('foobar'))).toBe('mzxw6ytboi');
  });

  it('reads DIGEST_SECRET and DIGEST_SECRET_PREVIOUS, refusing short or orphaned secrets', () => {
    expect(TokenSigner.fromEnv({})).toBeUndefined();
    expect(TokenSigner.fromEnv({ DIGEST_SECRET: '  ' })).toBeUndefined();
    const signer = TokenSigner.fromEnv({ DIGEST_SECRET: SECRET, DIGEST_SECRET_PREVIOUS: ` ${OLD}, ${'z'.repeat(MIN_SECRET_LENGTH)}` })!;
    expect(signer.verify(new TokenSigner(OLD).sign('preferences', 'a@example.com'), 'preferences', NOW).status).toBe('ok');
    expect(() => TokenSigner.fromEnv({ DIGEST_SECRET: 'short' })).toThrow(/DIGEST_SECRET is too short \(5 characters; at least 32/);
    expect(() => TokenSigner.fromEnv({ DIGEST_SECRET: SECRET, DIGEST_SECRET_PREVIOUS: 'tiny' })).toThrow(/DIGEST_SECRET_PREVIOUS \(secret 1\) is too short/);
    expect(() => TokenSigner.fromEnv({ DIGEST_SECRET_PREVIOUS: OLD })).toThrow(/DIGEST_SECRET is not/);
    // The secret never shows up when the signer is printed or serialised.
    expect(JSON.stringify({ signer })).toBe('{"signer":{}}');
  });
});
