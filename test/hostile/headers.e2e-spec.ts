import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_DIST } from '../../src/app.module';
import { Browser, BrowserProblems, launchChromium } from '../browser/browser';
import { TestApp, createUser, login, startApp, useApp } from '../support/app';

/**
 * Security headers (helmet), the console's Content-Security-Policy against its real build in a
 * real Chromium, the login's refusal of cross-site form posts, and formula neutralisation in the
 * audit CSV export.
 */

const INDEX = join(CONSOLE_DIST, 'index.html');

function cspOf(header: string | undefined): Record<string, string> {
  return Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name, values.join(' ')];
      }),
  );
}

describe('security headers', () => {
  let t: TestApp;
  let secure: TestApp;

  beforeAll(async () => {
    t = await startApp();
    secure = await startApp({ COOKIE_SECURE: 'true' });
  });
  afterAll(async () => {
    await t?.close();
    await secure?.close();
  });

  it('sends a strict CSP, no framing, nosniff and no referrer on the console and the API', async () => {
    for (const path of ['/admin/', '/api/admin/auth/me', '/health/live']) {
      const res = await t.http().get(path);
      const csp = cspOf(res.headers['content-security-policy']);
      expect(csp).toMatchObject({
        'default-src': "'self'",
        'script-src': "'self'",
        'script-src-attr': "'none'",
        'object-src': "'none'",
        'frame-ancestors': "'none'",
        'base-uri': "'self'",
        'form-action': "'self'",
      });
      expect(csp['upgrade-insecure-requests']).toBeUndefined();
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
      });
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('adds HSTS and upgrade-insecure-requests when cookies are Secure (HTTPS)', async () => {
    const res = await secure.http().get('/health/live').expect(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(cspOf(res.headers['content-security-policy'])).toHaveProperty(
      'upgrade-insecure-requests',
    );
  });

  it('the built console has no inline script, so script-src needs no unsafe-inline or hashes', () => {
    expect(existsSync(INDEX)).toBe(true); // npm test builds it first (scripts/ensure-console.js)
    const html = readFileSync(INDEX, 'utf8');
    const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((s) => !/\bsrc=/i.test(s))).toEqual([]);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it('the console runs in Chromium under the policy: no violation, sign-in works', async () => {
    const user = await createUser(t);
    let browser: Browser | undefined;
    try {
      browser = await launchChromium(t.url);
      const { page } = browser;
      const problems = new BrowserProblems(page);
      // Every violation the browser reports becomes a console error the recorder sees.
      await page.addInitScript({
        content: `document.addEventListener('securitypolicyviolation', (e) =>
          console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
      });
      await page.goto(`${t.url}/admin/`);
      await page.getByTestId('login-email').fill(user.email);
      await page.getByTestId('login-password').fill(user.password);
      const loggedIn = page.waitForResponse((r) => r.url().endsWith('/api/admin/auth/login'));
      await page.getByTestId('login-submit').click();
      expect((await loggedIn).status()).toBe(200);
      await page.getByTestId('logout-button').waitFor();
      expect(problems.take()).toEqual([]);
    } finally {
      await browser?.close();
    }
  });
});

describe('login from other sites', () => {
  let t: TestApp;
  useApp((app) => (t = app));

  it('refuses form posts (JSON only) with a 415, and checks no password', async () => {
    const user = await createUser(t);
    const form = await t
      .http()
      .post('/api/admin/auth/login')
      .type('form')
      .send({ email: user.email, password: user.password })
      .expect(415);
    expect(form.body.message).toMatch(/JSON/);
    expect(form.headers['set-cookie']).toBeUndefined();
    await t
      .http()
      .post('/api/admin/auth/login')
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify({ email: user.email, password: user.password }))
      .expect(415);
  });

  it('refuses a post whose Origin or Sec-Fetch-Site is another site, even as JSON', async () => {
    const user = await createUser(t);
    const post = () =>
      t.http().post('/api/admin/auth/login').send({ email: user.email, password: user.password });
    await post().set('Origin', 'https://evil.example').expect(403);
    await post().set('Origin', 'null').expect(403);
    await post().set('Sec-Fetch-Site', 'cross-site').expect(403);
    await post().set('Sec-Fetch-Site', 'same-site').expect(403);
    // The console's own origin, and clients that are not browsers, sign in.
    await post().set('Origin', t.url).set('Sec-Fetch-Site', 'same-origin').expect(200);
    // Behind a trusted proxy that rewrote Host, its X-Forwarded-Host is the console's host.
    await post()
      .set('Origin', 'https://console.example.com')
      .set('X-Forwarded-Host', 'console.example.com')
      .expect(200);
    await post()
      .set('Origin', 'https://evil.example')
      .set('X-Forwarded-Host', 'console.example.com')
      .expect(403);
    await post().expect(200);
  });
});

describe('audit CSV export', () => {
  let t: TestApp;
  useApp((app) => (t = app));

  it('neutralises a formula in a failed login User-Agent', async () => {
    const admin = await login(t);
    const victim = await createUser(t);
    for (const ua of ['=HYPERLINK(A1)', '@SUM(1+1)*cmd|/C calc!A0', '+1+1', '-1+1']) {
      await t
        .http()
        .post('/api/admin/auth/login')
        .set('User-Agent', ua)
        .set('X-Forwarded-For', '198.18.77.1')
        .send({ email: victim.email, password: 'wrong password' })
        .expect(401);
    }
    const res = await admin
      .get(`/api/admin/audit-log/export?action=auth.login_failed&target_id=${victim.id}`)
      .expect(200);
    const agents = res.text
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[9]);
    expect(agents.sort()).toEqual(
      ["'+1+1", "'-1+1", "'=HYPERLINK(A1)", "'@SUM(1+1)*cmd|/C calc!A0"].sort(),
    );
    // The JSON API returns the value as it was sent.
    const list = await admin
      .get(`/api/admin/audit-log?action=auth.login_failed&target_id=${victim.id}`)
      .expect(200);
    expect(list.body.data.map((e: { user_agent: string }) => e.user_agent)).toContain(
      '=HYPERLINK(A1)',
    );
  });
});
