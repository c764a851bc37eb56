import { ChangeDetectionStrategy, Component, model } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';

/**
 * The show/hide button of a password field, put in its `matSuffix`; the field's input reads
 * `shown` for its type: `[type]="shown() ? 'text' : 'password'"`.
 */
@Component({
  selector: 'app-password-toggle',
  imports: [MatButtonModule, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<button
    mat-icon-button
    type="button"
    [attr.aria-label]="shown() ? 'Hide password' : 'Show password'"
    [attr.aria-pressed]="shown()"
    (click)="shown.set(!shown())"
  >
    <mat-icon [svgIcon]="shown() ? 'hide' : 'show'" />
  </button>`,
})
export class PasswordToggle {
  readonly shown = model(false);
}
