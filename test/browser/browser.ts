/**
 * The system Chromium (Debian's package) driven by playwright-core, for the console suite: never a
 * downloaded browser. Plus a recorder of everything the browser would show as a problem: console
 * errors, uncaught page errors, failed requests and API responses with status >= 400.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, clipboard access for `origin`, 1280×800. */
export async function launchChromium(origin: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the console suite drives the system Chromium ` +
        '(apt-get install chromium); it never downloads a browser.',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'zorio-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      reducedMotion: 'reduce',
      locale: 'en-US',
      timezoneId: 'UTC',
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/** An API response the flow causes on purpose (method, path without query, status). */
export interface ExpectedFailure {
  method: string;
  path: string;
  status: number;
}

/** Collects what a user would see as an error in the browser's developer tools. */
export class BrowserProblems {
  private readonly problems: string[] = [];

  constructor(
    page: Page,
    private readonly expected: readonly ExpectedFailure[] = [],
  ) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        const where = msg.location().url ? ` (${msg.location().url})` : '';
        this.problems.push(`console error: ${msg.text()}${where}`);
      }
    });
    page.on('pageerror', (err) => this.problems.push(`uncaught page error: ${err.message}`));
    page.on('requestfailed', (req) =>
      this.problems.push(
        `request failed: ${req.method()} ${req.url()} (${req.failure()?.errorText ?? 'unknown'})`,
      ),
    );
    page.on('response', (res) => {
      const url = new URL(res.url());
      const method = res.request().method();
      if (res.status() < 400 || !url.pathname.startsWith('/api/')) return;
      const allowed = this.expected.some(
        (e) => e.method === method && e.path === url.pathname && e.status === res.status(),
      );
      if (!allowed) this.problems.push(`API error: ${method} ${url.pathname} → ${res.status()}`);
    });
  }

  /** Everything recorded since the last call (and forgets it). */
  take(): string[] {
    return this.problems.splice(0);
  }
}
