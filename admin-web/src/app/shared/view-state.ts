import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { ApiError } from '../core/errors/api-error';

/**
 * Loading, error and empty states in one place. Shows the projected content otherwise.
 * `testid` prefixes the state's data-testid: `<prefix>-loading`, `-error`, `-empty`.
 */
@Component({
  selector: 'app-view-state',
  imports: [MatButtonModule, MatIconModule, MatProgressSpinnerModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (loading() && !hasData()) {
      <div class="state" role="status" [attr.data-testid]="testid() + '-loading'">
        <mat-progress-spinner mode="indeterminate" diameter="36" aria-label="Loading" />
        <span>{{ loadingText() }}</span>
      </div>
    } @else if (error() && !hasData()) {
      <div class="state error" role="alert" [attr.data-testid]="testid() + '-error'">
        <mat-icon svgIcon="error" aria-hidden="true" />
        <p class="title">{{ error()?.message }}</p>
        @for (m of errorDetails(); track $index) {
          <p class="detail">{{ m }}</p>
        }
        <button mat-stroked-button type="button" (click)="retry.emit()">Try again</button>
      </div>
    } @else if (empty()) {
      <div class="state" [attr.data-testid]="testid() + '-empty'">
        <mat-icon svgIcon="empty" aria-hidden="true" />
        <p class="title">{{ emptyTitle() }}</p>
        @if (emptyText()) {
          <p class="detail">{{ emptyText() }}</p>
        }
        <ng-content select="[empty-action]" />
      </div>
    } @else {
      <ng-content />
    }
  `,
  styles: `
    .state {
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      gap: 8px;
      padding: 48px 16px;
      text-align: center;
      color: var(--mat-sys-on-surface-variant);
    }
    .state mat-icon {
      width: 40px;
      height: 40px;
      color: var(--mat-sys-outline);
    }
    .state.error mat-icon {
      color: var(--mat-sys-error);
    }
    .title {
      font: var(--mat-sys-title-medium);
      color: var(--mat-sys-on-surface);
      margin: 0;
    }
    .detail {
      margin: 0;
    }
  `,
})
export class ViewState {
  readonly loading = input(false);
  readonly error = input<ApiError | null>(null);
  readonly empty = input(false);
  /** When data is already shown, a reload keeps it visible instead of flashing a spinner. */
  readonly hasData = input(false);
  readonly testid = input('view');
  readonly loadingText = input('Loading…');
  readonly emptyTitle = input('Nothing here yet');
  readonly emptyText = input<string | null>(null);
  readonly retry = output<void>();
  protected errorDetails(): string[] {
    return Object.values(this.error()?.errors ?? {}).flat();
  }
}
