import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatTooltipModule } from '@angular/material/tooltip';

/**
 * A delivery's ordering key (its call or lead) and sequence number. The key is a button: a click
 * emits `pick` (the pages filter the deliveries by it) and goes no further (a row's own click
 * does not open the delivery). Absent values show "—".
 * Test ids: `<testid>` (the button, `data-ordering-key`), `<testid>-sequence`.
 */
@Component({
  selector: 'app-ordering-key',
  imports: [MatTooltipModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (key(); as k) {
      <button
        type="button"
        class="key mono"
        [attr.data-testid]="testid()"
        [attr.data-ordering-key]="k"
        [attr.aria-label]="'Show the deliveries of ' + k"
        [matTooltip]="'Show only the deliveries of ' + k"
        (click)="$event.stopPropagation(); pick.emit(k)"
      >
        {{ k }}
      </button>
    } @else {
      <span class="muted" [attr.data-testid]="testid()">—</span>
    }
    @if (sequence() !== null && sequence() !== undefined) {
      <span class="seq mono" [attr.data-testid]="testid() + '-sequence'" title="Sequence of the key"
        >#{{ sequence() }}</span
      >
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: baseline;
      flex-wrap: wrap;
      gap: 2px 6px;
      max-width: 260px;
    }
    .key {
      font-size: 12px;
      padding: 1px 6px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 6px;
      background: var(--mat-sys-surface-container-low);
      color: var(--mat-sys-primary);
      cursor: pointer;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      max-width: 100%;
    }
    .key:hover,
    .key:focus-visible {
      background: var(--mat-sys-surface-container-high);
    }
    .seq {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
      font-variant-numeric: tabular-nums;
    }
  `,
})
export class OrderingKey {
  readonly key = input<string | null | undefined>(null);
  readonly sequence = input<number | null | undefined>(null);
  readonly testid = input('ordering-key');
  readonly pick = output<string>();
}
