import axios, { AxiosError, type AxiosInstance } from 'axios';

/** Reports a failed call without stopping the simulation. */
export type ApiErrorReporter = (message: string) => void;

/**
 * A machine-token client of the domain API (axios, the HTTP client for outbound calls off the hot
 * path). A 429 waits for `Retry-After` and tries again (up to 3 times); other failures throw
 * an `ApiError` with the status and the API's message.
 */
export class ApiClient {
  private readonly http: AxiosInstance;

  constructor(
    baseUrl: string,
    token: string,
    private readonly signal: AbortSignal,
  ) {
    this.http = axios.create({
      baseURL: baseUrl,
      timeout: 10_000,
      headers: {
        Authorization: `Bearer ${token}`,
        'User-Agent': 'zorio-demo/1.0',
        'Content-Type': 'application/json',
      },
      signal,
    });
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('post', path, body);
  }

  async patch<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('patch', path, body);
  }

  async get<T>(path: string): Promise<T> {
    return this.call<T>('get', path);
  }

  private async call<T>(
    method: 'get' | 'post' | 'patch',
    path: string,
    body?: unknown,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.http.request<T>({ method, url: path, data: body });
        return res.data;
      } catch (err) {
        const status = err instanceof AxiosError ? err.response?.status : undefined;
        if (status === 429 && attempt <= 3 && !this.signal.aborted) {
          const retryAfter = Number(
            err instanceof AxiosError ? err.response?.headers['retry-after'] : NaN,
          );
          await sleep(Number.isFinite(retryAfter) ? retryAfter * 1000 : 5000, this.signal);
          continue;
        }
        throw ApiError.from(method, path, err);
      }
    }
  }
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }

  static from(method: string, path: string, err: unknown): ApiError {
    if (err instanceof AxiosError) {
      const status = err.response?.status ?? null;
      const data = err.response?.data as { message?: unknown; errors?: unknown } | undefined;
      const detail =
        typeof data?.message === 'string'
          ? data.message
          : data?.errors
            ? JSON.stringify(data.errors)
            : err.message;
      return new ApiError(
        `${method.toUpperCase()} ${path} → ${status ?? err.code}: ${detail}`,
        status,
      );
    }
    return new ApiError(`${method.toUpperCase()} ${path}: ${String(err)}`, null);
  }
}

/** Resolves after `ms`, or at once when the signal aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** An error as one line for the demo's log: the API's message, or `<what>: <error>`. */
export function describeError(what: string, err: unknown): string {
  return err instanceof ApiError ? err.message : `${what}: ${String(err)}`;
}

/**
 * Runs `round(0)`, `round(1)`, … until the signal aborts, `pauseMs` apart; a round that fails is
 * reported (as `what`) and followed by a longer pause.
 */
export async function repeatRounds(
  what: string,
  round: (n: number) => Promise<void>,
  opts: { signal: AbortSignal; onError: (message: string) => void; pauseMs: number },
): Promise<void> {
  for (let n = 0; !opts.signal.aborted; n++) {
    try {
      await round(n);
    } catch (err) {
      if (opts.signal.aborted) return;
      opts.onError(describeError(what, err));
      await sleep(3000, opts.signal);
    }
    await sleep(opts.pauseMs, opts.signal);
  }
}
