import { ChangeDetectionStrategy, Component, OnInit, computed, inject } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { PbxApi } from '../../core/api/pbx-api';
import { remote } from '../../core/data/remote';
import { TimeAgo } from '../../shared/time-ago';

/** "6 hours" for 21600 s; whole minutes below an hour. */
export function durationText(seconds: number): string {
  const hours = Math.round(seconds / 3600);
  if (hours >= 1) return hours === 1 ? '1 hour' : `${hours} hours`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/**
 * One quiet line when calls rang long ago and never got a hangup (issue 10): read once when the
 * page loads, nothing at all when there are none or the read fails (it is not an alarm).
 */
@Component({
  selector: 'app-stale-calls-notice',
  imports: [MatIconModule, TimeAgo],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (summary(); as s) {
    <details class="stale" data-testid="stale-calls" [attr.data-count]="s.count">
      <summary data-testid="stale-calls-summary">
        <mat-icon svgIcon="warning" aria-hidden="true" />
        <span data-testid="stale-calls-line">{{ line() }}</span>
      </summary>
      <p class="hint">
        @if (s.oldest.length < s.count) {
          The oldest {{ s.oldest.length }}:
        } @else {
          Oldest first:
        }
      </p>
      <ul data-testid="stale-calls-list">
        @for (c of s.oldest; track c.call_uuid + c.extension) {
          <li
            data-testid="stale-call"
            [attr.data-call-uuid]="c.call_uuid"
            [attr.data-extension]="c.extension"
          >
            <code data-testid="stale-call-uuid">{{ c.call_uuid }}</code>
            <span
              >ext. <span data-testid="stale-call-extension">{{ c.extension }}</span></span
            >
            <span>{{ c.status }}</span>
            <span
              >ringing since
              <app-time [value]="c.ringing_at ?? c.first_seen_at" data-testid="stale-call-since"
            /></span>
          </li>
        }
      </ul>
    </details>
  }`,
  styles: `
    .stale {
      margin-bottom: 16px;
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container);
      color: var(--mat-sys-on-surface-variant);
    }
    summary {
      cursor: pointer;
      display: flex;
      align-items: center;
      gap: 8px;
    }
    summary mat-icon {
      width: 18px;
      height: 18px;
      flex: none;
    }
    .hint {
      margin: 8px 0 4px;
    }
    ul {
      margin: 0;
      padding-left: 20px;
    }
    li {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 12px;
    }
  `,
})
export class StaleCallsNotice implements OnInit {
  private readonly api = inject(PbxApi);
  private readonly remote = remote(() => this.api.staleCalls());

  /** Shown only when there is something to show. */
  protected readonly summary = computed(() => {
    const s = this.remote.value();
    return s && s.count > 0 ? s : null;
  });
  protected readonly line = computed(() => {
    const s = this.summary();
    if (!s) return '';
    const calls = s.count === 1 ? '1 call' : `${s.count} calls`;
    return `${calls} rang more than ${durationText(s.older_than_seconds)} ago and never got a hangup`;
  });

  ngOnInit(): void {
    this.remote.load();
  }
}
