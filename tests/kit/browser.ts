import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium package (CI installs it in .ci/run). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Headless Chromium for end-to-end tests. Without the background-networking flags Chromium
 * stalls on a closed network trying to reach Google's services; playwright gives every launch
 * a fresh temporary profile (--user-data-dir), so tests never share cookies or storage.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`end-to-end tests need Chromium at ${CHROMIUM_PATH}: apt-get install chromium (bash .ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
