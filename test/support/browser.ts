import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: `npx playwright install` cannot download a browser on these machines. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Starts headless Chromium for a browser test. Without it the test fails (it does not skip) with
 * the command that installs it: .ci/run installs it in CI.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}; the browser tests need it. Install it with: apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root in a container, and with no network beyond loopback: no sandbox, no background traffic.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
