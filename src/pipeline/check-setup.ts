import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { PACKAGE_DIR } from '../config/package-dir.js';
import { describeError, isDigestError } from '../errors.js';
import { loadDkimKey } from '../deliver/load-dkim-key.js';
import { envelopeSender, loadBounceSigner } from '../bounces/verp.js';
import { redactMailbox } from '../bounces/mail-sources.js';
import { loadTemplates } from '../render/load-templates.js';
import { checkEmail } from '../render/check-email.js';
import { personalise } from '../render/personalise.js';
import { previewLinks } from '../audience/reader-links.js';
import { formatSlot, nextSlot } from '../schedule/schedule-slots.js';
import { renderDigest } from '../render/render-digest.js';
import { renderSettings } from './render-settings.js';
import { sampleDigest } from './sample-digest.js';
import { decideTransport, TRANSPORT_SETTING } from '../deliver/decide-transport.js';
import { StateStore } from '../state/state-store.js';
import { openTemplateCheckCache, templateCheckKey } from './template-check-cache.js';
import { queueLabel } from '../queue/queue-label.js';

export interface CheckItem {
  what: string;
  ok: boolean;
  detail: string;
  /** Problems that do not stop a run are warnings, not failures. */
  warning?: boolean;
}

export interface CheckReport {
  ok: boolean;
  items: CheckItem[];
}

/**
 * Validates the setup without fetching or sending: the config (already loaded by the caller), each
 * feed's address, the recipients, and every template set, rendered with a sample digest under
 * strict MJML validation.
 */
export interface CheckOptions {
  /** Render every template set again, even those unchanged since they last passed. */
  noCache?: boolean;
}

/** The sample digest is dated on a fixed day, so an unchanged template set gives the same check every day. */
const SAMPLE_DATE = new Date('2026-03-02T07:00:00Z');

export async function checkSetup(config: ResolvedConfig, now: Date = new Date(), options: CheckOptions = {}): Promise<CheckReport> {
  const items: CheckItem[] = [];
  items.push({ what: 'config', ok: true, detail: config.source ? `${config.source} is valid` : 'no config file: using the built-in sample setup' });

  if (config.feeds.length === 0 && config.pausedFeeds.length > 0) {
    items.push({ what: 'feeds', ok: false, detail: `all ${config.pausedFeeds.length} feeds are paused: \`digest feeds unpause NAME\` one, or add another` });
  } else if (config.feeds.length === 0) items.push({ what: 'feeds', ok: false, detail: 'no feeds configured: add some under `feeds:`' });
  for (const feed of config.pausedFeeds) {
    items.push({ what: feed.name ? `feed "${feed.name}"` : 'feed', ok: true, warning: true, detail: `${feed.url} is paused (not fetched until \`digest feeds unpause\`)` });
  }
  for (const feed of config.feeds) {
    const label = feed.name ? `feed "${feed.name}"` : 'feed';
    if (/^https?:\/\//i.test(feed.url)) {
      items.push({ what: label, ok: true, detail: `${feed.url} (not fetched)` });
      continue;
    }
    const file = feed.url.startsWith('file://') ? new URL(feed.url).pathname : feed.url;
    try {
      accessSync(file, constants.R_OK);
      items.push({ what: label, ok: true, detail: file });
    } catch {
      items.push({ what: label, ok: false, detail: `${file}: no such file (relative paths are resolved against the config file's folder)` });
    }
  }

  items.push({
    what: 'recipients',
    ok: true,
    warning: config.recipients.length === 0,
    detail: config.recipients.length === 0 ? 'none configured: runs will render but send to nobody' : `${config.recipients.length} valid`,
  });
  // An address no mail server takes is skipped by a run; here it fails the check, so it gets fixed.
  for (const skipped of config.skippedRecipients) items.push({ what: 'recipients', ok: false, detail: skipped });
  for (const warning of config.warnings) if (!config.skippedRecipients.includes(warning)) items.push({ what: 'config', ok: true, warning: true, detail: warning });

  // With a delivery queue, `digest worker` processes send over SMTP; otherwise the run decides.
  if (config.queueUrl) {
    items.push({ what: 'delivery', ok: true, detail: `the delivery queue ${queueLabel(config.queueUrl, config.delivery.queueName)}: \`digest worker\` processes send (not connected by check)` });
  } else items.push(deliveryCheck(config));
  if (config.delivery.dkim) {
    try {
      const key = loadDkimKey(config.delivery.dkim, config.from);
      items.push({ what: 'DKIM', ok: true, detail: `signing as ${key.keySelector}._domainkey.${key.domainName} with ${config.delivery.dkim.privateKeyFile}` });
    } catch (error) {
      items.push({ what: 'DKIM', ok: false, detail: describeError(error) });
    }
  }
  if (config.delivery.bounceAddress) {
    try {
      const signer = loadBounceSigner(config);
      const example = envelopeSender(config.delivery.bounceAddress, signer, 1, 'subscriber@example.com');
      const mailbox = config.bounces.mailbox ? `; \`digest bounces\` reads ${redactMailbox(config.bounces.mailbox)}` : '; set bounces.mailbox, or give `digest bounces` the mailbox to read';
      items.push({ what: 'bounces', ok: true, detail: `envelope sender per reader, e.g. ${example}${mailbox}` });
    } catch (error) {
      items.push({ what: 'bounces', ok: false, detail: describeError(error) });
    }
  }
  items.push(...readerLinkChecks(config));
  const next = nextSlot(config.schedule, config.timezone, now);
  items.push({ what: 'schedule', ok: true, detail: `"${config.schedule}" in ${config.timezone}: next ${next ? formatSlot(next, config.timezone) : 'never'} (for \`digest schedule\`)` });

  const sets = new Set([config.templateDir, ...templateSetsBeside(config.templateDir)]);
  const cache = openTemplateCheckCache(config.statePath === ':memory:' ? undefined : path.join(path.dirname(config.statePath), 'check-cache.json'));
  const settings = renderSettings(config);
  const sample = sampleDigest(config, SAMPLE_DATE);
  for (const dir of sets) {
    const label = `templates ${path.basename(dir)}${dir === config.templateDir ? ' (in use)' : ''}`;
    const key = templateCheckKey({ dir, partialsDir: config.partialsDir, settings, sample });
    const known = options.noCache ? undefined : cache.get(key);
    if (known) {
      const at = known.checkedAt.slice(0, 16).replace('T', ' ');
      items.push(...known.items.map((item, i) => (i === 0 ? { ...item, detail: `${item.detail}; unchanged since checked at ${at} UTC` } : item)));
      continue;
    }
    const found: CheckItem[] = [];
    try {
      const templates = loadTemplates(dir, { extraPartialsDir: config.partialsDir });
      const rendered = await renderDigest(sample, templates, settings, { validation: 'strict' });
      found.push({ what: label, ok: true, detail: `renders (${Math.round(Buffer.byteLength(rendered.html) / 1000)} KB of HTML for a 2-item sample)` });
      const preview = personalise(rendered, { email: 'subscriber@example.com', name: 'Subscriber' }, previewLinks(config, config.readerTokens));
      for (const check of checkEmail(preview.html, { unsubscribeUrl: preview.unsubscribeUrl, preheader: rendered.preheader, maxBytes: settings.maxHtmlBytes ?? null })) {
        if (!check.ok) found.push({ what: `${label}: ${check.label.toLowerCase()}`, ok: true, warning: true, detail: check.detail });
      }
      // Only a set that passed is remembered: a broken one is rendered again until it is fixed.
      cache.set(key, { checkedAt: new Date().toISOString(), items: found });
    } catch (error) {
      found.push({ what: label, ok: false, detail: isDigestError(error) ? error.message : describeError(error) });
    }
    items.push(...found);
  }
  cache.save();
  return { ok: items.every((item) => item.ok), items };
}

/** What the next run would deliver over, as the run decides it (from the config, SMTP_URL and the recorded auto decision). */
function deliveryCheck(config: ResolvedConfig): CheckItem {
  let recorded: { value: string; recordedAt: string } | undefined;
  if (config.delivery.transport === 'auto' && config.statePath !== ':memory:' && existsSync(config.statePath)) {
    try {
      const store = StateStore.open(config.statePath);
      try {
        recorded = store.setting(TRANSPORT_SETTING);
      } finally {
        store.close();
      }
    } catch (error) {
      return { what: 'delivery', ok: false, detail: describeError(error) };
    }
  }
  try {
    const choice = decideTransport(config, recorded);
    const how = choice.kind === 'smtp' ? 'SMTP via SMTP_URL (not connected by check)' : `outbox: .eml files in ${path.join(config.outDir, 'outbox')}, nobody is emailed`;
    const why =
      config.delivery.transport !== 'auto'
        ? `delivery.transport: ${config.delivery.transport}`
        : recorded
          ? `delivery.transport: auto, decided on the first run, ${recorded.recordedAt.slice(0, 10)}`
          : 'delivery.transport: auto, to be decided and recorded by the first run';
    return { what: 'delivery', ok: true, detail: `${how} (${why})` };
  } catch (error) {
    return { what: 'delivery', ok: false, detail: isDigestError(error) && error.hint ? `${error.message.replace(/: nothing was fetched or sent$/, '')}. ${error.hint}` : describeError(error) };
  }
}

/** How readers' links are made, and whether a send could make them. */
function readerLinkChecks(config: ResolvedConfig): CheckItem[] {
  const items: CheckItem[] = [];
  const base = config.web.baseUrl;
  if (base) {
    items.push({ what: 'reader links', ok: true, detail: `signed unsubscribe and preferences links to ${base} (served by \`digest web\`), one-click List-Unsubscribe${base.startsWith('https://') ? '' : ' (not offered by mailbox providers: the address is not https)'}` });
    if (!config.readerTokens) {
      items.push({
        what: 'DIGEST_SECRET',
        ok: config.transport !== 'smtp',
        ...(config.transport === 'smtp' ? {} : { warning: true }),
        detail:
          config.transport === 'smtp'
            ? 'not set: `digest run` will refuse to send, because every email needs signed links. Set it (e.g. `openssl rand -base64 32`) for digest run and digest web alike'
            : 'not set: the outbox messages get links signed with a throwaway key, which do not work. Set it before sending for real',
      });
    } else {
      items.push({ what: 'DIGEST_SECRET', ok: true, detail: 'set: links are signed' });
    }
  } else if (config.unsubscribeUrl) {
    const carriesAddress = /\{\{\s*email\s*\}\}/.test(config.unsubscribeUrl);
    items.push({
      what: 'reader links',
      ok: true,
      warning: carriesAddress,
      detail: carriesAddress
        ? `unsubscribeUrl carries the reader's address (${config.unsubscribeUrl}): anyone who can guess an address can unsubscribe it. Set web.baseUrl and run \`digest web\` for signed links instead`
        : `unsubscribe links go to ${config.unsubscribeUrl} (a program of your own)`,
    });
  } else {
    items.push({ what: 'reader links', ok: true, warning: true, detail: 'no unsubscribe link: set web.baseUrl and run `digest web` (mailbox providers expect one-click unsubscribe from bulk senders)' });
  }
  return items;
}

/** The other template sets shipped with the package, so a broken theme is caught before anyone selects it. */
function templateSetsBeside(current: string): string[] {
  const root = path.join(PACKAGE_DIR, 'templates');
  if (path.dirname(current) !== root || !existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => path.join(root, name))
    .filter((dir) => statSync(dir).isDirectory() && existsSync(path.join(dir, 'layout.mjml.hbs')));
}
