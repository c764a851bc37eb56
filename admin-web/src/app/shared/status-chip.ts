import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

export type Tone = 'success' | 'warning' | 'error' | 'neutral' | 'info';

interface ChipLook {
  label: string;
  tone: Tone;
  icon: string;
}

const LOOKS: Record<string, ChipLook> = {
  // webhooks
  active: { label: 'Active', tone: 'success', icon: 'success' },
  paused: { label: 'Paused', tone: 'neutral', icon: 'paused' },
  suspended: { label: 'Suspended', tone: 'error', icon: 'warning' },
  // deliveries
  pending: { label: 'Pending', tone: 'info', icon: 'pending' },
  retrying: { label: 'Retrying', tone: 'warning', icon: 'retrying' },
  succeeded: { label: 'Succeeded', tone: 'success', icon: 'success' },
  dead_letter: { label: 'Dead letter', tone: 'error', icon: 'dead-letter' },
  cancelled: { label: 'Cancelled', tone: 'neutral', icon: 'cancelled' },
  // users and tokens
  enabled: { label: 'Enabled', tone: 'success', icon: 'user-on' },
  disabled: { label: 'Disabled', tone: 'neutral', icon: 'user-off' },
  revoked: { label: 'Revoked', tone: 'neutral', icon: 'cancelled' },
  expired: { label: 'Expired', tone: 'warning', icon: 'clock' },
  // audit verify
  ok: { label: 'Intact', tone: 'success', icon: 'verify' },
  broken: { label: 'Broken', tone: 'error', icon: 'broken' },
};

/** Status as colour + icon + text, so it never relies on colour alone. */
@Component({
  selector: 'app-status-chip',
  imports: [MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[attr.data-status]': 'status()' },
  template: `<span class="chip" [class]="'chip tone-' + look().tone">
    <mat-icon [svgIcon]="look().icon" aria-hidden="true" />
    <span class="label">{{ label() || look().label }}</span>
  </span>`,
  styles: `
    :host {
      display: inline-flex;
    }
    .chip {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      padding: 2px 10px 2px 6px;
      border-radius: 999px;
      font: var(--mat-sys-label-medium);
      line-height: 20px;
      white-space: nowrap;
      border: 1px solid transparent;
    }
    mat-icon {
      width: 16px;
      height: 16px;
    }
    .tone-success {
      background: var(--app-success-container);
      color: var(--app-on-success-container);
    }
    .tone-warning {
      background: var(--app-warning-container);
      color: var(--app-on-warning-container);
    }
    .tone-error {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .tone-info {
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
    }
    .tone-neutral {
      background: var(--mat-sys-surface-container-highest);
      color: var(--mat-sys-on-surface-variant);
      border-color: var(--mat-sys-outline-variant);
    }
  `,
})
export class StatusChip {
  readonly status = input.required<string>();
  /** Overrides the text (e.g. "HTTP 500"). */
  readonly label = input<string | null>(null);
  /** Overrides the tone for statuses not in the table (e.g. HTTP codes). */
  readonly tone = input<Tone | null>(null);
  protected readonly look = computed<ChipLook>(() => {
    const known = LOOKS[this.status()];
    const tone = this.tone();
    if (known) return tone ? { ...known, tone } : known;
    const t = tone ?? 'neutral';
    return {
      label: this.status(),
      tone: t,
      icon: t === 'success' ? 'success' : t === 'error' ? 'failed' : 'info',
    };
  });
}

/** A chip look for an HTTP status (2xx good, others failed, none = no response). */
export function httpTone(status: number | null | undefined): Tone {
  if (status === null || status === undefined) return 'error';
  return status >= 200 && status < 300 ? 'success' : 'error';
}
