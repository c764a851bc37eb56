import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Webhook } from '../../core/api/api.types';
import { absoluteTime } from '../../core/ui/time';
import { formatCount, formatDuration, laneView } from './lane';

const ICONS: Record<string, string> = {
  throttled: 'throttled',
  backed_up: 'backlog',
  held: 'paused',
};

/**
 * A webhook's live delivery lane: in flight of max, backlog (due), how long the oldest due
 * delivery has waited, and the throttle. `compact` is the list cell; otherwise the detail
 * page's facts. Only a throttled or backed-up lane is coloured. Absent values show "—".
 * Test ids: `<testid>` (`data-lane-state`), `-in-flight`, `-due`, `-oldest`, `-throttled`.
 */
@Component({
  selector: 'app-lane-status',
  imports: [MatIconModule, MatTooltipModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '[attr.data-testid]': 'testid()',
    '[attr.data-lane-state]': 'view().state',
    '[class.flagged]': 'view().flagged',
    '[class.compact]': 'compact()',
  },
  templateUrl: './lane-status.html',
  styles: `
    :host {
      display: block;
    }
    .state {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      font: var(--mat-sys-label-medium);
      padding: 1px 8px 1px 4px;
      border-radius: 6px;
      background: var(--app-warning-container);
      color: var(--app-on-warning-container);
      white-space: nowrap;
    }
    .state.neutral {
      background: var(--mat-sys-surface-container-high);
      color: var(--mat-sys-on-surface-variant);
    }
    .state mat-icon {
      width: 16px;
      height: 16px;
    }
    .line {
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    :host(.compact) .line {
      font-size: 12.5px;
    }
    @media (max-width: 599.98px) {
      .line {
        white-space: normal;
      }
    }
    .sub {
      color: var(--mat-sys-on-surface-variant);
    }
    .hot {
      color: var(--app-on-warning-container);
      font-weight: 500;
    }
    .reason {
      margin: 0 0 12px;
    }
    .reason.flag {
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--app-warning-container);
      color: var(--app-on-warning-container);
    }
  `,
})
export class LaneStatus {
  readonly webhook = input.required<Webhook>();
  /** The time the lane data was read (ms); relative values are computed against it. */
  readonly now = input<number | null>(null);
  readonly compact = input(false);
  readonly testid = input('lane');

  protected readonly view = computed(() => laneView(this.webhook(), this.now() ?? Date.now()));
  protected readonly icon = computed(() => ICONS[this.view().state] ?? 'info');
  protected readonly count = formatCount;
  protected readonly duration = formatDuration;
  protected readonly absolute = absoluteTime;
}
