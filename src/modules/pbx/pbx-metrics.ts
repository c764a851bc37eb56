import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../../ops/metrics';
import { STALE_CALL_AFTER_SECONDS, StaleCallsService } from './stale-calls.service';

@Injectable()
export class PbxMetrics {
  constructor(metrics: MetricsService, stale: StaleCallsService) {
    new Gauge({
      name: 'zorio_pbx_stale_open_calls',
      help:
        `Call legs first seen over ${STALE_CALL_AFTER_SECONDS} s ago that still have no hangup ` +
        '(none from the event socket, no CDR): calls open long after any plausible end',
      registers: [metrics.registry],
      async collect() {
        this.set(await stale.count());
      },
    });
  }
}
