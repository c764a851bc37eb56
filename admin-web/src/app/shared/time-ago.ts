import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Clock, absoluteTime, relativeTime } from '../core/ui/time';

/** A relative time ("3 minutes ago") with the absolute time on hover and for screen readers. */
@Component({
  selector: 'app-time',
  imports: [MatTooltipModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (value()) {
      <time [attr.datetime]="value()" [matTooltip]="absolute()" [title]="absolute()"
        >{{ relative() }}<span class="cdk-visually-hidden"> ({{ absolute() }})</span></time
      >
    } @else {
      <span aria-label="never">{{ emptyText() }}</span>
    }`,
  styles: `
    time {
      white-space: nowrap;
      text-decoration: underline dotted color-mix(in srgb, currentColor 40%, transparent);
      text-underline-offset: 3px;
    }
  `,
})
export class TimeAgo {
  readonly value = input<string | null | undefined>(null);
  readonly emptyText = input('—');
  private readonly clock = inject(Clock);
  // The clock ticks every 30 s; a value that arrived since the last tick would read "in a few
  // seconds" against it, so compare with the real time too (recomputed on each tick or value).
  protected readonly relative = computed(() =>
    relativeTime(this.value(), Math.max(this.clock.now(), Date.now())),
  );
  protected readonly absolute = computed(() => absoluteTime(this.value()));
}
