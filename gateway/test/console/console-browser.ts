import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where browser tests leave screenshots and downloads (gitignored). */
export const UI_TEST_OUTPUT = join(__dirname, '..', '..', '..', 'test-output', 'ui');

/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser downloads are not
 * reachable here). `.ci/run` installs it when missing.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
  mkdirSync(UI_TEST_OUTPUT, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
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
