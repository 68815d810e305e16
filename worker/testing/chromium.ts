/**
 * Headless Chromium for the browser tests (Debian's package, driven by playwright-core). The background-networking
 * flags keep it from calling out at start, which this machine's closed network refuses.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether Chromium is installed (`.ci/run` installs it; the browser tests skip without it). */
export const HAS_CHROMIUM = existsSync(CHROMIUM);

/** Launches headless Chromium with the flags these machines need. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
