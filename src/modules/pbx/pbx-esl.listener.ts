import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { isUuid } from '../../common/uuid.pipe';
import { CheckResult, HealthRegistry } from '../../ops/health.registry';
import { CALL_EVENT_NAMES, CallFact, mapCallEvent } from './esl/call-event-mapper';
import { EslClient } from './esl/esl-client';
import type { EslEvent } from './esl/esl-parser';
import { PbxCallsService } from './pbx-calls.service';

/** Attempts to record one fact before it is logged and dropped (the database is away). */
const RECORD_ATTEMPTS = 3;

/**
 * Runs the FreeSWITCH event socket client when `PBX_ESL_HOST` is set and the role runs it
 * (PbxEslClientModule, imported by src/platform/worker.module.ts, enables it), turns
 * channel events into call facts (see call-event-mapper) and records them one at a time, in
 * arrival order. Readiness check `pbx`: `disabled` without a host (or in a role that does not run it),
 * `up` while subscribed, `degraded` (never `down`: the platform still serves everything else)
 * while the PBX is away and the client retries with backoff.
 */
@Injectable()
export class PbxEslListener implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('PbxEsl');
  private client: EslClient | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopping = false;
  private runs = false;

  constructor(
    private readonly config: AppConfig,
    private readonly health: HealthRegistry,
    private readonly calls: PbxCallsService,
  ) {}

  /** This role runs the client (called before bootstrap by PbxEslClientModule). */
  enable(): void {
    this.runs = true;
  }

  get enabled(): boolean {
    return Boolean(this.config.PBX_ESL_HOST) && this.runs;
  }

  onModuleInit(): void {
    this.health.register('pbx', () => this.check());
  }

  onApplicationBootstrap(): void {
    if (!this.enabled || !this.config.PBX_ESL_HOST) return;
    const client = new EslClient({
      host: this.config.PBX_ESL_HOST,
      port: this.config.PBX_ESL_PORT,
      password: this.config.PBX_ESL_PASSWORD,
      events: CALL_EVENT_NAMES,
      logger: this.logger,
    });
    client.on('event', (event) => this.onEvent(event));
    this.client = client;
    client.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.client?.stop();
    await this.chain;
  }

  check(): CheckResult {
    if (!this.config.PBX_ESL_HOST) return { status: 'disabled', detail: 'PBX_ESL_HOST is not set' };
    if (!this.runs) {
      return { status: 'disabled', detail: 'the event socket client runs in worker processes' };
    }
    const state = this.client?.state ?? 'disconnected';
    if (state === 'connected') return { status: 'up' };
    return { status: 'degraded', detail: `event socket ${state}; retrying with backoff` };
  }

  private onEvent(event: EslEvent): void {
    let fact: CallFact | null;
    try {
      fact = mapCallEvent(event);
    } catch (err) {
      this.logger.warn(`Channel event ${event.name} could not be mapped: ${describe(err)}`);
      return;
    }
    if (!fact) return;
    if (!isUuid(fact.call_uuid)) {
      this.logger.warn(`Channel event ${event.name} skipped: call uuid is not a UUID`);
      return;
    }
    const mapped = fact;
    this.chain = this.chain.then(() => this.record(mapped));
  }

  private async record(fact: CallFact): Promise<void> {
    for (let attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
      try {
        await this.calls.record(fact);
        return;
      } catch (err) {
        if (attempt === RECORD_ATTEMPTS || this.stopping) {
          this.logger.error(
            `pbx.call.${fact.kind} of call ${fact.call_uuid} (extension ${fact.extension}) ` +
              `was not recorded: ${describe(err)}`,
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
