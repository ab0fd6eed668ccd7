import { html, type SafeHtml } from './html.js';
import { page, type Depth, type Site } from './layout.js';

/**
 * The pages `digest web` shows readers. Every value is escaped by `html`. Pages that act (leave,
 * confirm, save) are forms that POST: a GET, which mail scanners make on their own, only shows.
 */

const PAUSE_WEEKS = [1, 2, 4, 8, 12] as const;
export { PAUSE_WEEKS };

/** The one-click field RFC 8058 names; the page's button sends the same. */
const oneClick = html`<input type="hidden" name="List-Unsubscribe" value="One-Click">`;

function query(token: string): string {
  return `?t=${encodeURIComponent(token)}`;
}

export function messagePage(site: Site, title: string, body: SafeHtml | string): string {
  return page(site, { title, body: html`<h1>${title}</h1>${typeof body === 'string' ? html`<p>${body}</p>` : body}` });
}

/** A link that is not valid: one answer, whatever was wrong with it. */
export function invalidLinkPage(site: Site): string {
  return messagePage(
    site,
    'This link does not work',
    html`<p>It may have been cut short or changed on the way. Open the link again from the email itself, or copy all of it.</p>
<p class="muted">Every email has working links at its bottom.</p>`,
  );
}

/** /unsubscribe or /preferences without a token (the archive links there). */
export function personalLinkPage(site: Site, what: 'unsubscribe' | 'preferences'): string {
  return messagePage(
    site,
    what === 'unsubscribe' ? 'Unsubscribe' : 'Your preferences',
    html`<p>Your ${what === 'unsubscribe' ? 'unsubscribe' : 'preferences'} link is personal, so it is not on public pages: it is at the bottom of every email you get from ${site.title}.</p>`,
  );
}

export function unsubscribeConfirmPage(site: Site, token: string, email: string, alreadyOut: boolean): string {
  if (alreadyOut) {
    return messagePage(site, 'You are unsubscribed', html`<p><strong>${email}</strong> gets no more emails from ${site.title}.</p>`);
  }
  return page(site, {
    title: 'Unsubscribe',
    body: html`<h1>Unsubscribe?</h1>
<p><strong>${email}</strong> will get no more emails from ${site.title}.</p>
<form method="post" action="unsubscribe${query(token)}">${oneClick}<input type="hidden" name="from" value="page"><button type="submit">Unsubscribe</button></form>`,
  });
}

export function unsubscribedPage(site: Site, email: string, preferencesToken: string | undefined): string {
  return messagePage(
    site,
    'You are unsubscribed',
    html`<p><strong>${email}</strong> gets no more emails from ${site.title}.</p>
${preferencesToken ? html`<p class="muted">By mistake? <a href="preferences${query(preferencesToken)}">Come back from your preferences page.</a></p>` : ''}`,
  );
}

export function subscribeFormPage(site: Site, options: { email?: string; name?: string; problem?: string } = {}): string {
  return page(site, {
    title: 'Subscribe',
    body: html`<h1>Get ${site.title} by email</h1>
${site.tagline ? html`<p>${site.tagline}.</p>` : ''}
${options.problem ? html`<p role="alert"><strong>${options.problem}</strong></p>` : ''}
<form method="post" action="subscribe">
<label for="email">Your email address</label>
<input id="email" type="email" name="email" required maxlength="254" autocomplete="email" value="${options.email ?? ''}">
<label for="name">Your name <span class="muted">(optional)</span></label>
<input id="name" type="text" name="name" maxlength="100" autocomplete="name" value="${options.name ?? ''}">
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" type="text" name="website" tabindex="-1" autocomplete="off"></div>
<button type="submit">Subscribe</button>
</form>
<p class="muted">We send you an email to confirm: nothing comes until you do.</p>`,
  });
}

/** The same reply whether the address is new, on the list already, or blocked. */
export function subscribeSentPage(site: Site, email: string, hours: number): string {
  return messagePage(
    site,
    'Check your inbox',
    html`<p>If <strong>${email}</strong> can get ${site.title}, an email is on its way to it with a link to confirm. The link works for ${hours} hours.</p>
<p class="muted">Nothing there after a few minutes? Look in the spam folder.</p>`,
  );
}

export function confirmPage(site: Site, token: string, email: string): string {
  return page(site, {
    title: 'Confirm',
    body: html`<h1>Confirm your subscription</h1>
<p>Send ${site.title} to <strong>${email}</strong>?</p>
<form method="post" action="confirm${query(token)}"><button type="submit">Yes, subscribe me</button></form>`,
  });
}

export function confirmedPage(site: Site, email: string, preferencesToken: string): string {
  return messagePage(
    site,
    'You are subscribed',
    html`<p><strong>${email}</strong> gets the next issue of ${site.title}.</p>
<p><a href="preferences${query(preferencesToken)}">Choose what you get</a>${site.archive ? html` · <a href="archive/">Read past issues</a>` : ''}</p>`,
  );
}

export function expiredConfirmPage(site: Site): string {
  return messagePage(
    site,
    'This link has expired',
    html`<p>Confirmation links work for a limited time. ${site.subscribe ? html`<a href="subscribe">Ask for a new one.</a>` : ''}</p>`,
  );
}

export interface PreferencesView {
  email: string;
  token: string;
  /** active, paused (until), unsubscribed (may rejoin), blocked (bounced or complained: only the sender can lift it), or not a reader. */
  status: { kind: 'active' } | { kind: 'paused'; until: string } | { kind: 'unsubscribed' } | { kind: 'blocked'; reason: string } | { kind: 'not-a-reader' };
  sections: readonly string[];
  /** Sections chosen; null: all. */
  chosen: readonly string[] | null;
  /** What was just done, for the message at the top. */
  saved?: string;
  problem?: string;
  formatDate: (iso: string) => string;
}

export function preferencesPage(site: Site, view: PreferencesView): string {
  const q = query(view.token);
  const status = view.status;
  const chosen = new Set(view.chosen ?? view.sections);
  const statusLine =
    status.kind === 'active'
      ? html`<p><strong>${view.email}</strong> gets ${site.title}.</p>`
      : status.kind === 'paused'
        ? html`<p><strong>${view.email}</strong> gets no ${site.title} until ${view.formatDate(status.until)}.</p>`
        : status.kind === 'unsubscribed'
          ? html`<p><strong>${view.email}</strong> is unsubscribed from ${site.title}.</p>`
          : status.kind === 'blocked'
            ? html`<p><strong>${view.email}</strong> gets no ${site.title}: ${status.reason}. Write to the sender if you want it back.</p>`
            : html`<p><strong>${view.email}</strong> is not on the ${site.title} list.</p>`;
  const receiving = status.kind === 'active' || status.kind === 'paused';
  const body = html`<h1>Your preferences</h1>
${view.saved ? html`<p role="status"><strong>${view.saved}</strong></p>` : ''}
${view.problem ? html`<p role="alert"><strong>${view.problem}</strong></p>` : ''}
${statusLine}
${
  receiving
    ? html`${
        view.sections.length > 1
          ? html`<form method="post" action="preferences${q}">
<fieldset><legend>Sections you want</legend>
${view.sections.map(
  (name, i) => html`<div class="check"><input type="checkbox" id="s${i}" name="section" value="${name}"${chosen.has(name) ? html` checked` : ''}><label for="s${i}" style="margin:0">${name}</label></div>
`,
)}</fieldset>
<button type="submit" name="action" value="save">Save sections</button>
</form><hr>`
          : ''
      }
<form method="post" action="preferences${q}">
${
  status.kind === 'paused'
    ? html`<button type="submit" name="action" value="resume">Start again now</button>`
    : html`<label for="weeks">Take a break</label>
<select id="weeks" name="weeks">${PAUSE_WEEKS.map((w) => html`<option value="${w}">${w} week${w === 1 ? '' : 's'}</option>`)}</select>
<button type="submit" name="action" value="pause">Pause</button>`
}
</form><hr>
<form method="post" action="preferences${q}"><button class="quiet" type="submit" name="action" value="leave">Unsubscribe</button></form>`
    : status.kind === 'unsubscribed' || status.kind === 'not-a-reader'
      ? html`<form method="post" action="preferences${q}"><button type="submit" name="action" value="rejoin">Subscribe again</button></form>`
      : ''
}`;
  return page(site, { title: 'Your preferences', body });
}

export function tooManyRequestsPage(site: Site): string {
  return messagePage(site, 'Too many requests', 'Too many requests came from your network. Wait an hour and try again.');
}

export function notFoundPage(site: Site, depth: Depth): string {
  return page(site, { title: 'Not found', depth, body: html`<h1>Not found</h1><p>There is no page here.</p>` });
}
