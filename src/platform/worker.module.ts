import { DynamicModule, Module, OnModuleInit, Type } from '@nestjs/common';
import type { Role } from '../config/app-config';
import { OutboxRelay } from '../events/outbox-relay';
import {
  LaneWorkersModule,
  MaintenanceWorkersModule,
} from '../modules/deliveries/deliveries.module';
import { PbxEslClientModule } from '../modules/pbx/pbx.module';

/** Starts the outbox relay (LISTEN/NOTIFY and its sweep) at application bootstrap. */
@Module({})
class OutboxRelayRunnerModule implements OnModuleInit {
  constructor(private readonly relay: OutboxRelay) {}

  onModuleInit(): void {
    this.relay.enable();
  }
}

/** What a process can run besides answering HTTP, each as the module that runs it. */
export const RUNNERS = {
  /** Outbox → fan-out (src/events/outbox-relay.ts). */
  'outbox-relay': OutboxRelayRunnerModule,
  /** The lanes' BullMQ worker (drain jobs) and the lane sweeper. */
  lanes: LaneWorkersModule,
  /** The maintenance queue's worker: daily retention schedule, bulk replays. */
  maintenance: MaintenanceWorkersModule,
  /** The FreeSWITCH event socket client (when PBX_ESL_HOST is set). */
  'pbx-esl': PbxEslClientModule,
} satisfies Record<string, Type>;

export type Runner = keyof typeof RUNNERS;

export interface RolePlan {
  /** Serves the API and the console (otherwise only health and metrics, see bootstrap.ts). */
  api: boolean;
  runs: readonly Runner[];
}

const EVERY_RUNNER = Object.keys(RUNNERS) as Runner[];

/** The one list of what each role does (docs/architecture.md, "Roles"). */
export const ROLES: Readonly<Record<Role, RolePlan>> = {
  all: { api: true, runs: EVERY_RUNNER },
  api: { api: true, runs: [] },
  worker: { api: false, runs: EVERY_RUNNER },
};

/**
 * Imports the runners of a role and nothing else: a role that does not run the lanes has no
 * LaneProcessor (no BullMQ worker, no Redis connection of its own), one that does not relay
 * never LISTENs. Every role still has the services (signalling lanes, publishing, health).
 */
@Module({})
export class WorkerModule {
  static forRole(role: Role): DynamicModule {
    return { module: WorkerModule, imports: ROLES[role].runs.map((r) => RUNNERS[r]) };
  }
}
