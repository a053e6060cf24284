import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Flags for Debian's Chromium in a container: no sandbox, no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The Chromium binary: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. Throws with install
 * instructions when there is none, so a missing browser fails the run instead of skipping tests.
 */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `No Chromium found at ${path}. The browser tests need one: install Debian's package with ` +
        '`apt-get install -y chromium` (as root), or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
  }
  return path;
}

/**
 * A desktop Chrome user agent with this Chromium's major version. Headless Chromium says
 * `HeadlessChrome`, which the API (rightly) drops as a bot; a headed browser sends this instead.
 */
export function desktopUserAgent(executablePath: string): string {
  let major = '130';
  try {
    const version = execFileSync(executablePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10000 });
    major = /(\d+)\.\d+\.\d+/.exec(version)?.[1] ?? major;
  } catch {
    // Keep the fallback: only the bot check reads this.
  }
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

export interface LaunchedChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile (a new temporary user data dir).
 * @example const { context, close } = await launchChromium({ javaScriptEnabled: false })
 */
export async function launchChromium(options: { javaScriptEnabled?: boolean } = {}): Promise<LaunchedChromium> {
  const executablePath = chromiumPath();
  const profile = mkdtempSync(join(tmpdir(), 'edgeprint-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      userAgent: desktopUserAgent(executablePath),
    });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
