import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type Nodemailer from 'nodemailer';
import type { OutgoingMessage } from './compose-message.js';
import type { DkimKey } from './load-dkim-key.js';

// nodemailer loads when the first transport is made, not with every command that imports this module.
const require = createRequire(import.meta.url);
const nodemailer = (): typeof Nodemailer => require('nodemailer') as typeof Nodemailer;

export interface SendResult {
  messageId: string;
  /** The server's reply, or the .eml file written. */
  response: string;
}

/** Where messages go: .eml files in an outbox folder, or an SMTP server. */
export interface MessageTransport {
  kind: 'outbox' | 'smtp';
  /** For messages: "outbox out/outbox", "SMTP mail.example.com:587". */
  description: string;
  /** How many messages may be in flight at once. */
  concurrency: number;
  send(message: OutgoingMessage): Promise<SendResult>;
  /** Opens a fresh connection and says hello (and logs in): resolves when the server could take mail. */
  verify?(): Promise<void>;
  close(): void;
}

/** A file name for a recipient's .eml: readable, and safe on every file system. */
function emlName(prefix: string, address: string): string {
  return `${prefix}-${address.toLowerCase().replace(/[^a-z0-9@._+-]/g, '_')}.eml`;
}

/**
 * Writes each message as an RFC 5322 .eml file, composed by nodemailer exactly as it would be sent,
 * headed by the Return-Path a receiving server would add (the envelope sender: where a bounce of
 * it would go). A file appears whole or not at all (written to a temporary name, then renamed).
 */
export function createOutboxTransport(dir: string, fileStem: string, options: { dkim?: DkimKey | undefined } = {}): MessageTransport {
  const composer = nodemailer().createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...(options.dkim ? { dkim: options.dkim } : {}) });
  return {
    kind: 'outbox',
    description: `outbox ${dir}`,
    concurrency: 4,
    async send(message) {
      const info = await composer.sendMail(message);
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, emlName(fileStem, message.to.address));
      const temporary = `${file}.${process.pid}.tmp`;
      // The envelope sender, recorded as a receiving server would (RFC 5321 §4.4), so the file
      // shows where a bounce of this copy would go.
      const returnPath = Buffer.from(`Return-Path: <${info.envelope.from || ''}>\r\n`);
      try {
        writeFileSync(temporary, Buffer.concat([returnPath, info.message as Buffer]));
        renameSync(temporary, file);
      } catch (error) {
        // A full disk (or any failed write) leaves no half-written temporary file behind.
        rmSync(temporary, { force: true });
        throw error;
      }
      return { messageId: info.messageId, response: file };
    },
    close() {
      composer.close();
    },
  };
}

export interface SmtpOptions {
  maxConnections: number;
  /** Messages per second across all connections; 0 = no limit. */
  rateLimit: number;
  /** Wait for the TCP connection and the server's greeting, together (nodemailer cuts the greeting wait short by what is left). */
  connectionTimeoutMs?: number;
  /** Longest silence on an open connection. */
  socketTimeoutMs?: number;
  /** Sign every message with this key. */
  dkim?: DkimKey | undefined;
}

/** Reads host, port, TLS and credentials from SMTP_URL (smtp://user:pass@host:587, smtps://…). */
export function smtpSettings(url: string): { host: string; port: number; secure: boolean; auth?: { user: string; pass: string } } {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  const port = parsed.port ? Number(parsed.port) : secure ? 465 : 587;
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  return { host: parsed.hostname, port, secure, ...(user ? { auth: { user, pass } } : {}) };
}

/** Pooled, rate-limited SMTP through nodemailer. */
export function createSmtpTransport(url: string, options: SmtpOptions): MessageTransport {
  const settings = smtpSettings(url);
  // Rate limit as nodemailer expresses it: at most `rateLimit` messages per `rateDelta` ms.
  const rate = options.rateLimit > 0 ? rateWindow(options.rateLimit) : undefined;
  const transporter = nodemailer().createTransport({
    ...settings,
    pool: true,
    maxConnections: options.maxConnections,
    maxMessages: 100,
    connectionTimeout: options.connectionTimeoutMs ?? 15_000,
    greetingTimeout: options.connectionTimeoutMs ?? 15_000,
    socketTimeout: options.socketTimeoutMs ?? 60_000,
    ...(rate ? { rateDelta: rate.delta, rateLimit: rate.limit } : {}),
    ...(options.dkim ? { dkim: options.dkim } : {}),
  });
  return {
    kind: 'smtp',
    description: `SMTP ${settings.host}:${settings.port}`,
    // One message in flight per connection: that is also the most a crash can leave unrecorded.
    concurrency: options.maxConnections,
    async send(message) {
      const info = await transporter.sendMail(message);
      return { messageId: info.messageId, response: String(info.response ?? '') };
    },
    async verify() {
      await transporter.verify();
    },
    close() {
      transporter.close();
    },
  };
}

/** Turns "N messages a second" (possibly fractional) into whole messages per window. */
export function rateWindow(perSecond: number): { limit: number; delta: number } {
  if (perSecond >= 1) return { limit: Math.round(perSecond), delta: 1000 };
  return { limit: 1, delta: Math.round(1000 / perSecond) };
}
