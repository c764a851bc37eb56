import { Injectable, Logger } from '@nestjs/common';

export type CheckStatus = 'up' | 'down' | 'degraded' | 'disabled';
export interface CheckResult {
  status: CheckStatus;
  detail?: string;
}
export type HealthCheck = () => Promise<CheckResult> | CheckResult;

/**
 * Modules register their readiness checks here; `down` fails readiness, `degraded` does not. A
 * check's own `detail` is a sentence it wrote for operators; a check that throws is reported as
 * `check failed` and its error is logged, never shown (readiness is public).
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly logger = new Logger('Health');

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 2000): Promise<{ ok: boolean; checks: Record<string, CheckResult> }> {
    const out: Record<string, CheckResult> = {};
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<CheckResult>((resolve) => {
          timer = setTimeout(() => resolve({ status: 'down', detail: 'timed out' }), timeoutMs);
        });
        try {
          out[name] = await Promise.race([Promise.resolve().then(check), timeout]);
        } catch (err) {
          this.logger.warn(
            `${name} check failed: ${err instanceof Error ? err.message : String(err)}`,
          );
          out[name] = { status: 'down', detail: 'check failed' };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return { ok: Object.values(out).every((c) => c.status !== 'down'), checks: out };
  }
}
