import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

/**
 * The Zorio logo and name: large on the sign-in card, compact in the top bar (where a phone
 * shows the logo and "Zorio" only).
 */
@Component({
  selector: 'app-brand',
  imports: [MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class.large]': 'large()' },
  template: `
    <span class="logo" aria-hidden="true"><mat-icon svgIcon="webhook" /></span>
    <span class="brand-text"
      >Zorio <span class="brand-sub">{{ sub() }}</span></span
    >
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 10px;
    }
    .logo {
      display: inline-grid;
      place-items: center;
      width: 36px;
      height: 36px;
      border-radius: 10px;
      background: var(--mat-sys-primary);
      color: var(--mat-sys-on-primary);
    }
    :host(.large) .logo {
      width: 40px;
      height: 40px;
      border-radius: 12px;
    }
    .brand-text {
      font: var(--mat-sys-title-large);
      font-weight: 600;
      letter-spacing: -0.01em;
    }
    .brand-sub {
      font-weight: 400;
      color: var(--mat-sys-on-surface-variant);
    }
    @media (max-width: 599.98px) {
      :host(:not(.large)) .brand-sub {
        display: none;
      }
    }
  `,
})
export class Brand {
  /** What follows "Zorio": "Admin Console", "Admin". */
  readonly sub = input.required<string>();
  readonly large = input(false);
}
