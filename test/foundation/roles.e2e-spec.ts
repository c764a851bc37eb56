import { ModuleRef } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { HealthRegistry } from '../../src/ops/health.registry';
import { LaneSweeper } from '../../src/modules/deliveries/lanes/lane-sweeper';
import { LaneProcessor } from '../../src/modules/deliveries/lanes/lane.processor';
import { MaintenanceProcessor } from '../../src/modules/deliveries/retention';
import { ROLES, RUNNERS } from '../../src/platform/worker.module';
import { startApp, TestApp } from '../support/app';
import { waitFor } from '../support/wait';

/** The relay's LISTEN sessions on the run's database (it is this run's alone). */
async function listeners(db: DataSource): Promise<number> {
  const rows: { n: number }[] = await db.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
  );
  return rows[0].n;
}

/** Which of the background providers the app has: lane worker, lane sweeper, maintenance. */
function runners(t: TestApp): boolean[] {
  return [LaneProcessor, LaneSweeper, MaintenanceProcessor].map((type) => {
    try {
      // Through ModuleRef: a missing provider throws here, where the app's own get would exit.
      t.app.get(ModuleRef).get(type, { strict: false });
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * src/platform/worker.module.ts alone says what each role runs; the app of a role has exactly
 * those runners. An unreachable PBX host shows whether the event socket client runs (it retries:
 * `degraded`) or not (`disabled`).
 */
describe('roles: what each process runs (WorkerModule)', () => {
  const env = { LOG_LEVEL: 'silent', PBX_ESL_HOST: '127.0.0.1', PBX_ESL_PORT: '1' };

  it('lists every runner for all and worker, none for api, and the API for all and api', () => {
    const every = Object.keys(RUNNERS).sort();
    expect(every).toEqual(['lanes', 'maintenance', 'outbox-relay', 'pbx-esl']);
    expect([...ROLES.all.runs].sort()).toEqual(every);
    expect([...ROLES.worker.runs].sort()).toEqual(every);
    expect(ROLES.api.runs).toEqual([]);
    expect([ROLES.all.api, ROLES.api.api, ROLES.worker.api]).toEqual([true, true, false]);
  });

  it('role api: no lane worker, sweeper, maintenance worker, relay or event socket client', async () => {
    const t = await startApp({ ...env, ZORIO_ROLE: 'api' });
    try {
      expect(runners(t)).toEqual([false, false, false]);
      const { checks } = await t.app.get(HealthRegistry).run();
      expect(checks.pbx).toEqual({
        status: 'disabled',
        detail: 'the event socket client runs in worker processes',
      });
      expect(await listeners(t.db)).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('role all: the lane worker and sweeper, the maintenance worker, the relay and the event socket client', async () => {
    const t = await startApp({ ...env, ZORIO_ROLE: 'all' });
    try {
      expect(runners(t)).toEqual([true, true, true]);
      const { checks } = await t.app.get(HealthRegistry).run();
      expect(checks.pbx.status).toBe('degraded');
      await waitFor(async () => (await listeners(t.db)) === 1, { what: 'the relay to LISTEN' });
    } finally {
      await t.close();
    }
  });
});
