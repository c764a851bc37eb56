import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

export interface ConfirmData {
  title: string;
  message: string;
  confirmLabel: string;
  /** Styles the confirm button as destructive. */
  destructive?: boolean;
  /** The user must type this exact text before confirming (e.g. the webhook's name). */
  typeToConfirm?: string;
}

/** Resolves `true` on confirm (via `afterClosed()`), anything else means cancel. */
@Component({
  selector: 'app-confirm-dialog',
  imports: [MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content data-testid="confirm-dialog">
      <p class="message">{{ data.message }}</p>
      @if (data.typeToConfirm) {
        <p>
          Type <strong class="mono">{{ data.typeToConfirm }}</strong> to confirm.
        </p>
        <mat-form-field appearance="outline" class="full">
          <mat-label>Type the name to confirm</mat-label>
          <input
            matInput
            data-testid="confirm-input"
            autocomplete="off"
            #typedInput
            [value]="typed()"
            (input)="typed.set(typedInput.value)"
            (keydown.enter)="submit()"
          />
        </mat-form-field>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" [mat-dialog-close]="false" data-testid="confirm-cancel">
        Cancel
      </button>
      <button
        mat-flat-button
        type="button"
        [class.destructive]="data.destructive"
        [disabled]="!matches()"
        [mat-dialog-close]="true"
        data-testid="confirm-ok"
      >
        {{ data.confirmLabel }}
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .full {
      width: 100%;
    }
    .message {
      white-space: pre-line;
    }
  `,
})
export class ConfirmDialog {
  protected readonly data = inject<ConfirmData>(MAT_DIALOG_DATA);
  protected readonly typed = signal('');
  protected readonly matches = computed(
    () => !this.data.typeToConfirm || this.typed().trim() === this.data.typeToConfirm,
  );
  private readonly ref = inject<MatDialogRef<ConfirmDialog, boolean>>(MatDialogRef);
  protected submit(): void {
    if (this.matches()) this.ref.close(true);
  }
}
