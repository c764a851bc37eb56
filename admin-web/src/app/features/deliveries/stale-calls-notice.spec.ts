import { ComponentFixture, TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { settle, testProviders } from '../../../testing/providers';
import { StaleCall, StaleCallsSummary } from '../../core/api/api.types';
import { StaleCallsNotice, durationText } from './stale-calls-notice';

function call(uuid: string, ext: string): StaleCall {
  return {
    call_uuid: uuid,
    extension: ext,
    status: 'ringing',
    ringing_at: '2026-01-01T00:00:00Z',
    first_seen_at: '2026-01-01T00:00:01Z',
  };
}

describe('StaleCallsNotice', () => {
  let fixture: ComponentFixture<StaleCallsNotice>;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(StaleCallsNotice);
    fixture.detectChanges();
  });

  afterEach(() => http.verify());

  const el = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const q = (testid: string): HTMLElement | null =>
    el().querySelector<HTMLElement>(`[data-testid="${testid}"]`);

  async function answer(summary: StaleCallsSummary): Promise<void> {
    http.expectOne('/api/admin/pbx/stale-calls').flush({ data: summary });
    await settle();
    fixture.detectChanges();
  }

  it('shows nothing when no call is stale', async () => {
    await answer({ count: 0, older_than_seconds: 21600, oldest: [] });
    expect(q('stale-calls')).toBeNull();
    expect(el().textContent?.trim()).toBe('');
  });

  it('shows one line with the count, and the oldest calls when expanded', async () => {
    await answer({
      count: 3,
      older_than_seconds: 21600,
      oldest: [call('c-1', '1001'), call('c-2', '1002'), call('c-3', '1003')],
    });
    expect(q('stale-calls')?.getAttribute('data-count')).toBe('3');
    expect(q('stale-calls-line')?.textContent?.trim()).toBe(
      '3 calls rang more than 6 hours ago and never got a hangup',
    );
    const details = q('stale-calls') as HTMLDetailsElement;
    expect(details.open).toBe(false); // collapsed until the operator asks
    q('stale-calls-summary')?.click();
    fixture.detectChanges();
    expect(details.open).toBe(true);
    const rows = [...el().querySelectorAll<HTMLElement>('[data-testid="stale-call"]')];
    expect(rows.map((r) => r.dataset['callUuid'])).toEqual(['c-1', 'c-2', 'c-3']);
    expect(rows[0].querySelector('[data-testid="stale-call-extension"]')?.textContent).toBe('1001');
    expect(rows[0].querySelector('time')?.getAttribute('datetime')).toBe('2026-01-01T00:00:00Z');
  });

  it('says when only the oldest of a larger count are listed, and uses the singular', async () => {
    await answer({ count: 25, older_than_seconds: 21600, oldest: [call('c-1', '1001')] });
    expect(el().textContent).toContain('The oldest 1:');
    expect(q('stale-calls-line')?.textContent).toContain('25 calls rang');
  });

  it('stays silent when the read fails (it is not an alarm)', async () => {
    http
      .expectOne('/api/admin/pbx/stale-calls')
      .flush({ message: 'x' }, { status: 500, statusText: 'Err' });
    await settle();
    fixture.detectChanges();
    expect(q('stale-calls')).toBeNull();
  });
});

describe('durationText', () => {
  it('reads hours, or minutes below an hour', () => {
    expect(durationText(21600)).toBe('6 hours');
    expect(durationText(3600)).toBe('1 hour');
    expect(durationText(600)).toBe('10 minutes');
  });
});
