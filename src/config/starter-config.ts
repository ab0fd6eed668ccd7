import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, displayPath } from '../errors.js';

export interface StarterConfig {
  file: string;
  /** The transport written into it: decided here, once, from whether SMTP_URL is set. */
  transport: 'smtp' | 'outbox';
}

/**
 * `digest init`: writes a commented starter config. `delivery.transport` is decided here, once,
 * and written out (smtp when SMTP_URL is set, else outbox), so no later run has to guess from an
 * environment that may have lost SMTP_URL. Refuses to overwrite an existing file unless `force`.
 */
export function writeStarterConfig(file: string, options: { env?: NodeJS.ProcessEnv; force?: boolean; cwd?: string } = {}): StarterConfig {
  const env = options.env ?? process.env;
  const shown = displayPath(file, options.cwd);
  if (existsSync(file) && !options.force) {
    throw new ConfigError('CONFIG_EXISTS', `${shown} already exists; it was left as it is`, {
      context: { file: shown },
      hint: 'Edit it, or run `digest init --force` to replace it with the starter config.',
    });
  }
  const transport = env.SMTP_URL?.trim() ? 'smtp' : 'outbox';
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, starterText(transport));
  return { file, transport };
}

function starterText(transport: 'smtp' | 'outbox'): string {
  return `# Newsletter digest configuration, written by \`digest init\`.
# README.md ("Configuration") describes every setting. Relative paths are resolved against this
# file's folder. Secrets (the SMTP password) never go here: set SMTP_URL in the environment.
# After editing: \`digest check\`, then \`digest preview\` (or \`digest serve\`) to see the email.

title: Morning Digest
# tagline: The stories worth your time, every morning
# The sender: one address, bare or "Name <address>".
from: Morning Digest <digest@example.com>
# replyTo: editor@example.com

# Who gets the digest: addresses, {email, name} entries, or the path to a CSV file with an
# "email" column (recipients: subscribers.csv).
recipients: []
#  - email: reader@example.com
#    name: Sam Reader

# Where the stories come from: http(s) feed URLs or local files (RSS, Atom, JSON Feed), or the
# path of a feed list (.yaml, .opml, .txt). \`digest feeds add URL\` finds a site's feed and adds it.
feeds: []
#  - url: https://example.com/feed.xml
#    name: Example News
#    section: World

# Link in every email; {{email}} and {{name}} are filled in per reader.
# unsubscribeUrl: https://example.com/unsubscribe?email={{email}}

# When \`digest schedule\` sends (cron: minute hour day month weekday), in this time zone.
schedule: "0 7 * * *"
timezone: UTC
locale: en-GB

delivery:
  # smtp: send over the server in SMTP_URL (a run refuses to start without it);
  # outbox: write one .eml file per reader to out/outbox and send nothing.
  transport: ${transport}
  # What a run does when nothing is new: skip (no email) or send.
  whenNothingNew: skip

# The theme: default (the full digest) or compact (headlines only), or your own theme folder.
template: default

# Files: the HTML/text preview and the outbox, and the job's memory (keep it with the project).
out: out
state: .digest/state.sqlite
`;
}
