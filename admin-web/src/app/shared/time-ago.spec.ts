import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Clock } from '../core/ui/time';
import { TimeAgo } from './time-ago';

@Component({
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [TimeAgo],
  template: `<app-time [value]="value()" />`,
})
class Host {
  readonly value = signal<string | null>(null);
}

describe('TimeAgo', () => {
  it('shows a time that arrived after the last clock tick as "just now", not in the future', () => {
    // The clock last ticked 25 s ago; the value is from a second ago.
    const stale = signal(Date.now() - 25_000);
    TestBed.configureTestingModule({ providers: [{ provide: Clock, useValue: { now: stale } }] });
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.value.set(new Date(Date.now() - 1000).toISOString());
    fixture.detectChanges();
    const text = (fixture.nativeElement as HTMLElement).querySelector('time')?.textContent ?? '';
    expect(text).toContain('just now');
    expect(text).not.toContain('in a few seconds');
  });

  it('still shows a time that really is ahead as in the future', () => {
    TestBed.configureTestingModule({
      providers: [{ provide: Clock, useValue: { now: signal(Date.now()) } }],
    });
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.value.set(new Date(Date.now() + 20 * 60_000).toISOString());
    fixture.detectChanges();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('in 20 minutes');
  });
});
