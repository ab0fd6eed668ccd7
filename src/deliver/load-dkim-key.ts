import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, displayPath } from '../errors.js';
import { senderDomain } from './compose-message.js';

export interface DkimSettings {
  selector: string;
  privateKeyFile: string;
  domain?: string | undefined;
}

/** What nodemailer's `dkim` option takes for one key. */
export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/**
 * Reads the DKIM private key named in the config (`delivery.dkim.privateKeyFile`) and checks that
 * it is one, so a wrong path or file stops the run before anything is recorded or sent.
 */
export function loadDkimKey(dkim: DkimSettings, from: string): DkimKey {
  const shown = displayPath(dkim.privateKeyFile);
  let pem: string;
  try {
    pem = readFileSync(dkim.privateKeyFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError('CONFIG_DKIM_KEY', `delivery.dkim.privateKeyFile: cannot read the DKIM key ${shown} (${code})`, {
      cause: error,
      context: { file: shown },
      hint: `Point delivery.dkim.privateKeyFile at the PEM private key for selector "${dkim.selector}" (relative paths are resolved against the config file’s folder), or remove delivery.dkim to send unsigned.`,
    });
  }
  try {
    const key = createPrivateKey(pem);
    // nodemailer signs rsa-sha256 only, and sends a message unsigned when the key does not fit.
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`it is a ${key.asymmetricKeyType} key`);
  } catch (error) {
    throw new ConfigError('CONFIG_DKIM_KEY', `delivery.dkim.privateKeyFile: ${shown} is not an RSA private key in PEM form (${(error as Error).message})`, {
      cause: error,
      context: { file: shown },
      hint: 'The file should start with "-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----", e.g. made with: openssl genrsa -out dkim.pem 2048',
    });
  }
  return { domainName: dkim.domain ?? senderDomain(from), keySelector: dkim.selector, privateKey: pem };
}
