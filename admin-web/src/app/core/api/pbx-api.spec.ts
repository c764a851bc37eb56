import { apiServiceTest } from '../../../testing/providers';
import { StaleCallsSummary } from './api.types';
import { PbxApi } from './pbx-api';

describe('PbxApi', () => {
  const t = apiServiceTest(PbxApi);

  it('reads the stale calls summary with GET …/pbx/stale-calls, unwrapping data', () => {
    const summary: StaleCallsSummary = {
      count: 1,
      older_than_seconds: 21600,
      oldest: [
        {
          call_uuid: 'c1',
          extension: '1001',
          status: 'ringing',
          ringing_at: '2026-01-01T00:00:00Z',
          first_seen_at: '2026-01-01T00:00:00Z',
        },
      ],
    };
    let seen: StaleCallsSummary | undefined;
    t.api.staleCalls().subscribe((s) => (seen = s));
    const req = t.http.expectOne('/api/admin/pbx/stale-calls');
    expect(req.request.method).toBe('GET');
    req.flush({ data: summary });
    expect(seen).toEqual(summary);
  });
});
