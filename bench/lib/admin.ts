/** A console session against the platform's admin API (cookie + CSRF), as the Admin Console has. */
import { performance } from 'node:perf_hooks';
import { request } from 'undici';

/** A refused admin API call, with its status (e.g. 422 for a field the platform does not know). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: ${status} ${body}`);
  }
}

/** Slow admin calls (a resume releasing a large backlog) get this long. */
const SLOW_CALL_MS = 15 * 60_000;

export class AdminClient {
  private cookie = '';
  private csrf = '';

  constructor(readonly baseUrl: string) {}

  async login(email: string, password: string): Promise<void> {
    const res = await request(`${this.baseUrl}/api/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`login: ${res.statusCode} ${text}`);
    const setCookie = res.headers['set-cookie'];
    const cookies = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map(
      (c) => c.split(';')[0],
    );
    this.cookie = cookies.join('; ');
    const xsrf = cookies.find((c) => c.startsWith('XSRF-TOKEN='));
    if (!xsrf) throw new Error('login set no XSRF-TOKEN cookie');
    this.csrf = decodeURIComponent(xsrf.slice('XSRF-TOKEN='.length));
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  private async send<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await request(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        cookie: this.cookie,
        'x-xsrf-token': this.csrf,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: SLOW_CALL_MS,
      bodyTimeout: SLOW_CALL_MS,
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new ApiError(res.statusCode, text, `${method} ${path}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** GET with its wall time in ms (what the console's user waits for). */
  async timedGet<T>(path: string): Promise<{ ms: number; body: T }> {
    const t0 = performance.now();
    const res = await request(`${this.baseUrl}${path}`, { headers: { cookie: this.cookie } });
    const text = await res.body.text();
    const ms = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${text}`);
    return { ms, body: JSON.parse(text) as T };
  }

  /** `fields`: optional fields of the create call (max_in_flight, ordering, …). */
  async createWebhook(
    displayName: string,
    url: string,
    events: string[],
    fields: Record<string, unknown> = {},
  ): Promise<{ id: string; secret: string; webhook: Record<string, unknown> }> {
    const res = await this.post<{ data: Record<string, unknown> & { id: string }; secret: string }>(
      '/api/admin/webhooks',
      { display_name: displayName, url, events, ...fields },
    );
    return { id: res.data.id, secret: res.secret, webhook: res.data };
  }

  async pauseWebhook(id: string): Promise<void> {
    await this.post(`/api/admin/webhooks/${id}/pause`, {});
  }

  async resumeWebhook(id: string): Promise<void> {
    await this.post(`/api/admin/webhooks/${id}/resume`, {});
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.send('DELETE', `/api/admin/webhooks/${id}`);
  }
}

/** Polls `check` until it returns a value (not null/false) or the deadline passes. */
export async function waitUntil<T>(
  check: () => Promise<T | null | false> | T | null | false,
  opts: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== null && v !== false) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
