import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_SNACK_BAR_DATA, MatSnackBarRef } from '@angular/material/snack-bar';

export interface ErrorToastData {
  message: string;
  details: string[];
  status: number;
}

@Component({
  selector: 'app-error-toast',
  imports: [MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="toast" role="alert" data-testid="api-error" [attr.data-status]="data.status">
      <div class="text">
        <strong data-testid="api-error-message">{{ data.message }}</strong>
        @if (data.details.length) {
          <ul data-testid="api-error-details">
            @for (d of data.details; track $index) {
              <li>{{ d }}</li>
            }
          </ul>
        }
      </div>
      <button mat-button type="button" (click)="ref.dismiss()" aria-label="Dismiss error">
        Dismiss
      </button>
    </div>
  `,
  styles: `
    .toast {
      display: flex;
      align-items: center;
      gap: 12px;
    }
    .text {
      flex: 1;
    }
    ul {
      margin: 4px 0 0;
      padding-left: 18px;
    }
  `,
})
export class ErrorToast {
  protected readonly data = inject<ErrorToastData>(MAT_SNACK_BAR_DATA);
  protected readonly ref = inject(MatSnackBarRef);
}
