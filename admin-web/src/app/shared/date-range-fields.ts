import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { ControlContainer, FormGroupDirective, ReactiveFormsModule } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

/**
 * The "From" and "To" local date-time fields of a filter form: the parent form's `fromLocal` and
 * `toLocal` controls. Test ids `<testid>-from`, `<testid>-to`.
 */
@Component({
  selector: 'app-date-range-fields',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  viewProviders: [{ provide: ControlContainer, useExisting: FormGroupDirective }],
  host: { style: 'display: contents' },
  template: `
    <mat-form-field>
      <mat-label>From</mat-label>
      <input
        matInput
        type="datetime-local"
        formControlName="fromLocal"
        [attr.data-testid]="testid() + '-from'"
      />
    </mat-form-field>
    <mat-form-field>
      <mat-label>To</mat-label>
      <input
        matInput
        type="datetime-local"
        formControlName="toLocal"
        [attr.data-testid]="testid() + '-to'"
      />
    </mat-form-field>
  `,
})
export class DateRangeFields {
  readonly testid = input.required<string>();
}
