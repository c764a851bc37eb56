import { randomUUID } from 'node:crypto';
import { TestApp, useApp } from '../support/app';
import { minimalCdr } from '../support/cdr';
import { bearer } from '../domain/support';

/**
 * A CDR whose record_path is a long run of `/` once froze the process for seconds (a quadratic
 * regex). Now such CDRs are answered promptly and the process keeps answering health checks while
 * they are handled. Nothing here is timed: health is polled without pause during the posts, and
 * it must have answered while they ran; the posts must be answered before a generous deadline.
 */
describe('a CDR with 100,000 slashes', () => {
  let t: TestApp;
  let pbx: string;

  useApp(async (app) => {
    t = app;
    pbx = await bearer(t, ['pbx_api_access']);
  });

  const cdr = (recordPath: string, uuid: string) =>
    minimalCdr({ record_path: recordPath, record_name: 'a.wav' }, uuid);

  it('is answered before the deadline while /health/live keeps answering', async () => {
    const slashes = '/'.repeat(100_000);
    const paths = [`${slashes}x`, slashes, `/rec${slashes}x`, `x${slashes}`, `${slashes}%2F`];
    const uuids = paths.map(() => randomUUID());
    let running = false;
    let answeredWhileRunning = 0;
    let stop = false;
    const failures: string[] = [];
    const poller = (async () => {
      while (!stop) {
        const res = await t.http().get('/health/live');
        if (res.status !== 200) failures.push(`health answered ${res.status}`);
        else if (running) answeredWhileRunning++;
      }
    })();

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('the CDR posts were not answered within 8 s')),
        8000,
      );
    });
    const posts = (async () => {
      running = true;
      const statuses: number[] = [];
      for (const [i, path] of paths.entries()) {
        const res = await t
          .http()
          .post('/api/pbx/cdr')
          .set('Authorization', pbx)
          .send(cdr(path, uuids[i]));
        statuses.push(res.status);
      }
      running = false;
      return statuses;
    })();
    try {
      expect(await Promise.race([posts, deadline])).toEqual(paths.map(() => 201));
    } finally {
      clearTimeout(timer);
      stop = true;
      await poller;
    }
    expect(failures).toEqual([]);
    expect(answeredWhileRunning).toBeGreaterThan(0);
    const rows = await t.db.query<{ uuid: string; recording_url: string | null }[]>(
      'SELECT uuid, recording_url FROM pbx_cdrs WHERE uuid = ANY($1) ORDER BY uuid',
      [uuids],
    );
    // Stored, with the slashes trimmed or, when the URL would exceed 2048 characters, without one.
    expect(rows).toHaveLength(paths.length);
    expect(rows.filter((r) => r.recording_url !== null).map((r) => r.recording_url)).toEqual([
      'file://pbx01/a.wav', // only slashes
      'file://pbx01/a.wav', // slashes and an encoded slash
    ]);
  });
});
