import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { CopyButton } from './copy-button';

export interface SecretData {
  title: string;
  /** What the value is, for labels: "Signing secret", "API token". */
  label: string;
  value: string;
  intro: string;
}

/** Shows a secret or token once, with a copy button and a warning that it will not be shown again. */
@Component({
  selector: 'app-secret-dialog',
  imports: [MatButtonModule, MatCheckboxModule, MatDialogModule, MatIconModule, CopyButton],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content data-testid="secret-dialog">
      <p>{{ data.intro }}</p>
      <div class="warning" role="note" data-testid="secret-warning">
        <mat-icon svgIcon="warning" aria-hidden="true" />
        <span
          ><strong>Copy it now.</strong> This {{ data.label.toLowerCase() }} will not be shown again
          — not even to admins.</span
        >
      </div>
      <div class="secret-row">
        <label class="secret-label" for="secret-value">{{ data.label }}</label>
        <div class="secret-box">
          <input
            id="secret-value"
            class="mono secret"
            readonly
            data-testid="secret-value"
            [value]="data.value"
            #secretInput
            (focus)="secretInput.select()"
          />
          <app-copy-button
            [value]="data.value"
            [label]="'Copy ' + data.label.toLowerCase()"
            testid="secret-copy"
            (click)="copied.set(true)"
          />
        </div>
      </div>
      <mat-checkbox
        data-testid="secret-acknowledge"
        [checked]="acknowledged()"
        (change)="acknowledged.set($event.checked)"
        >I have stored the {{ data.label.toLowerCase() }} somewhere safe</mat-checkbox
      >
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button
        mat-flat-button
        type="button"
        mat-dialog-close
        data-testid="secret-dialog-done"
        [disabled]="!acknowledged() && !copied()"
      >
        Done
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .warning {
      display: flex;
      gap: 8px;
      align-items: flex-start;
      padding: 12px;
      border-radius: 8px;
      background: var(--app-warning-container);
      color: var(--app-on-warning-container);
      margin-bottom: 16px;
    }
    .warning mat-icon {
      flex: none;
    }
    .secret-label {
      display: block;
      font: var(--mat-sys-label-large);
      margin-bottom: 4px;
    }
    .secret-box {
      display: flex;
      align-items: center;
      gap: 4px;
      border: 1px solid var(--mat-sys-outline);
      border-radius: 8px;
      padding: 4px 4px 4px 12px;
      background: var(--mat-sys-surface-container);
      margin-bottom: 12px;
    }
    .secret {
      flex: 1;
      min-width: 0;
      border: 0;
      background: transparent;
      color: var(--mat-sys-on-surface);
      font-size: 14px;
      padding: 8px 0;
    }
    .secret:focus {
      outline: none;
    }
    .secret-box:focus-within {
      outline: 2px solid var(--mat-sys-primary);
      outline-offset: 1px;
    }
  `,
})
export class SecretDialog {
  protected readonly data = inject<SecretData>(MAT_DIALOG_DATA);
  protected readonly acknowledged = signal(false);
  protected readonly copied = signal(false);
}
