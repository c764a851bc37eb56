/**
 * The Admin Console in a real browser (the system Chromium through playwright-core) against the
 * real backend on the run's fresh database and a local HTTPS receiver: the brief's whole flow,
 * from login to the audit log, then an auditor's view. Fails on any console error, uncaught page
 * error, failed request or API error response the flow does not cause on purpose. Saves a
 * screenshot of every main screen under test-artifacts/screenshots/.
 *
 * Needs the built console (admin-web/dist/admin-web/browser): `node scripts/ensure-console.js`.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page, Response } from 'playwright-core';
import { CONSOLE_DIST } from '../../src/app.module';
import { verifyZorioSignature } from '../../tools/webhooks/verify-signature';
import { createUser, login, TestApp, startApp } from '../support/app';
import { ReceivedRequest, Receiver, startReceiver } from '../support/https-receiver';
import { getTestPki } from '../../tools/pki/test-ca';
import { publish } from '../support/webhooks';
import { Browser, BrowserProblems, ExpectedFailure, launchChromium } from './browser';

/** API error responses this flow causes on purpose: none (the console must not cause any). */
const EXPECTED_API_FAILURES: readonly ExpectedFailure[] = [];

const SHOTS = resolve(__dirname, '..', '..', 'test-artifacts', 'screenshots');
const HOOK_NAME = 'Billing CRM (browser suite)';
/** Unique in the run's shared database (the API token suite makes a "CRM sync" of its own). */
const TOKEN_NAME = 'CRM sync (browser suite)';
const RECEIVER_OK = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"received":true}',
};
const RECEIVER_DOWN = {
  status: 500,
  headers: { 'content-type': 'application/json' },
  body: '{"error":"receiver is down"}',
};

describe('Admin Console in Chromium: the brief end to end', () => {
  let t: TestApp;
  let receiver: Receiver;
  let browser: Browser;
  let page: Page;
  let problems: BrowserProblems;
  /** Every /api request the browser sent, `METHOD /path`. */
  const apiRequests: string[] = [];
  let admin: { id: string; email: string; password: string };
  let auditor: { id: string; email: string; password: string };

  let webhookId = '';
  let secret = '';
  let testDeliveryId = '';
  let deadLetterId = '';

  /** The steps share one browser session: after a failed step the rest fail at once. */
  let failedStep: string | null = null;
  const step = (name: string, fn: () => Promise<void>): void =>
    it(name, async () => {
      if (failedStep) throw new Error(`not run: the step "${failedStep}" failed`);
      try {
        await fn();
      } catch (err) {
        failedStep = name;
        throw err;
      }
    });

  const tid = (id: string): Locator => page.getByTestId(id);
  const css = (selector: string): Locator => page.locator(selector);
  const path = (): string => new URL(page.url()).pathname + new URL(page.url()).search;
  /** Saves the viewport; snack bars and tooltips (transient) are hidden, the mouse moved away. */
  const shot = async (name: string): Promise<void> => {
    await page.mouse.move(0, 0);
    await page.screenshot({
      path: join(SHOTS, `${name}.png`),
      animations: 'disabled',
      style: 'mat-snack-bar-container, .mat-mdc-tooltip-panel { display: none !important; }',
    });
  };
  const apiResponse = (method: string, pattern: RegExp): Promise<Response> =>
    page.waitForResponse(
      (r) => r.request().method() === method && pattern.test(new URL(r.url()).pathname),
    );
  const untilPath = (pathname: string): Promise<void> =>
    page.waitForURL((u) => u.pathname === pathname);
  const lastReceived = (): ReceivedRequest => receiver.received[receiver.received.length - 1];

  async function signIn(user: { email: string; password: string }): Promise<void> {
    await tid('login-email').fill(user.email);
    await tid('login-password').fill(user.password);
    const login = apiResponse('POST', /^\/api\/admin\/auth\/login$/);
    await tid('login-submit').click();
    expect((await login).status()).toBe(200);
  }

  async function signOut(): Promise<void> {
    const logout = apiResponse('POST', /^\/api\/admin\/auth\/logout$/);
    await tid('logout-button').click();
    expect((await logout).status()).toBe(204);
    await untilPath('/admin/login');
    await tid('login-form').waitFor();
  }

  /** Opens "Send test event" on the webhook's page, sends its first event, returns the result. */
  async function sendTestEvent(): Promise<{ status: string; deliveryId: string }> {
    await tid('webhook-send-test').click();
    await tid('test-dialog').waitFor();
    const sent = apiResponse('POST', /^\/api\/admin\/webhooks\/[^/]+\/test$/);
    await tid('test-event-send').click();
    const body = (await (await sent).json()) as { data: { id: string; status: string } };
    const result = css(`[data-testid=test-result][data-status="${body.data.status}"]`);
    await result.waitFor();
    return { status: body.data.status, deliveryId: body.data.id };
  }

  /**
   * Closing the dialog reloads the webhook page's recent deliveries: waits for them, so that a
   * step leaving the page next does not cut that request off (the browser reports it aborted).
   */
  async function closeTestDialog(): Promise<void> {
    const recent = apiResponse('GET', /^\/api\/admin\/deliveries$/);
    await tid('test-dialog-close').click();
    await tid('test-dialog').waitFor({ state: 'detached' });
    await recent;
  }

  beforeAll(async () => {
    if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
      throw new Error(
        `The console is not built (${CONSOLE_DIST}): run \`node scripts/ensure-console.js\` first.`,
      );
    }
    rmSync(SHOTS, { recursive: true, force: true }); // this run's screenshots only
    mkdirSync(SHOTS, { recursive: true });
    receiver = await startReceiver({ respond: RECEIVER_OK });
    t = await startApp({
      WEBHOOK_CA_FILE: getTestPki().caFile,
      WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2',
      WEBHOOK_TIMEOUT_MS: '2000',
    });
    admin = await createUser(t, 'admin');
    auditor = await createUser(t, 'auditor');
    browser = await launchChromium(t.url);
    page = browser.page;
    problems = new BrowserProblems(page, EXPECTED_API_FAILURES);
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/')) apiRequests.push(`${r.method()} ${u.pathname}`);
    });
  });

  afterEach(() => {
    // Every step must leave the browser's console clean.
    expect(problems.take()).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await receiver?.close();
  });

  step(
    'opens on the login page without probing for a session, and signs the admin in',
    async () => {
      await page.goto(`${t.url}/admin/`);
      await untilPath('/admin/login');
      await tid('login-form').waitFor();
      expect(apiRequests).toEqual([]); // no GET auth/me (and so no 401) before anyone signed in
      await shot('01-login');

      await signIn(admin);
      await untilPath('/admin/webhooks');
      await css('[data-testid=current-user-role][data-role=admin]').waitFor();
      expect(await tid('current-user-role').textContent()).toContain('admin');
      // Other suites of the run share the database: the list may hold their webhooks.
      await css('[data-testid=webhooks-table], [data-testid=webhooks-empty]').first().waitFor();
    },
  );

  step('creates a webhook (https checked while typing) and shows its secret once', async () => {
    await tid('webhook-create-button').click();
    await untilPath('/admin/webhooks/new');
    await tid('webhook-display-name').fill(HOOK_NAME);
    await tid('webhook-url').fill(receiver.url.replace('https://', 'http://'));
    await tid('webhook-url-error').waitFor();
    await tid('webhook-url').fill(receiver.url);
    await tid('webhook-url-ok').waitFor();
    await tid('event-option-pbx.call.hangup').click();
    await tid('event-option-telesales.lead.created').click();
    await tid('webhook-events-count').filter({ hasText: '2 selected' }).waitFor();
    // The lane settings: defaults, one line of help each, and the API's bounds checked as typed.
    expect(await tid('webhook-max-in-flight').inputValue()).toBe('8');
    expect(await tid('webhook-rate-limit').inputValue()).toBe('');
    await tid('webhook-max-in-flight-help').filter({ hasText: '1–64' }).waitFor();
    await tid('webhook-rate-limit-help').filter({ hasText: 'no limit' }).waitFor();
    await tid('webhook-ordering-per_key')
      .filter({ hasText: 'a failing call holds back only its own later events' })
      .waitFor();
    expect(await tid('webhook-ordering-none').locator('input').isChecked()).toBe(true);
    await tid('webhook-max-in-flight').fill('65');
    await tid('webhook-rate-limit').fill('0');
    await tid('webhook-form-submit').click();
    await tid('webhook-max-in-flight-error').filter({ hasText: '1 to 64' }).waitFor();
    await tid('webhook-rate-limit-error').filter({ hasText: '1 to 10,000' }).waitFor();
    expect(apiRequests).not.toContain('POST /api/admin/webhooks'); // refused before posting
    await tid('webhook-max-in-flight').fill('4');
    await tid('webhook-rate-limit').fill('50');
    await tid('webhook-max-in-flight-error').waitFor({ state: 'detached' });
    await tid('webhook-rate-limit-error').waitFor({ state: 'detached' });
    await tid('webhook-max-in-flight').evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await shot('03b-webhook-create-delivery-settings');
    await page.evaluate('window.scrollTo(0, 0)');
    await tid('webhook-display-name').evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await shot('03-webhook-create-form');

    const created = apiResponse('POST', /^\/api\/admin\/webhooks$/);
    await tid('webhook-form-submit').click();
    const res = await created;
    expect(res.status()).toBe(201);
    expect(res.request().postDataJSON()).toMatchObject({
      max_in_flight: 4,
      rate_limit_per_second: 50,
    });
    const body = (await res.json()) as {
      data: { id: string; max_in_flight: number; rate_limit_per_second: number; ordering: string };
      secret: string;
    };
    webhookId = body.data.id;
    expect(body.data).toMatchObject({
      max_in_flight: 4,
      rate_limit_per_second: 50,
      ordering: 'none',
    });

    await tid('secret-dialog').waitFor();
    await tid('secret-warning').waitFor();
    expect(await tid('secret-dialog-done').isDisabled()).toBe(true);
    await shot('04-secret-dialog');
    const shown = await tid('secret-value').inputValue();
    await tid('secret-copy').click();
    secret = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(secret).toBe(shown);
    expect(secret).toBe(body.secret);
    expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
    await tid('secret-dialog-done').click();
    await tid('secret-dialog').waitFor({ state: 'detached' });
    await untilPath(`/admin/webhooks/${webhookId}`);
    await css(`[data-testid=webhook-detail][data-webhook-id="${webhookId}"]`).waitFor();
    await css('[data-testid=webhook-status][data-status=active]').waitFor();
    // The live lane: nothing sent yet, the limits as set.
    await css('[data-testid=webhook-lane][data-lane-state=idle]').waitFor();
    await tid('webhook-lane').filter({ hasText: 'of 4 allowed at once' }).waitFor();
    await tid('webhook-lane-rate-limit').filter({ hasText: '50 requests per second' }).waitFor();
    await css('[data-testid=webhook-lane-ordering][data-ordering=none]').waitFor();
  });

  step('sends a test event that the receiver accepts, signed with the copied secret', async () => {
    const before = receiver.received.length;
    const { status, deliveryId } = await sendTestEvent();
    expect(status).toBe('succeeded');
    testDeliveryId = deliveryId;
    await tid('test-result-response-status').filter({ hasText: 'HTTP 200' }).waitFor();
    await tid('test-result-body').filter({ hasText: 'received' }).waitFor();
    await shot('05-test-result');

    expect(receiver.received).toHaveLength(before + 1);
    const req = lastReceived();
    expect(req.headers['x-zorio-delivery']).toBe(testDeliveryId);
    expect(req.headers['x-zorio-test']).toBe('true');
    expect(req.headers['x-zorio-event']).toBe('pbx.call.hangup');
    expect(verifyZorioSignature(secret, req.body, req.headers['x-zorio-signature'])).toBe(true);
    expect(verifyZorioSignature('x'.repeat(32), req.body, req.headers['x-zorio-signature'])).toBe(
      false,
    );
    await closeTestDialog();
    await css(
      `[data-testid=webhook-recent-delivery][data-delivery-id="${testDeliveryId}"]`,
    ).waitFor();
    await shot('06-webhook-detail');
  });

  step('finds the test delivery in the deliveries list and opens its attempts', async () => {
    await tid('webhook-view-deliveries').click();
    await page.waitForURL((u) => u.pathname === '/admin/deliveries');
    expect(new URL(page.url()).searchParams.get('webhook_id')).toBe(webhookId);
    const row = css(`[data-testid=delivery-row][data-delivery-id="${testDeliveryId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('succeeded');
    await row.getByTestId('delivery-row-test').waitFor();

    await row.click();
    await untilPath(`/admin/deliveries/${testDeliveryId}`);
    await css(`[data-testid=delivery-detail][data-status=succeeded]`).waitFor();
    const attempt = css('[data-testid=delivery-attempt][data-attempt-number="1"]');
    await attempt.waitFor();
    expect(await tid('delivery-attempt').count()).toBe(1);
    expect(await attempt.getAttribute('data-response-status')).toBe('200');
    await attempt
      .getByTestId('attempt-request-headers')
      .filter({ hasText: 'X-Zorio-Signature' })
      .waitFor();
    await attempt.getByTestId('attempt-response-body').filter({ hasText: 'received' }).waitFor();
    await tid('delivery-payload').filter({ hasText: 'pbx.call.hangup' }).waitFor();
  });

  step('shows a failing receiver: a test event and a real event end as dead letters', async () => {
    receiver.respondWith(RECEIVER_DOWN);
    await page.goto(`${t.url}/admin/webhooks/${webhookId}`);
    await css(`[data-testid=webhook-detail][data-webhook-id="${webhookId}"]`).waitFor();
    const test = await sendTestEvent();
    expect(test.status).not.toBe('succeeded');
    await tid('test-result-response-status').filter({ hasText: 'HTTP 500' }).waitFor();
    await tid('test-result-error').filter({ hasText: 'http_status' }).waitFor();
    await closeTestDialog();

    // A real event: one attempt and three retries 0.2 s apart, all answered 500.
    const before = receiver.received.length;
    await publish(t, 'pbx.call.hangup');
    await page.goto(`${t.url}/admin/deliveries?webhook_id=${webhookId}`);
    await tid('deliveries-table').waitFor();
    await tid('deliveries-auto-refresh').click();
    const dead = css(
      '[data-testid=delivery-row][data-status=dead_letter][data-event="pbx.call.hangup"]',
    )
      .filter({ hasNot: page.getByTestId('delivery-row-test') })
      .first();
    await dead.waitFor({ timeout: 20_000 });
    await tid('deliveries-auto-refresh').click(); // off again: nothing polls behind our back
    deadLetterId = (await dead.getAttribute('data-delivery-id')) ?? '';
    expect(deadLetterId).not.toBe('');
    expect(receiver.received.length - before).toBe(4);
    for (const req of receiver.received.slice(before)) {
      expect(req.headers['x-zorio-delivery']).toBe(deadLetterId);
      expect(verifyZorioSignature(secret, req.body, req.headers['x-zorio-signature'])).toBe(true);
    }
  });

  step('replays the dead letter once the receiver is healthy again', async () => {
    receiver.respondWith(RECEIVER_OK);
    await css(`[data-testid=delivery-row][data-delivery-id="${deadLetterId}"]`).click();
    await untilPath(`/admin/deliveries/${deadLetterId}`);
    await css('[data-testid=delivery-detail][data-status=dead_letter]').waitFor();
    await css('[data-testid=delivery-attempt][data-attempt-number="4"]').waitFor();
    expect(await tid('delivery-attempt').count()).toBe(4);
    expect(await tid('delivery-retry-count').textContent()).toContain('3');

    const before = receiver.received.length;
    const replayed = apiResponse('POST', /^\/api\/admin\/deliveries\/[^/]+\/replay$/);
    await tid('delivery-replay').click();
    expect((await replayed).status()).toBe(202);
    await css('[data-testid=delivery-detail][data-status=succeeded]').waitFor({ timeout: 15_000 });
    const newest = css('[data-testid=delivery-attempt][data-attempt-number="5"]');
    await newest.waitFor();
    expect(await newest.getAttribute('data-response-status')).toBe('200');
    await tid('delivery-polling').waitFor({ state: 'detached' });
    expect(receiver.received).toHaveLength(before + 1);
    const req = lastReceived();
    expect(req.headers['x-zorio-delivery']).toBe(deadLetterId);
    expect(verifyZorioSignature(secret, req.body, req.headers['x-zorio-signature'])).toBe(true);
    await shot('08-delivery-detail');
    // The attempts (newest first, expanded) and the failures before them, on a taller screen.
    await page.setViewportSize({ width: 1280, height: 1100 });
    try {
      await tid('delivery-attempts').evaluate((e) =>
        e.parentElement?.scrollIntoView({ block: 'start' }),
      );
      await shot('09-delivery-attempts');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  step('rotates the secret: the new one is shown once and signs the next delivery', async () => {
    await page.goto(`${t.url}/admin/webhooks/${webhookId}`);
    await css(`[data-testid=webhook-detail][data-webhook-id="${webhookId}"]`).waitFor();
    await tid('webhook-rotate').click();
    await tid('confirm-dialog').waitFor();
    const rotated = apiResponse('POST', /^\/api\/admin\/webhooks\/[^/]+\/rotate-secret$/);
    await tid('confirm-ok').click();
    expect((await rotated).status()).toBe(200);
    await tid('secret-dialog').waitFor();
    const newSecret = await tid('secret-value').inputValue();
    expect(newSecret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(newSecret).not.toBe(secret);
    await tid('secret-acknowledge').click();
    await tid('secret-dialog-done').click();
    await tid('secret-dialog').waitFor({ state: 'detached' });

    const { status } = await sendTestEvent();
    expect(status).toBe('succeeded');
    const req = lastReceived();
    expect(verifyZorioSignature(newSecret, req.body, req.headers['x-zorio-signature'])).toBe(true);
    expect(verifyZorioSignature(secret, req.body, req.headers['x-zorio-signature'])).toBe(false);
    await closeTestDialog();
    secret = newSecret;
  });

  step('pauses and resumes the webhook (the status chip follows)', async () => {
    await tid('webhook-pause').click();
    await css('[data-testid=webhook-status][data-status=paused]').waitFor();
    await tid('webhook-paused-banner').waitFor();
    await tid('webhook-resume').click();
    await css('[data-testid=webhook-status][data-status=active]').waitFor();
    await tid('webhook-paused-banner').waitFor({ state: 'detached' });
    await tid('webhook-pause').waitFor();
  });

  step('edits the lane settings: ordering per call or lead, rate limit removed', async () => {
    await tid('webhook-edit').click();
    await untilPath(`/admin/webhooks/${webhookId}/edit`);
    expect(await tid('webhook-max-in-flight').inputValue()).toBe('4');
    expect(await tid('webhook-rate-limit').inputValue()).toBe('50');
    await tid('webhook-rate-limit').fill('');
    await tid('webhook-ordering-per_key').click();
    const saved = apiResponse('PATCH', /^\/api\/admin\/webhooks\/[^/]+$/);
    await tid('webhook-form-submit').click();
    const res = await saved;
    expect(res.status()).toBe(200);
    expect(res.request().postDataJSON()).toEqual({
      rate_limit_per_second: null,
      ordering: 'per_key',
    });
    await untilPath(`/admin/webhooks/${webhookId}`);
    await css('[data-testid=webhook-lane-ordering][data-ordering=per_key]').waitFor();
    await tid('webhook-lane-rate-limit').filter({ hasText: 'No limit' }).waitFor();
    await tid('webhook-lane').filter({ hasText: 'of 4 allowed at once' }).waitFor();
  });

  step(
    'shows a throttled lane live, and a held delivery that links to the head of its key',
    async () => {
      // A second customer whose endpoint answers 429 with Retry-After: its lane is throttled,
      // and with per-key ordering the call's second event waits for its first.
      const throttling = await startReceiver({
        respond: { status: 429, headers: { 'retry-after': '30' }, body: 'slow down' },
      });
      const api = await login(t, 'admin');
      const other = await api
        .post('/api/admin/webhooks')
        .send({
          display_name: 'Wallboard (throttled, browser suite)',
          url: throttling.url,
          events: ['pbx.call.ringing', 'pbx.call.answered'],
          max_in_flight: 2,
          rate_limit_per_second: 10,
          ordering: 'per_key',
        })
        .expect(201);
      const otherId = other.body.data.id as string;
      try {
        await publish(t, 'pbx.call.ringing');
        await publish(t, 'pbx.call.answered');
        await throttling.waitFor(1, 10_000);

        await tid('nav-webhooks').click();
        await untilPath('/admin/webhooks');
        const row = css(`[data-testid=webhook-row][data-webhook-id="${otherId}"]`);
        await row.locator('[data-testid=webhook-row-lane][data-lane-state=throttled]').waitFor();
        expect(await row.getAttribute('class')).toContain('flagged');
        await row.getByTestId('webhook-row-lane-throttled').filter({ hasText: 's more' }).waitFor();
        expect(await row.getByTestId('webhook-row-lane-due').textContent()).toMatch(/^\d/);
        expect(await row.getByTestId('webhook-row-lane').textContent()).toContain('/ 2 in flight');
        // The list re-reads the lanes by itself (every 5 s while visible).
        const again = await page.waitForResponse(
          (r) =>
            r.request().method() === 'GET' && new URL(r.url()).pathname === '/api/admin/webhooks',
          { timeout: 8000 },
        );
        expect(again.status()).toBe(200);
        await shot('14-webhook-list-lanes');

        await row.getByTestId('webhook-row-link').click();
        await untilPath(`/admin/webhooks/${otherId}`);
        await css('[data-testid=webhook-lane][data-lane-state=throttled]').waitFor();
        await tid('webhook-lane-reason').filter({ hasText: 'Retry-After' }).waitFor();
        await tid('webhook-lane-throttled').filter({ hasText: 'more' }).waitFor();
        await tid('webhook-lane-rate-limit')
          .filter({ hasText: '10 requests per second' })
          .waitFor();
        await shot('15-webhook-detail-lane');

        await page.goto(`${t.url}/admin/deliveries?webhook_id=${otherId}`);
        const held = css('[data-testid=delivery-row][data-event="pbx.call.answered"]');
        const head = css('[data-testid=delivery-row][data-event="pbx.call.ringing"]');
        await held.getByTestId('delivery-row-waiting-for').waitFor();
        const headId = (await head.getAttribute('data-delivery-id')) ?? '';
        expect(
          await held.getByTestId('delivery-row-waiting-for').getAttribute('data-waiting-for'),
        ).toBe(headId);
        const key = (await head.getAttribute('data-ordering-key')) ?? '';
        expect(key).not.toBe('');
        expect(await held.getAttribute('data-ordering-key')).toBe(key);
        expect(Number(await held.getAttribute('data-sequence'))).toBeGreaterThan(
          Number(await head.getAttribute('data-sequence')),
        );
        await shot('16-deliveries-ordering');

        // A click on the key filters by it.
        const filtered = page.waitForResponse(
          (r) =>
            new URL(r.url()).pathname === '/api/admin/deliveries' &&
            new URL(r.url()).searchParams.get('ordering_key') === key,
        );
        await head.getByTestId('delivery-row-key').click();
        expect((await filtered).status()).toBe(200);
        expect(new URL(page.url()).searchParams.get('ordering_key')).toBe(key);
        expect(await tid('deliveries-filter-ordering-key').inputValue()).toBe(key);
        await held.waitFor();

        // The held delivery says what it waits for and links to it.
        await held.getByTestId('delivery-row-link').click();
        await tid('delivery-held').waitFor();
        await tid('delivery-ordering-key').filter({ hasText: key }).waitFor();
        await tid('delivery-waiting-for').click();
        await untilPath(`/admin/deliveries/${headId}`);
        await css(`[data-testid=delivery-detail][data-delivery-id="${headId}"]`).waitFor();
        await tid('delivery-held').waitFor({ state: 'detached' });
      } finally {
        await api.del(`/api/admin/webhooks/${otherId}`).expect(204);
        await throttling.close();
      }
    },
  );

  step(
    'lists the webhook with its last delivery and success rate, on a laptop and on a phone',
    async () => {
      await tid('nav-webhooks').click();
      await untilPath('/admin/webhooks');
      const row = css(`[data-testid=webhook-row][data-webhook-id="${webhookId}"]`);
      await row.waitFor();
      expect(await row.getAttribute('data-webhook-name')).toBe(HOOK_NAME);
      expect(await row.getByTestId('webhook-row-status').getAttribute('data-status')).toBe(
        'active',
      );
      await row.getByTestId('webhook-row-success-rate').filter({ hasText: '%' }).waitFor();
      // The live lane cell is there (its values once the backend reports lanes).
      expect(await row.getByTestId('webhook-row-lane').getAttribute('data-lane-state')).toMatch(
        /^(unknown|idle|sending|backed_up|throttled|held)$/,
      );
      await shot('02-webhook-list');

      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await tid('nav-toggle').waitFor();
        await row.waitFor();
        await shot('13-webhook-list-phone');
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      await tid('nav-toggle').waitFor({ state: 'hidden' });
    },
  );

  step('loads a deep link after login, and shows the users and API tokens screens', async () => {
    // A leg the event socket saw ring 7 hours ago and that never hung up (as in pbx-hangups).
    const staleUuid = randomUUID();
    await t.db.query(
      `INSERT INTO pbx_calls (call_uuid, extension, direction, caller_number, destination_number,
                              status, ringing_at, created_at)
       VALUES ($1, '1001', 'inbound', '+15550100', '1001', 'ringing',
               now() - interval '7 hours', now() - interval '7 hours')`,
      [staleUuid],
    );
    try {
      await page.goto(`${t.url}/admin/deliveries`);
      await tid('deliveries-table').waitFor();
      await tid('delivery-row').first().waitFor();
      expect(path()).toBe('/admin/deliveries');
      await css('[data-testid=nav-deliveries][aria-current=page]').waitFor();
      // One quiet line with the count; the oldest calls only once expanded.
      expect(await tid('stale-calls-line').innerText()).toMatch(
        /^\d+ calls? rang more than 6 hours ago and never got a hangup$/,
      );
      const staleRow = css(`[data-testid=stale-call][data-call-uuid="${staleUuid}"]`);
      expect(await staleRow.isVisible()).toBe(false);
      await tid('stale-calls-summary').click();
      await staleRow.waitFor();
      expect(await staleRow.locator('[data-testid=stale-call-extension]').innerText()).toBe('1001');
    } finally {
      await t.db.query(`DELETE FROM pbx_calls WHERE call_uuid = $1`, [staleUuid]);
    }

    // Filters live in the URL (other suites of the run share the database).
    await page.goto(`${t.url}/admin/deliveries?webhook_id=${webhookId}`);
    await css(`[data-testid=delivery-row][data-delivery-id="${deadLetterId}"]`).waitFor();
    // Every delivery of the flow: three test events (one failed) and the replayed dead letter.
    expect(await tid('delivery-row').count()).toBe(4);
    expect(await css('[data-testid=delivery-row][data-status=succeeded]').count()).toBe(3);
    await shot('07-deliveries-list');

    await tid('nav-users').click();
    await untilPath('/admin/users');
    await css(`[data-testid=user-row][data-user-email="${auditor.email}"]`).waitFor();
    await shot('11-users');

    await tid('nav-api-tokens').click();
    await untilPath('/admin/api-tokens');
    await tid('token-create-button').click();
    await tid('token-form').waitFor();
    await tid('token-name').fill(TOKEN_NAME);
    await tid('token-scope-pbx_api_access').click();
    const created = apiResponse('POST', /^\/api\/admin\/api-tokens$/);
    await tid('token-form-submit').click();
    expect((await created).status()).toBe(201);
    await tid('secret-dialog').waitFor();
    expect(await tid('secret-value').inputValue()).toMatch(/^[^|]+\|.+$/);
    await tid('secret-acknowledge').click();
    await tid('secret-dialog-done').click();
    await tid('secret-dialog').waitFor({ state: 'detached' });
    await css(`[data-testid=token-row][data-token-name="${TOKEN_NAME}"]`).waitFor();
    await shot('12-api-tokens');
  });

  step('deletes the webhook after the name is typed to confirm', async () => {
    await page.goto(`${t.url}/admin/webhooks/${webhookId}`);
    await css(`[data-testid=webhook-detail][data-webhook-id="${webhookId}"]`).waitFor();
    await tid('webhook-delete').click();
    await tid('confirm-dialog').waitFor();
    expect(await tid('confirm-ok').isDisabled()).toBe(true);
    await tid('confirm-input').fill(HOOK_NAME.slice(0, -1));
    expect(await tid('confirm-ok').isDisabled()).toBe(true);
    await tid('confirm-input').fill(HOOK_NAME);
    const deleted = apiResponse('DELETE', /^\/api\/admin\/webhooks\/[^/]+$/);
    await tid('confirm-ok').click();
    expect((await deleted).status()).toBe(204);
    await untilPath('/admin/webhooks');
    await css('[data-testid=webhooks-table], [data-testid=webhooks-empty]').first().waitFor();
    await css(`[data-testid=webhook-row][data-webhook-id="${webhookId}"]`).waitFor({
      state: 'detached',
    });
  });

  step('shows every step in the audit log, and the hash chain verifies', async () => {
    await tid('nav-audit-log').click();
    await untilPath('/admin/audit-log');
    await tid('audit-table').waitFor();
    // This admin's actions only (other suites of the run share the database).
    const filtered = page.waitForResponse(
      (r) =>
        new URL(r.url()).pathname === '/api/admin/audit-log' &&
        new URL(r.url()).searchParams.get('actor_id') === admin.id,
    );
    await tid('audit-filter-actor').fill(admin.id);
    expect((await filtered).status()).toBe(200);
    expect(new URL(page.url()).searchParams.get('actor_id')).toBe(admin.id);
    for (const action of [
      'auth.login',
      'webhook.created',
      'delivery.replayed',
      'webhook.deleted',
    ]) {
      await css(`[data-testid=audit-row][data-action="${action}"]`).first().waitFor();
    }
    await tid('audit-verify').click();
    await css('[data-testid=audit-verify-result][data-ok=true]').waitFor();
    await shot('10-audit-log');

    await page.goto(`${t.url}/admin/audit-log?target_id=${webhookId}`);
    await tid('audit-table').waitFor();
    const steps = [
      'webhook.created',
      'webhook.test_sent',
      'webhook.secret_rotated',
      'webhook.paused',
      'webhook.resumed',
      'webhook.deleted',
    ];
    for (const action of steps) {
      await css(`[data-testid=audit-row][data-action="${action}"][data-target-id="${webhookId}"]`)
        .first()
        .waitFor();
    }
    const actions = await tid('audit-row').evaluateAll((rows) =>
      rows.map((r) => r.getAttribute('data-action')),
    );
    // Three test events: the first, the failing one and the one after rotating.
    expect(actions.filter((a) => a === 'webhook.test_sent')).toHaveLength(3);
    await page.goto(`${t.url}/admin/audit-log?target_id=${deadLetterId}`);
    await css(
      `[data-testid=audit-row][data-action="delivery.replayed"][data-target-id="${deadLetterId}"]`,
    ).waitFor();
    await tid('audit-verify').click();
    await css('[data-testid=audit-verify-result][data-ok=true]').waitFor();
  });

  step('signs out; an auditor then sees only the audit log', async () => {
    await signOut();
    const before = apiRequests.length;
    await page.goto(`${t.url}/admin/webhooks`);
    await untilPath('/admin/login');
    expect(apiRequests.slice(before)).toEqual([]); // signed out: no session probe

    await signIn(auditor);
    await untilPath('/admin/audit-log');
    await tid('audit-table').waitFor();
    await css('[data-testid=current-user-role][data-role=auditor]').waitFor();
    const nav = await page
      .locator('[data-testid^="nav-"]')
      .evaluateAll((links) => links.map((l) => l.getAttribute('data-testid')));
    expect(nav.filter((n) => n !== 'nav-toggle')).toEqual(['nav-audit-log']);

    await page.goto(`${t.url}/admin/webhooks`);
    await untilPath('/admin/audit-log');
    await tid('audit-table').waitFor();
    await tid('audit-verify').click();
    await css('[data-testid=audit-verify-result][data-ok=true]').waitFor();
    expect(await tid('api-error').count()).toBe(0);
    await signOut();
  });
});
