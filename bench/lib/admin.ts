/** A console session against the platform's admin API (cookie + CSRF), as the Admin Console has. */
import { performance } from 'node:perf_hooks';
import { request } from 'undici';

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

  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await request(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: this.cookie,
        'x-xsrf-token': this.csrf,
      },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`POST ${path}: ${res.statusCode} ${text}`);
    return JSON.parse(text) as T;
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

  async createWebhook(
    displayName: string,
    url: string,
    events: string[],
  ): Promise<{ id: string; secret: string }> {
    const res = await this.post<{ data: { id: string }; secret: string }>('/api/admin/webhooks', {
      display_name: displayName,
      url,
      events,
    });
    return { id: res.data.id, secret: res.secret };
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
